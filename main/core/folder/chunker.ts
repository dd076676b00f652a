// Content-defined chunking: a file is cut where its bytes say, not at fixed
// offsets, so an insert or a delete moves the cuts with the bytes and only the
// chunks around the edit change. The algorithm is FastCDC (Xia et al., 2016):
// a gear hash, normalized chunking, no test in the first CHUNK_MIN bytes.
// Written here by hand because npm has no maintained FastCDC package (only
// Rabin chunkers, slower and with other boundaries).
//
// The boundaries are part of the protocol: two devices that chunk the same
// bytes must name the same chunks, or nothing is shared between them. The
// parameters, the masks and the gear table below must never change; a change
// is a new protocol version.
import { createHash } from 'crypto'
import { readFull } from './disk-io'
import { type Chunk, chunkHash } from './chunk-ref'

export const CHUNK_MIN = 16 << 10
export const CHUNK_AVG = 64 << 10
export const CHUNK_MAX = 256 << 10

// Small chunks because history is kept per chunk: a 1 MiB edit costs the
// chunks it touches, about 1.1 MiB with these (1.4 MiB with a 256 KiB
// average), on the wire and in every archive. A 1 GiB version's list is then
// about 16,000 entries (530 KiB), still well under the bytes it saves.
//
// Normalized chunking, level 1: before CHUNK_AVG a cut needs 17 zero bits,
// after it 15, which gathers sizes near the average (a few in 1000 chunks
// reach CHUNK_MAX on random bytes; 2 in 100 without it). Not level 2: its
// sizes are so even that after an edit the cuts of the old and the new bytes
// fall out of step for two chunks on average, where level 1 takes half of
// one. The bits are the hash's top ones: bit k of a gear hash depends on the
// last k+1 bytes, so the top bits see the widest window.
const MASK_STRICT = 0xffff8000 | 0
const MASK_LOOSE = 0xfffe0000 | 0

const SLAB_BYTES = 4 << 20

// 256 random 32-bit words: word i is the first four bytes of
// SHA-256("hyperfold gear <i>"). Fixed forever, like the parameters above.
const GEAR = gearTable()

export type FileChunk = Chunk & { offset: number; bytes: Buffer }

// The end offsets of the chunks of a whole buffer, in order; the last is its length.
export function cutPoints(data: Uint8Array): number[] {
  const cuts: number[] = []
  let start = 0
  while (start < data.length) {
    start += chunkLength(data, start, data.length)
    cuts.push(start)
  }
  return cuts
}

// Reads fd from offset 0 to its end and yields its chunks, each with bytes of
// its own (the caller may keep them). The same chunks as cutPoints over the
// same bytes: a cut is only looked for once CHUNK_MAX bytes are at hand, or
// the file has ended.
// The next slab is read while this one is cut and hashed: on a file that is
// not in the page cache the disk and the CPU then work at the same time.
// Each slab keeps CHUNK_MAX bytes in front for what the one before left uncut.
// `size` is what the caller expects the file to hold: a small file then gets
// a small slab (allocating 5 MiB for each of ten thousand small files costs
// more than reading them), which grows if the file turns out longer.
export async function* chunkFile(fd: number, opts: { signal?: AbortSignal; size?: number } = {}): AsyncGenerator<FileChunk> {
  const { signal, size: expected } = opts
  let readBytes = expected !== undefined && expected < SLAB_BYTES ? expected + 1 : SLAB_BYTES
  let position = 0 // file offset of the next read
  const readInto = async (slab: Buffer): Promise<number> => {
    const read = await readFull(fd, slab, CHUNK_MAX, readBytes, position)
    position += read
    return read
  }
  let slab: Buffer = Buffer.allocUnsafe(CHUNK_MAX + readBytes)
  let spare: Buffer | null = null
  let kept = 0 // bytes left uncut by the previous slab, just before slab[CHUNK_MAX]
  let offset = 0 // file offset of slab[CHUNK_MAX - kept]
  let ahead: Promise<number> | null = null
  try {
    let read = await readInto(slab)
    for (;;) {
      signal?.throwIfAborted()
      const ended = read < readBytes
      if (!ended) {
        readBytes = SLAB_BYTES // a file that outgrew its hint reads on in full slabs
        if (spare?.length !== CHUNK_MAX + readBytes) spare = Buffer.allocUnsafe(CHUNK_MAX + readBytes)
        ahead = readInto(spare)
      }
      const base = CHUNK_MAX - kept
      const end = CHUNK_MAX + read
      let start = base
      while (end - start >= CHUNK_MAX || (ended && start < end)) {
        const size = chunkLength(slab, start, end)
        const bytes = Buffer.allocUnsafe(size)
        slab.copy(bytes, 0, start, start + size)
        yield { hash: chunkHash(bytes), size, offset: offset + start - base, bytes }
        signal?.throwIfAborted()
        start += size
      }
      if (ended) return
      read = await ahead!
      ahead = null
      kept = end - start
      slab.copy(spare!, CHUNK_MAX - kept, start, end)
      offset += start - base
      ;[slab, spare] = [spare!, slab]
    }
  } finally {
    // A read still running must end before the caller closes fd (its number could be reused).
    await ahead?.catch(() => undefined)
  }
}

// The length of the chunk that begins at start. Needs data up to
// start + CHUNK_MAX, or end at the true end of the bytes.
function chunkLength(data: Uint8Array, start: number, end: number): number {
  const remaining = end - start
  if (remaining <= CHUNK_MIN) return remaining
  const last = start + Math.min(remaining, CHUNK_MAX)
  const normal = start + Math.min(remaining, CHUNK_AVG)
  const gear = GEAR
  let h = 0
  let i = start + CHUNK_MIN
  for (; i < normal; i++) {
    h = ((h << 1) + gear[data[i]!]!) | 0
    if ((h & MASK_STRICT) === 0) return i + 1 - start
  }
  for (; i < last; i++) {
    h = ((h << 1) + gear[data[i]!]!) | 0
    if ((h & MASK_LOOSE) === 0) return i + 1 - start
  }
  return last - start
}

function gearTable(): Uint32Array {
  const table = new Uint32Array(256)
  for (let i = 0; i < 256; i++) table[i] = createHash('sha256').update(`hyperfold gear ${i}`).digest().readUInt32BE(0)
  return table
}
