// What this device knows of its own disk, per path: the size and mtime it last
// wrote or published there and the version vector of that content. A path
// whose disk state differs from its record was edited here; a path with no
// record was never applied, so a missing file is not a deletion. Deletions
// stay as records so that a file made again later descends from them. Kept in a
// Hyperbee of its own, never shared, so it survives crashes and restarts.
//
// Writes are held in memory, where reads see them at once, until flush()
// appends them in one batch: one append per thousand files instead of one
// each. The Publisher flushes its drive before this index, so a record never
// reaches the disk before the entry it describes.
import Hyperbee from 'hyperbee'
import type Corestore from 'corestore'
import type { VersionVector } from './version-vector'
import { isConflictCopy } from './conflict-name'

// Where the chunk list of the content a file record describes is: the
// version's own (inline text, or its writer's blob). Not the list itself: a
// 1 GiB file's is half a megabyte, and every version would add one here.
export interface ManifestRef {
  writer: string
  size: number
  text?: string
  blob?: { byteOffset: number; blockOffset: number; blockLength: number; byteLength: number }
}

export interface IndexRecord {
  kind: 'file' | 'directory' | 'deleted'
  size: number
  mtimeMs: number
  vv: VersionVector
  ino?: number // a directory's, as last seen here: another directory at its path may hold other things
}

const PATH = 'p:'
const WRITER = 'w:'
const CONFLICT = 'c:'
// Where the chunk list of the content a file record describes is (see
// file-content), and which file a chunk was last seen in: what lets a pull
// take bytes from an old version or another file instead of the wire. Both
// can be stale (the file changed since): whoever reads a chunk through them
// checks its hash first.
const MANIFEST = 'm:'
const LOCATION = 'l:'
// The totals as of the last flush, written in the same batch as the records they
// count: a start needs one read, not a walk over every record.
const TOTALS = 't:'

export interface IndexTotals {
  files: number
  bytes: number
  conflicts: number
}

export class LocalIndex {
  private readonly bee: Hyperbee<unknown>
  private readonly counts: IndexTotals = { files: 0, bytes: 0, conflicts: 0 }
  private pending = new Map<string, unknown>()
  private flushing = new Map<string, unknown>()
  private flushed: Promise<void> = Promise.resolve()

  constructor(store: Corestore, folderId: string) {
    const core = store.namespace(`hyperfold/index/${folderId}`).get({ name: 'index' })
    // Hyperbee's default snapshot session per read: without one (sessions: false)
    // every get kept ~16 KiB alive, 1.6 GiB over a rescan of 100,000 files.
    this.bee = new Hyperbee(core, { keyEncoding: 'utf-8', valueEncoding: 'json' })
  }

  async ready(): Promise<void> {
    await this.bee.ready()
    const saved = (await this.bee.get(TOTALS))?.value as IndexTotals | undefined
    if (saved !== undefined) Object.assign(this.counts, saved)
    else for await (const [path, record] of this.records()) this.count(path, record, 1) // written before totals were kept
  }

  get totals(): IndexTotals {
    return { ...this.counts }
  }

  // Never flushes: only the Publisher knows whether its drive holds what a record describes.
  close(): Promise<void> {
    return this.bee.close()
  }

  async get(path: string): Promise<IndexRecord | null> {
    return ((await this.read(PATH + path)) as IndexRecord | undefined) ?? null
  }

  // `previous` is what get() returned for the path, which the totals drop.
  put(path: string, record: IndexRecord, previous: IndexRecord | null): void {
    this.pending.set(PATH + path, record)
    if (previous !== null) this.count(path, previous, -1)
    this.count(path, record, 1)
  }

  // Appends what is held in memory; flushes run one after another.
  flush(): Promise<void> {
    this.flushed = this.flushed.catch(() => undefined).then(() => this.write())
    return this.flushed
  }

  private async write(): Promise<void> {
    if (this.pending.size === 0) return
    this.pending.set(TOTALS, this.totals)
    this.flushing = this.pending
    this.pending = new Map()
    try {
      const batch = this.bee.batch()
      for (const key of [...this.flushing.keys()].sort()) {
        const value = this.flushing.get(key)
        if (value === null) await batch.del(key)
        else await batch.put(key, value)
      }
      await batch.flush()
    } catch (err) {
      this.pending = new Map([...this.flushing, ...this.pending]) // kept for the next flush, newer writes winning
      throw err
    } finally {
      this.flushing = new Map()
    }
  }

  private async read(key: string): Promise<unknown> {
    if (this.pending.has(key)) return this.pending.get(key) ?? undefined
    if (this.flushing.has(key)) return this.flushing.get(key) ?? undefined
    return (await this.bee.get(key))?.value
  }

  async manifest(path: string): Promise<ManifestRef | null> {
    const found = (await this.read(MANIFEST + path)) as ManifestRef | undefined
    return typeof found === 'object' && found !== null && typeof found.writer === 'string' ? found : null
  }

  // null forgets it (a directory or a deletion now, or a file too small to need one).
  setManifest(path: string, ref: ManifestRef | null): void {
    this.pending.set(MANIFEST + path, ref)
  }

  // The file where a chunk was last seen (its manifest says where in it).
  async locate(hashHex: string): Promise<string | null> {
    const found = await this.read(LOCATION + hashHex)
    return typeof found === 'string' ? found : null
  }

  setLocation(hashHex: string, path: string): void {
    this.pending.set(LOCATION + hashHex, path)
  }

  private count(path: string, record: IndexRecord, sign: 1 | -1): void {
    if (record.kind !== 'file') return
    this.counts.files += sign
    this.counts.bytes += sign * record.size
    if (isConflictCopy(path)) this.counts.conflicts += sign
  }

  // The flushed records only (flush first to see every write), all or those under a directory.
  async *records(under = ''): AsyncGenerator<[string, IndexRecord]> {
    const range = under === '' ? { gte: PATH, lt: 'p;' } : { gt: `${PATH}${under}/`, lt: `${PATH}${under}0` } // '0' follows '/'
    for await (const node of this.bee.createReadStream(range)) {
      yield [node.key.slice(PATH.length), node.value as IndexRecord]
    }
  }

  // How far each writer's drive has been merged into the disk.
  async watermark(writer: string): Promise<number> {
    return ((await this.read(WRITER + writer)) as number | undefined) ?? 0
  }

  setWatermark(writer: string, version: number): void {
    this.pending.set(WRITER + writer, version)
  }

  // A conflict copy is made once per losing version.
  async conflictHandled(path: string, key: string): Promise<boolean> {
    return (await this.read(CONFLICT + path)) === key
  }

  markConflictHandled(path: string, key: string): void {
    this.pending.set(CONFLICT + path, key)
  }
}
