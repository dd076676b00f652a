// What this device knows of its own disk, per path: the size and mtime it last
// wrote or published there and the version vector of that content. A path
// whose disk state differs from its record was edited here; a path with no
// record was never applied, so a missing file is not a deletion. Deletions
// stay as records so that a file made again later descends from them. Kept in a
// Hyperbee of its own, never shared, so it survives crashes and restarts.
import Hyperbee from 'hyperbee'
import type Corestore from 'corestore'
import type { VersionVector } from './version-vector'
import { isConflictCopy } from './conflict-name'

export interface IndexRecord {
  kind: 'file' | 'directory' | 'deleted'
  size: number
  mtimeMs: number
  vv: VersionVector
}

const PATH = 'p:'
const WRITER = 'w:'
const CONFLICT = 'c:'

export interface IndexTotals {
  files: number
  bytes: number
  conflicts: number
}

export class LocalIndex {
  private readonly bee: Hyperbee<unknown>
  private readonly counts: IndexTotals = { files: 0, bytes: 0, conflicts: 0 }

  constructor(store: Corestore, folderId: string) {
    const core = store.namespace(`hyperfold/index/${folderId}`).get({ name: 'index' })
    this.bee = new Hyperbee(core, { keyEncoding: 'utf-8', valueEncoding: 'json' })
  }

  async ready(): Promise<void> {
    await this.bee.ready()
    for await (const [path, record] of this.records()) this.count(path, record, 1)
  }

  get totals(): IndexTotals {
    return { ...this.counts }
  }

  close(): Promise<void> {
    return this.bee.close()
  }

  async get(path: string): Promise<IndexRecord | null> {
    return ((await this.bee.get(PATH + path))?.value as IndexRecord | undefined) ?? null
  }

  async put(path: string, record: IndexRecord): Promise<void> {
    const old = await this.get(path)
    await this.bee.put(PATH + path, record)
    if (old !== null) this.count(path, old, -1)
    this.count(path, record, 1)
  }

  private count(path: string, record: IndexRecord, sign: 1 | -1): void {
    if (record.kind !== 'file') return
    this.counts.files += sign
    this.counts.bytes += sign * record.size
    if (isConflictCopy(path)) this.counts.conflicts += sign
  }

  async *records(): AsyncGenerator<[string, IndexRecord]> {
    for await (const node of this.bee.createReadStream({ gte: PATH, lt: 'p;' })) {
      yield [node.key.slice(PATH.length), node.value as IndexRecord]
    }
  }

  // How far each writer's drive has been merged into the disk.
  async watermark(writer: string): Promise<number> {
    return ((await this.bee.get(WRITER + writer))?.value as number | undefined) ?? 0
  }

  setWatermark(writer: string, version: number): Promise<void> {
    return this.bee.put(WRITER + writer, version)
  }

  // A conflict copy is made once per losing version.
  async conflictHandled(path: string, key: string): Promise<boolean> {
    return (await this.bee.get(CONFLICT + path))?.value === key
  }

  markConflictHandled(path: string, key: string): Promise<void> {
    return this.bee.put(CONFLICT + path, key)
  }
}
