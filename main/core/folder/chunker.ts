// Reads a file as its content-defined chunks (chunk-cuts), a slab at a time.
import { readFull } from './disk-io'
import { type Chunk, chunkHash } from './chunk-ref'
import { CHUNK_MAX, CUT_RULES, cutLengths } from './chunk-cuts'
import { useCutThread } from './chunk-cut-thread'

const SLAB_BYTES = 4 << 20

export type FileChunk = Chunk & { offset: number; bytes: Buffer }

// Reads fd from offset 0 to its end and yields its chunks, each with bytes of
// its own (the caller may keep them). The same chunks as cutPoints over the
// same bytes. Three steps overlap: the next slab is read while this one is
// cut (on a thread of its own, see chunk-cut-thread) and the one before has
// its chunks hashed and handed on. On a file not in the page cache the disk
// and both cores then work at once.
// `size` is what the caller expects the file to hold: a small file then gets
// a small slab (allocating 5 MiB for each of ten thousand small files costs
// more than reading them), which grows if the file turns out longer.
export async function* chunkFile(fd: number, opts: { signal?: AbortSignal; size?: number } = {}): AsyncGenerator<FileChunk> {
  const { signal } = opts
  const spare: Buffer[] = []
  const cuts = slabCuts(fd, opts, spare)
  let next: Promise<IteratorResult<SlabCuts>> = cuts.next()
  try {
    for (;;) {
      const item: IteratorResult<SlabCuts> = await next
      if (item.done === true) return
      next = cuts.next() // the next slab is cut while this one's chunks are hashed
      const { slab, offset, lengths } = item.value
      let start = item.value.start
      for (const size of lengths) {
        signal?.throwIfAborted()
        const bytes = Buffer.allocUnsafe(size)
        slab.copy(bytes, 0, start, start + size)
        yield { hash: chunkHash(bytes), size, offset: offset + start - item.value.start, bytes }
        start += size
      }
      spare.push(slab)
    }
  } finally {
    await next.catch(() => undefined)
    await cuts.return(undefined)
  }
}

type SlabCuts = { slab: Buffer; start: number; offset: number; lengths: number[] }

// The chunk lengths of each slab read from fd, cut from `start`, the file
// offset of slab[start]. Each slab after the first keeps CHUNK_MAX bytes in
// front for what the one before left uncut (the first has none: a small
// file's slab is then its size, from Buffer's pool, not 260 KiB of its own;
// in a profiled first share of 100,000 small files, garbage collection went
// from 5.9 to 3.2 s). The next slab is read while this one is cut.
async function* slabCuts(fd: number, opts: { signal?: AbortSignal; size?: number }, spare: Buffer[]): AsyncGenerator<SlabCuts> {
  const { signal, size: expected } = opts
  let readBytes = expected !== undefined && expected < SLAB_BYTES ? expected + 1 : SLAB_BYTES
  let position = 0 // file offset of the next read
  const take = (front: number): Buffer => {
    const found = spare.pop()
    return found?.length === front + readBytes ? found : Buffer.allocUnsafe(front + readBytes)
  }
  const readInto = async (slab: Buffer, front: number): Promise<number> => {
    const read = await readFull(fd, slab, front, readBytes, position)
    position += read
    return read
  }
  let ahead: Promise<number> | null = null
  const thread = readBytes === SLAB_BYTES ? useCutThread() : null
  try {
    let front = 0 // where this slab's bytes read begin
    let slab = take(front)
    let read = await readInto(slab, front)
    let kept = 0 // bytes left uncut by the previous slab, just before slab[front]
    let offset = 0 // file offset of slab[front - kept]
    for (;;) {
      signal?.throwIfAborted()
      const ended = read < readBytes
      let next: Buffer | null = null
      if (!ended) {
        readBytes = SLAB_BYTES // a file that outgrew its hint reads on in full slabs
        next = take(CHUNK_MAX)
        ahead = readInto(next, CHUNK_MAX)
      }
      const start = front - kept
      const end = front + read
      let lengths: number[]
      if (thread === null) lengths = cutLengths(slab, start, end, ended, CUT_RULES)
      else ({ slab, lengths } = await thread.cut(slab, start, end, ended))
      if (next === null) return yield { slab, start, offset, lengths }
      read = await ahead!
      ahead = null
      const cut = lengths.reduce((sum, n) => sum + n, 0)
      kept = end - start - cut
      slab.copy(next, CHUNK_MAX - kept, start + cut, end)
      yield { slab, start, offset, lengths }
      offset += cut
      slab = next
      front = CHUNK_MAX
    }
  } finally {
    // A read still running must end before the caller closes fd (its number could be reused).
    await ahead?.catch(() => undefined)
    thread?.release()
  }
}

