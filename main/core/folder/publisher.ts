// Local edits become appends to this device's own drive. A new version's
// vector descends from the version this device last had at that path, so an
// edit made without seeing a peer's edit is concurrent with it and the merge
// keeps both.
import { pipeline } from 'stream/promises'
import type { FolderDrives } from './folder-drives'
import type { FolderFs } from './folder-fs'
import type { EntryMeta } from './entry-meta'
import type { IndexRecord, LocalIndex } from './local-index'
import type { ScanEntry } from './scanner'
import { bumpVector } from './version-vector'

export interface PublisherContext {
  deviceId: string
  fs: FolderFs
  drives: FolderDrives
  index: LocalIndex
}

export type Published = 'file' | 'directory' | 'deleted' | null

export class Publisher {
  private readonly ctx: PublisherContext

  constructor(ctx: PublisherContext) {
    this.ctx = ctx
  }

  // `disk` is the path as found on disk now, null when it is gone.
  async publish(path: string, disk: ScanEntry | null): Promise<Published> {
    const record = await this.ctx.index.get(path)
    const change = changeOf(record, disk)
    if (change === 'file') return this.publishFile(path, disk!, record)
    if (change === 'directory') return this.publishDirectory(path, record)
    if (change === 'deleted') return this.publishDeletion(path, record!)
    return null
  }

  // What publish() would append, without appending it (receive-only folders report it).
  async pending(path: string, disk: ScanEntry | null): Promise<Published> {
    return changeOf(await this.ctx.index.get(path), disk)
  }

  private async publishFile(path: string, disk: ScanEntry, record: IndexRecord | null): Promise<Published> {
    const meta = this.meta('file', record, { size: disk.size, mtime: Math.floor(disk.mtimeMs), executable: disk.executable })
    const source = await this.ctx.fs.readStream(path)
    await pipeline(source, this.ctx.drives.own.createWriteStream(path, { executable: disk.executable, metadata: meta }))
    await this.ctx.index.put(path, { kind: 'file', size: disk.size, mtimeMs: disk.mtimeMs, vv: meta.vv })
    return 'file'
  }

  private async publishDirectory(path: string, record: IndexRecord | null): Promise<Published> {
    const meta = this.meta('directory', record, { size: 0, mtime: Date.now(), executable: false })
    await this.ctx.drives.own.put(path, Buffer.alloc(0), { metadata: meta })
    await this.ctx.index.put(path, { kind: 'directory', size: 0, mtimeMs: 0, vv: meta.vv })
    return 'directory'
  }

  // A deletion is a tombstone entry, not a removal, so it propagates with a vector and can be undone.
  private async publishDeletion(path: string, record: IndexRecord): Promise<Published> {
    const meta = this.meta('deleted', record, { size: 0, mtime: Date.now(), executable: false })
    await this.ctx.drives.own.put(path, Buffer.alloc(0), { metadata: meta })
    await this.ctx.index.put(path, { kind: 'deleted', size: 0, mtimeMs: 0, vv: meta.vv })
    return 'deleted'
  }

  private meta(kind: EntryMeta['kind'], record: IndexRecord | null, rest: Pick<EntryMeta, 'size' | 'mtime' | 'executable'>): EntryMeta {
    return { device: this.ctx.deviceId, kind, vv: bumpVector(record?.vv ?? {}, this.ctx.deviceId), ...rest }
  }
}

function changeOf(record: IndexRecord | null, disk: ScanEntry | null): Published {
  if (disk === null) return record === null || record.kind === 'deleted' ? null : 'deleted'
  if (disk.type === 'directory') return record?.kind === 'directory' ? null : 'directory'
  return disk.type === 'file' && !sameFile(record, disk) ? 'file' : null
}

export function sameFile(record: IndexRecord | null, disk: ScanEntry): boolean {
  return record !== null && record.kind === 'file' && record.size === disk.size && record.mtimeMs === disk.mtimeMs
}
