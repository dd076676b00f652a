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
import { createHash } from 'crypto'
import { HyperfoldError } from '../../../contract/errors'
import type { Chunk, ChunkRef, ChunkSource } from './chunk-ref'
import { fetchInOrder } from './chunk-fetcher'
import type { ChunkStore } from './chunk-store'
import { CHUNK_MIN } from './chunker'
import type { FolderDrives } from './folder-drives'
import type { FolderFs } from './folder-fs'
import type { ChunkLocation, LocalIndex } from './local-index'
import { decodeManifest, encodeManifest, manifestFromText, manifestToText, refsOf } from './manifest'
import type { Candidate } from './merge'

// A chunk list longer than this cannot be right: it would name a file of
// hundreds of terabytes, and a peer must not make us hold it in memory.
const MAX_MANIFEST_BYTES = 64 << 20

export type Version = Pick<Candidate, 'writer' | 'meta' | 'blob'>

export interface FileContentOptions {
  folderId: string
  drives: FolderDrives
  store: ChunkStore
  index: LocalIndex
  sources(): ChunkSource[]
  disk(): FolderFs | null // the folder on this disk, while it syncs here
  onlying(peer: string, path: string): void
}

export class FileContent {
  private readonly opts: FileContentOptions

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
    const here = (await this.placesAt(path)) ?? new Map<string, number>()
    return fetchInOrder(this.opts.folderId, refsOf(chunks, path), {
      ...(signal === undefined ? {} : { signal }),
      local: (ref) => this.find(ref, here),
      sources: () => this.opts.sources(),
      onlying: (peer) => this.opts.onlying(peer, path)
    })
  }

  // What a peer asking for a chunk is given: only bytes that match its hash.
  serve(ref: ChunkRef): Promise<Buffer | null> {
    return this.find(ref, 'peer')
  }

  // Records what the file at a path now holds, for the next pull to build on.
  // A file under CHUNK_MIN is one chunk, found by reading it whole: it gets no
  // record (one more index key per file made sharing many small files twice as slow).
  place(path: string, chunks: Chunk[]): void {
    const { index } = this.opts
    const size = chunks.reduce((sum, c) => sum + c.size, 0)
    if (size < CHUNK_MIN) {
      index.setManifest(path, null)
      return
    }
    index.setManifest(path, `${size}:${manifestToText(encodeManifest(chunks))}`)
    for (const ref of refsOf(chunks, path)) index.setLocation(ref.hash.toString('hex'), { path, offset: ref.offset })
  }

  forget(path: string): void {
    this.opts.index.setManifest(path, null)
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

  // This device's copy of a chunk, checked. `here` is, for a version being
  // built at ref.path, where the file there now holds each chunk (by hash);
  // for a peer, 'peer': its own version of the file holds it where it says.
  // Then the chunk store, then the file where the chunk was last seen.
  private async find(ref: ChunkRef, here: Map<string, number> | 'peer'): Promise<Buffer | null> {
    const fs = this.opts.disk()
    const hex = ref.hash.toString('hex')
    const offset = here === 'peer' ? ref.offset : here.get(hex)
    if (fs !== null && offset !== undefined) {
      const bytes = await this.readChecked(fs, { path: ref.path, offset }, ref)
      if (bytes !== null) return bytes
    }
    const stored = await this.opts.store.get(ref.hash, ref.size)
    if (stored !== null || fs === null) return stored
    const seen = await this.opts.index.locate(hex)
    return seen === null ? null : this.readChecked(fs, seen, ref)
  }

  private async readChecked(fs: FolderFs, place: ChunkLocation, ref: ChunkRef): Promise<Buffer | null> {
    const bytes = await fs.readAt(place.path, place.offset, ref.size).catch(() => null)
    return bytes !== null && matches(bytes, ref.hash) ? bytes : null
  }

  // Last seen in another file here (the file was renamed or copied): no copy
  // for the archive while that file holds it.
  private async livesElsewhere(ref: ChunkRef): Promise<boolean> {
    const seen = await this.opts.index.locate(ref.hash.toString('hex'))
    return seen !== null && seen.path !== ref.path
  }

  private async placesAt(path: string): Promise<Map<string, number> | null> {
    const text = await this.opts.index.manifest(path)
    const chunks = text === null ? null : parseOwn(text)
    return chunks === null ? null : new Map(refsOf(chunks, path).map((ref) => [ref.hash.toString('hex'), ref.offset]))
  }

  // The chunks of the file this device recorded at a path (`size` bytes), as place() left them.
  private async chunksHere(path: string, size: number): Promise<Chunk[] | null> {
    if (size >= CHUNK_MIN) {
      const text = await this.opts.index.manifest(path)
      return text === null ? null : parseOwn(text)
    }
    if (size === 0) return []
    const bytes = await this.opts.disk()?.readAt(path, 0, size)
    return bytes == null ? null : [{ hash: createHash('sha256').update(bytes).digest(), size }]
  }
}

function matches(bytes: Uint8Array, hash: Buffer): boolean {
  return createHash('sha256').update(bytes).digest().equals(hash)
}

// What place() wrote into this device's own index ("size:base64"); a damaged one is just not used.
function parseOwn(stored: string): Chunk[] | null {
  const colon = stored.indexOf(':')
  try {
    return manifestFromText(stored.slice(colon + 1), Number(stored.slice(0, colon)))
  } catch {
    return null
  }
}

async function collect(source: Uint8Array | AsyncIterable<Uint8Array>): Promise<Uint8Array> {
  if (source instanceof Uint8Array) return source
  const parts: Uint8Array[] = []
  for await (const part of source) parts.push(part)
  return Buffer.concat(parts)
}
