// The bytes of a file version. A version of format 2 names them by a chunk
// list (inline in its entry's metadata, or in a blob when long); they are
// gathered by hash, from this device first (the chunk store, the old version
// of the same file, any file where the chunk was last seen) and then from
// the peers on the folder's topic, several at once. Every chunk is checked
// against its hash before it is used or sent, so bytes that moved on a disk
// or came from a lying peer never reach a file. A version from before chunks
// still has its bytes in its writer's blobs.
//
// A replaced or deleted version's chunks that no longer live in a file go to
// the chunk store (the history archive), when the folder keeps history.
import { HyperfoldError } from '../../../contract/errors'
import { type Chunk, type ChunkRef, type ChunkSource, chunkHash } from './chunk-ref'
import { fetchInOrder } from './chunk-fetcher'
import type { ChunkStore } from './chunk-store'
import { CHUNK_MIN } from './chunk-cuts'
import { io, readFull } from './disk-io'
import type { FolderDrives } from './folder-drives'
import type { FolderFs } from './folder-fs'
import type { IndexRecord, LocalIndex } from './local-index'
import { ServedFiles } from './served-files'
import { decodeManifest, manifestFromText, refsOf } from './manifest'
import type { Candidate } from './merge'

// A chunk list longer than this cannot be right: it would name a file of
// hundreds of terabytes, and a peer must not make us hold it in memory.
const MAX_MANIFEST_BYTES = 64 << 20
const RECENT_LISTS = 8
// A range read (a video playing, a preview) fetches its chunks in segments,
// the next one while the current one is handed out: a few chunks ahead,
// never much more than a seek would throw away. The first is small, so the
// first byte does not wait behind a megabyte.
const FIRST_SEGMENT_BYTES = 256 << 10
const SEGMENT_BYTES = 1 << 20
// Chunk lists of versions being read by range (a seek is a new read of the same version).
const STREAMED_LISTS = 4

export type Version = Pick<Candidate, 'writer' | 'meta' | 'blob'>

export interface RangeRead {
  start: number
  end: number // inclusive
  signal?: AbortSignal | undefined
}

export interface FileContentOptions {
  folderId: string
  drives: FolderDrives
  store: ChunkStore
  index: LocalIndex
  sources(): ChunkSource[]
  disk(): FolderFs | null // the folder on this disk, while it syncs here
  onlying(peer: string, path: string): void
  onbytes(bytes: number): void // a chunk of a version being read is in hand: a large file shows progress before it is whole
}

export class FileContent {
  private readonly opts: FileContentOptions
  private readonly lists = new RecentLists()
  private readonly served = new ServedFiles()
  private readonly streamed = new Map<string, Promise<Chunk[] | null>>()

  constructor(opts: FileContentOptions) {
    this.opts = opts
  }

  // The chunks of a version, or null for one from before chunks.
  async chunksOf({ writer, meta, blob }: Version): Promise<Chunk[] | null> {
    if (meta.format !== 2) return null
    const who = writer.slice(0, 8)
    if (meta.manifest === undefined && (blob === null || blob.byteLength > MAX_MANIFEST_BYTES)) {
      throw new HyperfoldError('PEER_DATA_INVALID', `Writer ${who} sent a version with no readable chunk list.`)
    }
    const bytes = meta.manifest === undefined ? await collect(await this.opts.drives.bytes(writer, blob)) : null
    try {
      return bytes === null ? manifestFromText(meta.manifest!, meta.size) : decodeManifest(bytes, meta.size)
    } catch (err) {
      if (!(err instanceof HyperfoldError)) throw err
      throw new HyperfoldError(err.code, `Writer ${who}: ${err.message}`)
    }
  }

  // The version's bytes in order, each chunk verified; a chunk no one holds
  // fails the read with BYTES_UNAVAILABLE.
  async bytes(version: Version, path: string, signal?: AbortSignal): Promise<Uint8Array | AsyncIterable<Uint8Array>> {
    return this.read(version, await this.chunksOf(version), path, signal)
  }

  // The same, with the chunk list already in hand (chunksOf).
  async read(version: Version, chunks: Chunk[] | null, path: string, signal?: AbortSignal): Promise<Uint8Array | AsyncIterable<Uint8Array>> {
    if (chunks === null) return this.opts.drives.bytes(version.writer, version.blob)
    const here = await this.placesAt(path)
    const files = new OpenFiles(this.opts.disk())
    const chunksInOrder = fetchInOrder(this.opts.folderId, refsOf(chunks, path), {
      ...(signal === undefined ? {} : { signal }),
      local: (ref) => this.find(ref, here, files),
      sources: () => this.opts.sources(),
      onlying: (peer) => this.opts.onlying(peer, path)
    })
    return closing(counted(chunksInOrder, this.opts.onbytes), () => files.close())
  }

  // Bytes start..end of the version of the file at `path`, in order: only the
  // chunks that overlap the range are fetched (this device's copies first,
  // then peers, each verified), a segment ahead of what is taken. Stopping
  // the iteration or aborting the signal stops every fetch. A version from
  // before chunks is read from its blob's start and cut to the range.
  async *stream(version: Version, path: string, { start, end, signal }: RangeRead): AsyncGenerator<Buffer> {
    const last = Math.min(end, version.meta.size - 1)
    if (start > last) return
    const chunks = await this.streamedList(version)
    if (chunks === null) {
      yield* cut(await this.opts.drives.bytes(version.writer, version.blob), start, last, signal)
      return
    }
    const refs = refsOf(chunks, path)
    const wanted = refs.slice(chunkAt(refs, start), chunkAt(refs, last) + 1)
    let i = 0
    for await (const bytes of this.fetchAhead(wanted, path, signal)) {
      const ref = wanted[i++]!
      const from = Math.max(0, start - ref.offset)
      const to = Math.min(ref.size, last - ref.offset + 1)
      yield from === 0 && to === ref.size ? bytes : bytes.subarray(from, to)
    }
  }

  // What a peer asking for a chunk is given: only bytes that match its hash.
  serve(ref: ChunkRef): Promise<Buffer | null> {
    return this.find(ref, 'peer')
  }

  // Lets go of the files kept open for serving.
  close(): void {
    this.served.close()
  }

  // Records what the file at a path now holds (`version`, whose list is
  // `chunks`), for the next pull to build on: where its list is, and, for the
  // chunks the file did not hold before, that it holds them now. A file under
  // CHUNK_MIN is one chunk, found by reading it whole: it gets no record (one
  // more index key per file made sharing many small files twice as slow).
  // `previous` is the record this replaces (null for none).
  async place(path: string, version: Version, chunks: Chunk[], previous: IndexRecord | null): Promise<void> {
    const { index } = this.opts
    const { size, manifest } = version.meta
    if (size < CHUNK_MIN) return this.forget(path, previous)
    const before = new Set((await this.listAt(path))?.map((c) => c.hash.toString('hex')))
    const blob = version.blob ?? undefined
    index.setManifest(path, { writer: version.writer, size, ...(manifest === undefined ? { blob } : { text: manifest }) })
    this.lists.set(path, chunks)
    for (const c of chunks) if (!before.has(c.hash.toString('hex'))) index.setLocation(c.hash.toString('hex'), path)
  }

  // The chunks (by hash) of the version recorded at a path when `writer` wrote
  // it (and it is big enough to have a record); empty otherwise.
  async heldAt(path: string, writer: string): Promise<Set<string>> {
    if ((await this.opts.index.manifest(path))?.writer !== writer) return new Set()
    return new Set((await this.listAt(path))?.map((c) => c.hash.toString('hex')))
  }

  // A file this device recorded as holding exactly `chunks`, found where the
  // first of them was last seen; null when there is none. A file under
  // CHUNK_MIN has no record, and costs little to write anyway.
  async fileHolding(chunks: Chunk[]): Promise<string | null> {
    if (chunks.length === 0) return null
    const seen = await this.opts.index.locate(chunks[0]!.hash.toString('hex'))
    const there = seen === null ? null : await this.listAt(seen)
    return there !== null && sameChunks(there, chunks) ? seen : null
  }

  // Another file this device recorded as holding exactly what the file
  // recorded at `path` (`size` bytes) held: where it went, when it was moved.
  async movedTo(path: string, size: number): Promise<string | null> {
    const chunks = size >= CHUNK_MIN ? await this.listAt(path) : null
    const there = chunks === null ? null : await this.fileHolding(chunks)
    return there === path ? null : there
  }

  // The chunk list place() recorded for the file at `path`; null when it has none.
  chunksRecordedAt(path: string): Promise<Chunk[] | null> {
    return this.listAt(path)
  }

  // Drops the chunk record at a path; only a file big enough had one (a
  // removal of a key that never was costs a tree walk per small file).
  forget(path: string, previous: IndexRecord | null): void {
    this.lists.delete(path)
    if (previous?.kind === 'file' && previous.size >= CHUNK_MIN) this.opts.index.setManifest(path, null)
  }

  // Keeps the chunks of the file at `path` that `next` (the version replacing
  // it; none for a deletion) does not hold, read from the file as it is now.
  // Returns how many bytes went into the archive.
  async archive(path: string, next: Chunk[] | null, size: number): Promise<number> {
    const fs = this.opts.disk()
    if (fs === null) return 0
    const old = await this.chunksHere(path, size)
    if (old === null) return 0
    const kept = new Set(next?.map((c) => c.hash.toString('hex')))
    let archived = 0
    for (const ref of refsOf(old, path)) {
      if (kept.has(ref.hash.toString('hex')) || (await this.opts.store.has(ref.hash)) || (await this.livesElsewhere(ref))) continue
      const bytes = await fs.readAt(path, ref.offset, ref.size)
      if (bytes === null || !matches(bytes, ref.hash)) return archived // the file changed since: what it held is gone
      if (await this.opts.store.put(ref.hash, bytes)) archived += bytes.byteLength
    }
    return archived
  }

  // The refs' chunks in order, fetched segment by segment, the next segment
  // asked for while the current one is handed out.
  private async *fetchAhead(refs: ChunkRef[], path: string, signal: AbortSignal | undefined): AsyncGenerator<Buffer> {
    const here = await this.placesAt(path)
    const files = new OpenFiles(this.opts.disk())
    const stop = new AbortController()
    const onabort = () => stop.abort(signal?.reason)
    signal?.addEventListener('abort', onabort)
    if (signal?.aborted === true) stop.abort(signal.reason)
    const opts = {
      signal: stop.signal,
      local: (ref: ChunkRef) => this.find(ref, here, files),
      sources: () => this.opts.sources(),
      onlying: (peer: string) => this.opts.onlying(peer, path)
    }
    const segments = segmentsOf(refs)
    const started: Started<Buffer>[] = []
    const begin = (i: number) => i < segments.length && started.push(new Started(fetchInOrder(this.opts.folderId, segments[i]!, opts)))
    try {
      begin(0)
      for (let i = 0; i < segments.length; i++) {
        begin(i + 1)
        yield* started[i]!.rest()
      }
    } finally {
      signal?.removeEventListener('abort', onabort)
      stop.abort()
      for (const segment of started) await segment.stop()
      await files.close()
    }
  }

  // The chunk list of a version read by range, kept for the next range of it.
  private streamedList(version: Version): Promise<Chunk[] | null> {
    const { writer, meta, blob } = version
    const key = `${writer}:${meta.size}:${meta.manifest ?? `${blob?.blockOffset}/${blob?.byteOffset}/${blob?.byteLength}`}`
    let list = this.streamed.get(key)
    if (list === undefined) {
      list = this.chunksOf(version)
      list.catch(() => this.streamed.delete(key)) // asked again next time
      this.streamed.set(key, list)
      if (this.streamed.size > STREAMED_LISTS) this.streamed.delete(this.streamed.keys().next().value!)
    }
    return list
  }

  // This device's copy of a chunk, checked. `here` is, for a version being
  // built at ref.path, where the file there now holds each chunk (by hash);
  // for a peer, 'peer': its own version of the file holds it where it says.
  // Then the chunk store, then the file where the chunk was last seen.
  private async find(ref: ChunkRef, here: Map<string, number> | 'peer', files?: OpenFiles): Promise<Buffer | null> {
    const fs = this.opts.disk()
    const hex = ref.hash.toString('hex')
    const offset = here === 'peer' ? ref.offset : here.get(hex)
    const checked = (bytes: Buffer | null) => (bytes !== null && matches(bytes, ref.hash) ? bytes : null)
    const read = async (path: string, at: number): Promise<Buffer | null> => {
      if (files !== undefined) return checked(await files.read(path, at, ref.size))
      // Served from a file kept open: one that no longer matches may have been replaced since it was opened.
      return checked(await this.served.read(fs!, path, at, ref.size)) ?? checked(await this.served.read(fs!, path, at, ref.size, true))
    }
    if (fs !== null && offset !== undefined) {
      const bytes = await read(ref.path, offset)
      if (bytes !== null) return bytes
    }
    const stored = await this.opts.store.get(ref.hash, ref.size)
    if (stored !== null || fs === null) return stored
    const seen = await this.opts.index.locate(hex)
    const at = seen === null ? undefined : (await this.placesAt(seen)).get(hex)
    return at === undefined ? null : read(seen!, at)
  }

  // Last seen in another file here (the file was renamed or copied): no copy
  // for the archive while that file holds it.
  private async livesElsewhere(ref: ChunkRef): Promise<boolean> {
    const seen = await this.opts.index.locate(ref.hash.toString('hex'))
    return seen !== null && seen !== ref.path
  }

  // Where the file recorded at a path holds each of its chunks, by hash.
  private async placesAt(path: string): Promise<Map<string, number>> {
    const chunks = await this.listAt(path)
    if (chunks === null) return new Map()
    return this.lists.places(path) ?? new Map(refsOf(chunks, path).map((ref) => [ref.hash.toString('hex'), ref.offset]))
  }

  // The chunks of the file this device recorded at a path (`size` bytes), as place() left them.
  private async chunksHere(path: string, size: number): Promise<Chunk[] | null> {
    if (size >= CHUNK_MIN) return this.listAt(path)
    if (size === 0) return []
    const bytes = await this.opts.disk()?.readAt(path, 0, size)
    return bytes == null ? null : [{ hash: chunkHash(bytes), size }]
  }

  // The list place() recorded, read back from its version (a rename's 16,000
  // lookups all land on the same one: the last few are kept decoded).
  private async listAt(path: string): Promise<Chunk[] | null> {
    const cached = this.lists.get(path)
    if (cached !== undefined) return cached
    const ref = await this.opts.index.manifest(path)
    if (ref === null) return null
    const meta = { device: '', mtime: 0, executable: false, kind: 'file' as const, vv: {}, format: 2 as const, size: ref.size }
    const version = { writer: ref.writer, meta: ref.text === undefined ? meta : { ...meta, manifest: ref.text }, blob: ref.blob ?? null }
    const chunks = await this.chunksOf(version).catch(() => null) // a list gone or damaged: nothing here to build on
    if (chunks !== null) this.lists.set(path, chunks)
    return chunks
  }
}

function sameChunks(a: Chunk[], b: Chunk[]): boolean {
  return a.length === b.length && a.every((c, i) => c.size === b[i]!.size && c.hash.equals(b[i]!.hash))
}

function matches(bytes: Uint8Array, hash: Buffer): boolean {
  return chunkHash(bytes).equals(hash)
}

async function* counted(source: AsyncGenerator<Uint8Array>, onbytes: (bytes: number) => void): AsyncGenerator<Uint8Array> {
  for await (const chunk of source) {
    onbytes(chunk.byteLength)
    yield chunk
  }
}

// Hands out what `source` yields, then lets go of what it read from, however
// the caller stops (never started, nothing was opened).
async function* closing<T>(source: AsyncGenerator<T>, close: () => Promise<void>): AsyncGenerator<T> {
  try {
    yield* source
  } finally {
    await close()
  }
}

// The files a new version takes chunks from (the one it replaces, one it was
// renamed or copied from), each opened once: a 1 GiB file lends 16,000
// chunks, and an open and a close cost as much as each read.
class OpenFiles {
  private readonly fs: FolderFs | null
  private readonly open = new Map<string, Promise<{ fd: number } | null>>()

  constructor(fs: FolderFs | null) {
    this.fs = fs
  }

  async read(path: string, offset: number, size: number): Promise<Buffer | null> {
    let opened = this.open.get(path)
    if (opened === undefined) {
      opened = this.fs === null ? Promise.resolve(null) : this.fs.openFile(path).catch(() => null)
      this.open.set(path, opened)
    }
    const file = await opened
    if (file === null) return null
    const buffer = Buffer.allocUnsafe(size)
    return (await readFull(file.fd, buffer, 0, size, offset).catch(() => 0)) === size ? buffer : null
  }

  async close(): Promise<void> {
    const opened = [...this.open.values()]
    this.open.clear()
    for (const file of await Promise.all(opened)) if (file !== null) await io.close(file.fd)
  }
}

// A generator whose work begins now (fetchInOrder starts asking when it is
// first pulled); its values are taken later, in order, through rest().
class Started<T> {
  private readonly source: AsyncGenerator<T>
  private readonly first: Promise<IteratorResult<T>>

  constructor(source: AsyncGenerator<T>) {
    this.source = source
    this.first = source.next()
    this.first.catch(() => undefined) // told where it is awaited; one never awaited was stopped
  }

  async *rest(): AsyncGenerator<T> {
    const first = await this.first
    if (first.done === true) return
    yield first.value
    for (let next = await this.source.next(); next.done !== true; next = await this.source.next()) yield next.value
  }

  // Ends the source wherever it is (its pending pull settles first: the caller aborts it).
  async stop(): Promise<void> {
    await this.source.return(undefined).catch(() => undefined)
  }
}

// Refs cut in consecutive segments: a small first one, then SEGMENT_BYTES each (at least one chunk per segment).
function segmentsOf(refs: ChunkRef[]): ChunkRef[][] {
  const segments: ChunkRef[][] = []
  let current: ChunkRef[] = []
  let bytes = 0
  for (const ref of refs) {
    current.push(ref)
    bytes += ref.size
    if (bytes >= (segments.length === 0 ? FIRST_SEGMENT_BYTES : SEGMENT_BYTES)) {
      segments.push(current)
      current = []
      bytes = 0
    }
  }
  if (current.length > 0) segments.push(current)
  return segments
}

// The index of the ref that holds byte `at` (refs cover the file in order).
function chunkAt(refs: ChunkRef[], at: number): number {
  let [low, high] = [0, refs.length - 1]
  while (low < high) {
    const mid = (low + high + 1) >> 1
    if (refs[mid]!.offset <= at) low = mid
    else high = mid - 1
  }
  return low
}

// Bytes start..last (inclusive) of a whole version's bytes, read from its start.
async function* cut(source: Uint8Array | AsyncIterable<Uint8Array>, start: number, last: number, signal?: AbortSignal): AsyncGenerator<Buffer> {
  let offset = 0
  for await (const part of source instanceof Uint8Array ? [source] : source) {
    signal?.throwIfAborted()
    const from = Math.max(0, start - offset)
    const to = Math.min(part.byteLength, last - offset + 1)
    if (to > from) yield Buffer.from(part.buffer, part.byteOffset + from, to - from)
    offset += part.byteLength
    if (offset > last) return
  }
}

async function collect(source: Uint8Array | AsyncIterable<Uint8Array>): Promise<Uint8Array> {
  if (source instanceof Uint8Array) return source
  const parts: Uint8Array[] = []
  for await (const part of source) parts.push(part)
  return Buffer.concat(parts)
}

// A few decoded chunk lists by path, the most recently used kept, each with
// where its chunks lie (built once: a lookup per chunk of a 1 GiB rename).
class RecentLists {
  private readonly byPath = new Map<string, { chunks: Chunk[]; places: Map<string, number> | null }>()

  get(path: string): Chunk[] | undefined {
    const found = this.byPath.get(path)
    if (found === undefined) return undefined
    this.byPath.delete(path)
    this.byPath.set(path, found)
    return found.chunks
  }

  places(path: string): Map<string, number> | undefined {
    const found = this.byPath.get(path)
    if (found === undefined) return undefined
    found.places ??= new Map(refsOf(found.chunks, path).map((ref) => [ref.hash.toString('hex'), ref.offset]))
    return found.places
  }

  set(path: string, chunks: Chunk[]): void {
    this.byPath.delete(path)
    this.byPath.set(path, { chunks, places: null })
    if (this.byPath.size > RECENT_LISTS) this.byPath.delete(this.byPath.keys().next().value!)
  }

  delete(path: string): void {
    this.byPath.delete(path)
  }
}
