// Local edits become appends to this device's own drive. A new version's
// vector descends from the version this device last had at that path, so an
// edit made without seeing a peer's edit is concurrent with it and the merge
// keeps both.
//
// A file is published as its chunk list (see file-content): read once, cut
// by content, each chunk hashed; with the folder's own history on, chunks
// this device does not hold yet are copied into its chunk store, so that it
// can restore the version after the file changes.
//
// Entries are staged in a drive batch and appended together by commit(),
// which then flushes the local index: a crash before it loses records and
// entries together, and the next scan publishes those files again.
import type Hyperdrive from 'hyperdrive'
import type { BlobsBatch, BlobId } from 'hyperdrive'
import type { Chunk } from './chunk-ref'
import { CHUNK_MIN } from './chunk-cuts'
import { chunkFile } from './chunker'
import type { ChunkStore } from './chunk-store'
import { now } from './disk-io'
import { eachLimit } from './each-limit'
import type { FileContent } from './file-content'
import type { FolderDrives } from './folder-drives'
import type { FolderFs } from './folder-fs'
import { type EntryMeta, MAX_INLINE_MANIFEST } from './entry-meta'
import { encodeManifest, manifestToText } from './manifest'
import { type IndexRecord, type LocalIndex, type ManifestRef, fileVectors } from './local-index'
import { type Candidate, type Resolution, resolve } from './merge'
import type { ScanEntry } from './scanner'
import { bumpVector } from './version-vector'

// Staged entries are appended once a bound is reached: by count and by size
// (what a batch holds of a file is its chunk list, 36 bytes a chunk when long,
// not its bytes), to keep memory flat; and by age, so that a long scan of big
// files shows them to peers one by one rather than all at its end. Within a
// moment a batch stays whole: a move's new name and its old name's deletion
// (see LocalSide.publishedAsMove) reach peers in one append, and peers move the file.
const STAGED_ENTRIES = 1024
const STAGED_BYTES = 16 << 20
const STAGED_MS = 1000
// Chunks copied into the own-history store at once while a file is read.
const STORE_WRITES = 16

export interface PublisherContext {
  deviceId: string
  fs: FolderFs
  drives: FolderDrives
  index: LocalIndex
  content: FileContent
  store: ChunkStore
  // Whether this device keeps a copy of what it writes (its own history): off,
  // its old versions live only where peers archived them.
  keepsOwn(): boolean
}

export type Published = 'file' | 'directory' | 'deleted' | null

export class Publisher {
  private readonly ctx: PublisherContext
  private staged: { drive: Hyperdrive; blobs: BlobsBatch; paths: Set<string>; bytes: number; since: number } | null = null
  private lock: Promise<unknown> = Promise.resolve()

  constructor(ctx: PublisherContext) {
    this.ctx = ctx
  }

  // `disk` is the path as found on disk now, null when it is gone; `record`
  // what the index holds for it, when the caller has read it already.
  async publish(path: string, disk: ScanEntry | null, known?: IndexRecord | null): Promise<Published> {
    const record = await this.recordOf(path, known)
    const change = await this.changeOf(path, record, disk)
    if (change === 'file') return this.publishFile(path, record)
    if (change === 'directory') return this.publishEntry(path, 'directory', record, disk?.ino)
    if (change === 'deleted') return this.publishEntry(path, 'deleted', record)
    return null
  }

  // What publish() would append, without appending it (receive-only folders report it).
  async pending(path: string, disk: ScanEntry | null, known?: IndexRecord | null): Promise<Published> {
    return this.changeOf(path, await this.recordOf(path, known), disk)
  }

  private async recordOf(path: string, known: IndexRecord | null | undefined): Promise<IndexRecord | null> {
    return known !== undefined ? known : this.ctx.index.get(path)
  }

  // Appends what is staged, then flushes the index, in that order: an index
  // record must never be durable before the entry it describes.
  commit(): Promise<void> {
    return this.locked(async () => {
      await this.appendStaged()
      await this.ctx.index.flush()
    })
  }

  // Records the merged winner as what the disk holds, when it does (see isWinnerOnDisk).
  adopt(path: string, disk: ScanEntry | null, resolution: Resolution | null, record: IndexRecord | null): boolean {
    if (resolution === null || !isWinnerOnDisk(disk, resolution.winner)) return false
    const { size, mtimeMs, executable, ino } = disk!
    this.ctx.index.put(path, { kind: 'file', size, mtimeMs, executable, ino, ...fileVectors(resolution.vv, resolution.winner.meta.vv) }, record)
    return true
  }

  private async changeOf(path: string, record: IndexRecord | null, disk: ScanEntry | null): Promise<Published> {
    const change = changeOf(record, disk)
    // Only what this device pulled can be on its disk already (its own entries it publishes again, harmlessly).
    if (change !== 'file' || !this.ctx.drives.remotesHaveEntries()) return change
    const resolution = resolve(await this.ctx.drives.candidates(path, { local: true }))
    return this.adopt(path, disk, resolution, record) ? null : 'file'
  }

  // A file is published as its chunk list; with its own history kept, the
  // chunks this device does not hold yet are copied into its chunk store.
  private async publishFile(path: string, record: IndexRecord | null): Promise<Published> {
    const { fd, stats } = await this.ctx.fs.openFile(path)
    let chunks: Chunk[]
    try {
      chunks = await this.chunk(path, fd, stats.size)
    } finally {
      now.close(fd)
    }
    await this.stageFile(path, record, chunks, { mtimeMs: stats.mtimeMs, executable: (stats.mode & 0o111) !== 0, ino: stats.ino })
    return 'file'
  }

  // A file moved here (see LocalSide.publishPaths), as found on disk, is
  // published with the chunk list recorded under its old name (`ref`),
  // unread; a list this device wrote itself is pointed at, not written again,
  // so peers already hold it. Not when its own history is kept and the store
  // lacks any of those chunks (a file pulled from a peer): then it is read
  // like any new file. Returns whether it was published.
  async publishMoved(path: string, disk: ScanEntry, record: IndexRecord | null, chunks: Chunk[], ref: ManifestRef | null): Promise<boolean> {
    if (this.ctx.keepsOwn() && !(await this.ctx.store.holdsAll(chunks.map((c) => c.hash)))) return false
    await this.stageFile(path, record, chunks, disk, ref?.writer === this.ctx.drives.ownKey ? ref.blob : undefined)
    return true
  }

  private async stageFile(path: string, record: IndexRecord | null, chunks: Chunk[], stats: Pick<ScanEntry, 'mtimeMs' | 'executable' | 'ino'>, written?: BlobId): Promise<void> {
    const size = chunks.reduce((sum, c) => sum + c.size, 0)
    const { executable, ino } = stats
    const manifest = encodeManifest(chunks)
    const text = manifestToText(manifest)
    const inline = text.length <= MAX_INLINE_MANIFEST
    const meta: EntryMeta = { ...this.meta('file', record, { size, mtime: Math.floor(stats.mtimeMs), executable }), format: 2, ...(inline ? { manifest: text } : {}) }
    await this.locked(async () => {
      const staged = await this.stage()
      const blob = inline ? null : (written ?? (await staged.blobs.put(manifest)))
      await this.stageEntry(path, { executable, blob, metadata: meta }, inline ? 0 : manifest.byteLength)
      this.ctx.index.put(path, { kind: 'file', size, mtimeMs: stats.mtimeMs, executable, ino, vv: meta.vv }, record)
      await this.ctx.content.place(path, { writer: this.ctx.drives.ownKey, meta, blob }, chunks, record)
    })
  }

  // Chunks of the previous version here, when this device wrote it, are in
  // the store already (the sweep keeps every current version's): a 1 GiB
  // file edited in one place stores and checks only what changed.
  private async chunk(path: string, fd: number, size: number): Promise<Chunk[]> {
    const keep = this.ctx.keepsOwn()
    // (Only a file big enough has a record: asking for one per small file cost the first share of 100,000 files half again.)
    const before = keep && size >= CHUNK_MIN ? await this.ctx.content.heldAt(path, this.ctx.drives.ownKey) : new Set<string>()
    const found: { offset: number; hash: Buffer; size: number }[] = []
    // Copies overlap: one at a time, each chunk's open, write and close waited
    // on in turn, a 1 GiB share spent 4 s of its time on them; 16 at once, 0.5 s.
    await eachLimit(chunkFile(fd, { size }), STORE_WRITES, async (chunk) => {
      found.push({ offset: chunk.offset, hash: chunk.hash, size: chunk.size }) // not its bytes: those go once stored
      if (keep && !before.has(chunk.hash.toString('hex'))) await this.ctx.store.put(chunk.hash, chunk.bytes, { hashed: true })
    })
    return found.sort((a, b) => a.offset - b.offset).map((c) => ({ hash: c.hash, size: c.size }))
  }

  // Directories and deletions carry no bytes. A deletion is a tombstone entry,
  // not a removal, so it propagates with a vector and can be undone.
  private async publishEntry(path: string, kind: 'directory' | 'deleted', record: IndexRecord | null, ino?: number): Promise<Published> {
    const meta = this.meta(kind, record, { size: 0, mtime: Date.now(), executable: false })
    await this.locked(async () => {
      await this.stageEntry(path, { executable: false, blob: null, metadata: meta }, 0)
      this.ctx.index.put(path, { kind, size: 0, mtimeMs: 0, vv: meta.vv, ...(ino === undefined ? {} : { ino }) }, record)
      this.ctx.content.forget(path, record)
    })
    return kind
  }

  private meta(kind: EntryMeta['kind'], record: IndexRecord | null, rest: Pick<EntryMeta, 'size' | 'mtime' | 'executable'>): EntryMeta {
    return { device: this.ctx.deviceId, kind, vv: bumpVector(record?.vv ?? {}, this.ctx.deviceId), ...rest }
  }

  private async stage(): Promise<NonNullable<Publisher['staged']>> {
    if (this.staged === null) {
      const own = this.ctx.drives.own
      this.staged = { drive: own.batch(), blobs: (await own.getBlobs()).batch(), paths: new Set(), bytes: 0, since: performance.now() }
    }
    return this.staged
  }

  // A path goes into a batch once at most: the history finds each version at
  // the end of its batch (see folder-history), where a second one would hide it.
  private async stageEntry(path: string, value: { executable: boolean; blob: BlobId | null; metadata: EntryMeta }, bytes: number): Promise<void> {
    if (this.staged?.paths.has(path) === true) await this.appendStaged()
    const staged = await this.stage()
    await staged.drive.putEntry(path, value)
    staged.paths.add(path)
    staged.bytes += bytes
    if (staged.paths.size >= STAGED_ENTRIES || staged.bytes >= STAGED_BYTES || performance.now() - staged.since >= STAGED_MS) {
      await this.appendStaged()
      await this.ctx.index.flush()
    }
  }

  // Where the chunks stored for them are, then blobs, then the entries that point at them.
  private async appendStaged(): Promise<void> {
    const staged = this.staged
    this.staged = null
    if (staged === null) return
    await this.ctx.store.flush()
    await staged.blobs.flush()
    await staged.drive.flush()
  }

  // One staging or commit at a time: staged blob ids assume nothing appends in between.
  private locked<T>(fn: () => Promise<T>): Promise<T> {
    const result = this.lock.then(fn)
    this.lock = result.catch(() => undefined)
    return result
  }
}

// A file on disk with the merged winner's size and mtime (to the millisecond)
// is taken to be that winner. A crash between writing a pulled file and
// flushing its index record leaves exactly that; read as a local edit, it
// would come back as a false conflict copy.
export function isWinnerOnDisk(disk: ScanEntry | null, winner: Candidate | undefined): boolean {
  if (disk?.type !== 'file' || winner?.meta.kind !== 'file') return false
  return winner.meta.size === disk.size && sameMillisecond(winner.meta.mtime, disk.mtimeMs) && winner.meta.executable === disk.executable
}

// What the disk holds that the record does not say, by the record alone (no merge asked).
export function changeOf(record: IndexRecord | null, disk: ScanEntry | null): Published {
  if (disk === null) return record === null || record.kind === 'deleted' ? null : 'deleted'
  if (disk.type === 'directory') return record?.kind === 'directory' ? null : 'directory'
  return disk.type === 'file' && !sameFile(record, disk) ? 'file' : null
}

// The mode counts: a chmod leaves the mtime as it was, and a chmod that came
// after the write was published would otherwise never reach peers.
export function sameFile(record: IndexRecord | null, disk: Pick<ScanEntry, 'size' | 'mtimeMs' | 'executable'>): boolean {
  if (record?.kind !== 'file' || record.size !== disk.size || !sameMillisecond(record.mtimeMs, disk.mtimeMs)) return false
  return record.executable === undefined || record.executable === disk.executable
}

// Within a millisecond: a copy or a backup restored with its times kept is
// the same file, not an edit to publish again (an edit published as one would
// beat a deletion made meanwhile elsewhere). cp -p keeps times through a
// Date, in milliseconds, and its float can land just below the one it copies
// (…402.0903 comes back as …401.999).
export function sameMillisecond(a: number, b: number): boolean {
  return Math.abs(a - b) < 1
}
