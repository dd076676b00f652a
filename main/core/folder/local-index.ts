// What this device knows of its own disk, per path: the size and mtime it last
// wrote or published there and the version vector of that content. A path
// whose disk state differs from its record was edited here; a path with no
// record was never applied, so a missing file is not a deletion. Deletions
// stay as records so that a file made again later descends from them. Kept on
// this device only, in the node's index database (one RocksDB for every
// folder, each under its own key prefix), so it survives crashes and restarts.
//
// Writes are held in memory, where reads see them at once, until flush()
// writes them in one atomic batch: one write per thousand files instead of one
// each. The Publisher flushes its drive before this index, so a record never
// reaches the disk before the entry it describes.
//
// The keys read or written last stay decoded in memory, absent ones too: a
// pull asks for the same key again within moments (a chunk's last place, by
// the move check and then the fetch; a record, by the applier and then the
// scan of a path just written). Every write to this folder's keys goes
// through this index, which makes the copy safe to trust.
import RocksDB from 'rocksdb-native'
import type Corestore from 'corestore'
import { HyperfoldError } from '../../../contract/errors'
import { type VersionVector, compareVectors } from './version-vector'
import { isConflictCopy } from './conflict-name'
import { openLegacyIndex } from './legacy-index'
import { readAhead } from './read-ahead'

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
  // A file's: the vector of the version whose bytes are on disk. `vv` merges
  // every candidate's, losers included, so it can be past a loser that wins
  // later (its winner deleted); this says which one the disk holds. Absent in
  // records written before it was kept, where `vv` stands in.
  contentVv?: VersionVector
  // As last seen here. A directory's: another directory at its path may hold
  // other things. A file's: one that turns up under another name with the
  // same inode, size and mtime was moved there (absent in records written before it was kept).
  ino?: number
  executable?: boolean // a file's mode as last seen here (absent in records written before it was kept)
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
// Written once a folder's index is kept here: from then on the Hyperbee it
// was kept in before is never read again.
const ADOPTED = 'a:'
const KINDS = new Set(['file', 'directory', 'deleted'])
// Reads of 100,000 records take 3.5 s at the iterator's default of 8 a trip, 0.5 s at 1024.
const ITERATOR_CAPACITY = 1024
const COPY_BATCH = 1024
// About a megabyte (a few hundred bytes a key). A 10,000-file pull read
// RocksDB 5 times a file, 4 with these kept: the watcher's look at each new
// file comes too late for them.
const RECENT_KEYS = 4096

export interface IndexTotals {
  files: number
  bytes: number
  conflicts: number
}

// The node's one index database. Its memtables are few and small: the index
// takes thousands of writes a second at most, and every folder shares them.
export async function openIndexDb(dir: string): Promise<RocksDB> {
  const db = new RocksDB(dir, { writeBufferSize: 4 * 1024 * 1024, maxWriteBufferNumber: 2, maxBackgroundJobs: 2 })
  await db.ready().catch((err: unknown) => {
    throw new HyperfoldError('DATA_DIR_DAMAGED', `The local index in ${dir} cannot be opened: ${(err as Error).message}`)
  })
  return db
}

export class LocalIndex {
  private readonly db: RocksDB
  private readonly folderId: string
  private readonly prefix: string
  private readonly legacy: Corestore | null
  private readonly counts: IndexTotals = { files: 0, bytes: 0, conflicts: 0 }
  private pending = new Map<string, unknown>()
  private flushing = new Map<string, unknown>()
  private flushed: Promise<void> = Promise.resolve()
  private readonly recent = new Map<string, unknown>() // oldest first; undefined: known absent
  private flushes = 0 // a read that spans a flush may have read what it replaced: not kept
  // Walks of records() not yet finished: one its reader left part-way (a scan
  // stopped) would hold the database open, so close ends them.
  private readonly walks = new Set<{ destroy(): void }>()
  private readonly reads: BatchedReads

  // `legacy` is the store an older version kept this index in, read once if it holds one.
  constructor(db: RocksDB, folderId: string, legacy: Corestore | null = null) {
    this.db = db.session() // closed with this index, so a write after close fails instead of landing
    this.reads = new BatchedReads(this.db)
    this.folderId = folderId
    this.prefix = prefixOf(folderId)
    this.legacy = legacy
  }

  // Drops every key of a folder no longer on this node. The adopted mark stays:
  // a folder synced again under its id starts empty, not from its old Hyperbee.
  static async forget(db: RocksDB, folderId: string): Promise<void> {
    const prefix = prefixOf(folderId)
    const batch = db.write({ capacity: 2, autoDestroy: true })
    batch.tryDeleteRange(prefix, endOf(folderId))
    batch.tryPut(prefix + ADOPTED, '1')
    await batch.flush()
  }

  async ready(): Promise<void> {
    if ((await this.db.get(this.prefix + ADOPTED)) === null) await this.adopt()
    const saved = await this.stored(TOTALS)
    if (isTotals(saved)) Object.assign(this.counts, saved)
    else for await (const [path, record] of this.records()) this.count(path, record, 1) // written before totals were kept
  }

  // Copies what an older version kept in the Hyperbee. A copy cut short is
  // begun again at the next start: the mark is written only after the last batch.
  private async adopt(): Promise<void> {
    const old = this.legacy === null ? null : await openLegacyIndex(this.legacy, this.folderId)
    try {
      await this.writeBatch([], true)
      if (old !== null) for await (const entries of old.batches(COPY_BATCH)) await this.writeBatch(entries, false)
      await this.writeBatch([[ADOPTED, '1']], false)
      await old?.purge().catch(() => undefined) // a core left behind only takes space: it is never read again
    } finally {
      await old?.close()
    }
  }

  get totals(): IndexTotals {
    return { ...this.counts }
  }

  // Never flushes: only the Publisher knows whether its drive holds what a record describes.
  async close(): Promise<void> {
    await this.flushed.catch(() => undefined)
    for (const walk of this.walks) walk.destroy()
    this.walks.clear()
    await this.db.close()
  }

  async get(path: string): Promise<IndexRecord | null> {
    const found = await this.read(PATH + path)
    return isRecord(found) ? found : null
  }

  // Reads the records at these paths (the first thousand) in one batch, so
  // that get() finds them in memory: for a walk that asks one at a time.
  async prefetch(paths: string[]): Promise<void> {
    await Promise.all(paths.slice(0, RECENT_KEYS / 4).map((path) => this.read(PATH + path)))
  }

  // `previous` is what get() returned for the path, which the totals drop.
  // A record put since, still held here, is newer than what the caller read
  // (two applies of one path at once, a parent repaired while it is pulled)
  // and is the one dropped: dropping the caller's twice drove the totals
  // below zero, and a catalog with negative bytes made every peer hang up.
  put(path: string, record: IndexRecord, previous: IndexRecord | null): void {
    const key = PATH + path
    const held = this.pending.has(key) ? this.pending.get(key) : this.flushing.get(key)
    const replaced = held === undefined ? previous : isRecord(held) ? held : null
    this.pending.set(key, record)
    if (replaced !== null) this.count(path, replaced, -1)
    this.count(path, record, 1)
  }

  // Writes what is held in memory; flushes run one after another.
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
      await this.writeBatch([...this.flushing], false)
      for (const [key, value] of this.flushing) this.remember(key, value ?? undefined)
    } catch (err) {
      this.pending = new Map([...this.flushing, ...this.pending]) // kept for the next flush, newer writes winning
      throw err
    } finally {
      this.flushing = new Map()
    }
  }

  // One atomic write of this folder's keys; a null value deletes. `clear` drops every key of the folder first.
  private async writeBatch(entries: [string, unknown][], clear: boolean): Promise<void> {
    const encoded = entries.map(([key, value]) => [this.prefix + key, value === null ? null : JSON.stringify(value)] as const)
    const batch = this.db.write({ capacity: encoded.length + 1, autoDestroy: true })
    if (clear) batch.tryDeleteRange(this.prefix, endOf(this.folderId))
    for (const [key, value] of encoded) {
      if (value === null || value === undefined) batch.tryDelete(key)
      else batch.tryPut(key, value)
    }
    await batch.flush()
    this.flushes++
    if (clear) this.recent.clear()
  }

  private async read(key: string): Promise<unknown> {
    if (this.pending.has(key)) return this.pending.get(key) ?? undefined
    if (this.flushing.has(key)) return this.flushing.get(key) ?? undefined
    if (this.recent.has(key)) return this.recent.get(key)
    const flushes = this.flushes
    const value = await this.stored(key)
    if (this.flushes === flushes) this.remember(key, value)
    return value
  }

  private remember(key: string, value: unknown): void {
    this.recent.delete(key)
    this.recent.set(key, value)
    if (this.recent.size > RECENT_KEYS) this.recent.delete(this.recent.keys().next().value!)
  }

  private async stored(key: string): Promise<unknown> {
    return decode(await this.reads.get(this.prefix + key))
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
    for await (const batch of this.recordBatches(under)) yield* batch
  }

  // The same, a batch at a time: for a walk over every record (a rescan), where an await per record costs more than the record.
  async *recordBatches(under = ''): AsyncGenerator<[string, IndexRecord][]> {
    const paths = this.prefix + PATH
    const range = under === '' ? { gte: paths, lt: this.prefix + 'p;' } : { gt: `${paths}${under}/`, lt: `${paths}${under}0` } // '0' follows '/'
    const walk = this.db.iterator(range, { capacity: ITERATOR_CAPACITY })
    this.walks.add(walk)
    try {
      for await (const entries of readAhead(walk, ITERATOR_CAPACITY)) {
        const batch: [string, IndexRecord][] = []
        for (const { key, value } of entries) {
          const record = decode(value)
          if (isRecord(record)) batch.push([key.toString('utf8').slice(paths.length), record])
        }
        if (batch.length > 0) yield batch
      }
    } finally {
      this.walks.delete(walk)
    }
  }

  // How far each writer's drive has been merged into the disk.
  async watermark(writer: string): Promise<number> {
    const found = await this.read(WRITER + writer)
    return typeof found === 'number' ? found : 0
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

// A folder's keys: ids are [a-z0-9], so '/' ends one and no folder's keys fall inside another's range.
function prefixOf(folderId: string): string {
  return `${folderId}/`
}

function endOf(folderId: string): string {
  return `${folderId}0` // '0' follows '/'
}

// A value this version cannot read counts as absent: the scan derives it again from the disk and the drives.
// Reads asked for in one turn of the event loop go to RocksDB as one batch.
// A pull asks for a record, a chunk list or a chunk's last place for each of
// many files and chunks at once; one read batch each (a trip to the
// threadpool and back) was a tenth of a receiving device's CPU on a 1 GiB file.
class BatchedReads {
  private readonly db: RocksDB
  private queue: { key: string; resolve(value: Buffer | null): void; reject(err: unknown): void }[] = []

  constructor(db: RocksDB) {
    this.db = db
  }

  get(key: string): Promise<Buffer | null> {
    return new Promise((resolve, reject) => {
      if (this.queue.length === 0) setImmediate(() => this.run())
      this.queue.push({ key, resolve, reject })
    })
  }

  private run(): void {
    const queue = this.queue
    this.queue = []
    try {
      const batch = this.db.read({ capacity: queue.length, autoDestroy: true })
      const values = queue.map(({ key }) => batch.get(key))
      batch.tryFlush()
      for (const [i, value] of values.entries()) value.then(queue[i]!.resolve, queue[i]!.reject)
    } catch (err) {
      for (const { reject } of queue) reject(err) // the index closed meanwhile
    }
  }
}

function decode(value: Buffer | null): unknown {
  if (value === null) return undefined
  try {
    return JSON.parse(value.toString('utf8')) as unknown
  } catch {
    return undefined
  }
}

function isRecord(value: unknown): value is IndexRecord {
  if (typeof value !== 'object' || value === null) return false
  const r = value as Partial<IndexRecord>
  const vector = (v: unknown) => typeof v === 'object' && v !== null
  return KINDS.has(r.kind as string) && typeof r.size === 'number' && typeof r.mtimeMs === 'number' && vector(r.vv) && (r.contentVv === undefined || vector(r.contentVv))
}

// The vector of what the disk holds at a record's path (see contentVv).
export function heldVector(record: IndexRecord): VersionVector {
  return record.kind === 'file' ? (record.contentVv ?? record.vv) : record.vv
}

// A file record's vectors: `contentVv` only where it differs from `vv`
// (mostly it does not, and every record is parsed on each rescan).
export function fileVectors(vv: VersionVector, content: VersionVector): Pick<IndexRecord, 'vv' | 'contentVv'> {
  return compareVectors(vv, content) === 'equal' ? { vv } : { vv, contentVv: content }
}

function isTotals(value: unknown): value is IndexTotals {
  if (typeof value !== 'object' || value === null) return false
  const t = value as Partial<IndexTotals>
  return typeof t.files === 'number' && typeof t.bytes === 'number' && typeof t.conflicts === 'number'
}
