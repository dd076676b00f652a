// Applies the merged state of one path to the disk: the winner's bytes written
// atomically with its mtime and mode, a deletion removing only what this
// device knew was there, and, where this device's own version lost a
// conflict, that version kept beside it as a conflict copy. A local edit not
// yet published is published first, so that it takes part in the merge
// instead of being overwritten.
import type { Candidate, Resolution } from './merge'
import { resolve } from './merge'
import type { IndexRecord } from './local-index'
import type { Publisher, PublisherContext } from './publisher'
import { sameFile } from './publisher'
import { type ScanEntry, scanPath } from './scanner'
import { conflictCopyName } from './conflict-name'
import { compareVectors } from './version-vector'
import { unsafePath } from './folder-path'

export interface ApplierContext extends PublisherContext {
  publisher: Publisher
  receiveOnly: boolean
}

export type Applied =
  | { kind: 'file'; bytes: number }
  | { kind: 'directory' | 'deleted' | 'unchanged' | 'local-change' }
  | { kind: 'conflict'; copy: string }
  | { kind: 'later' } // a directory to remove once the entries it held are gone

export class Applier {
  private readonly ctx: ApplierContext

  constructor(ctx: ApplierContext) {
    this.ctx = ctx
  }

  // `known` is one writer's entry at the path, already in hand. Directories
  // are removed only with `rmdir`; without it they come back as 'later'.
  async apply(path: string, known?: Candidate, rmdir = false): Promise<Applied[]> {
    let resolution = resolve(await this.ctx.drives.candidates(path, { known }))
    if (resolution === null) return []
    let record = await this.ctx.index.get(path)
    const disk = await this.diskEntry(path)
    if (changedHere(record, disk)) {
      if (this.ctx.publisher.adopt(path, disk, resolution.winner, record)) {
        record = await this.ctx.index.get(path)
      } else {
        if (this.ctx.receiveOnly) return [{ kind: 'local-change' }]
        await this.ctx.publisher.publish(path, disk)
        await this.ctx.publisher.commit() // the merge below reads the drive
        resolution = resolve(await this.ctx.drives.candidates(path))!
        record = await this.ctx.index.get(path)
      }
    }
    const copies = await this.keepConflictCopies(path, resolution)
    return [...copies, await this.applyWinner(path, resolution, record, rmdir)]
  }

  private async applyWinner(path: string, { winner }: Resolution, record: IndexRecord | null, rmdir: boolean): Promise<Applied> {
    const { meta } = winner
    if (record !== null && record.kind === meta.kind && compareVectors(record.vv, meta.vv) === 'equal') return { kind: 'unchanged' }
    const { fs, index } = this.ctx
    if (meta.kind === 'deleted') {
      if (record?.kind === 'directory' && !rmdir) return { kind: 'later' }
      if (record?.kind === 'file') await fs.remove(path)
      if (record?.kind === 'directory') await fs.rmdirIfEmpty(path)
      index.put(path, { kind: 'deleted', size: 0, mtimeMs: 0, vv: meta.vv }, record)
      if (record?.kind === 'file') await this.removeDeletedParents(path)
      return { kind: 'deleted' }
    }
    if (meta.kind === 'directory') {
      await fs.mkdir(path)
      index.put(path, { kind: 'directory', size: 0, mtimeMs: 0, vv: meta.vv }, record)
      return { kind: 'directory' }
    }
    const written = await fs.writeFile(path, await this.ctx.drives.bytes(winner.writer, winner.blob), { mtimeMs: meta.mtime, executable: meta.executable })
    index.put(path, { kind: 'file', size: written.size, mtimeMs: written.mtimeMs, vv: meta.vv }, record)
    return { kind: 'file', bytes: written.size }
  }

  // Only the device whose version lost makes its copy, from its own drive, and
  // publishes it as a new file: every device then gets the same copy by sync.
  private async keepConflictCopies(path: string, { losers }: Resolution): Promise<Applied[]> {
    const made: Applied[] = []
    for (const loser of losers) {
      if (loser.writer !== this.ctx.drives.ownKey) continue
      const handledKey = JSON.stringify(loser.meta.vv)
      if (await this.ctx.index.conflictHandled(path, handledKey)) continue
      const copy = conflictCopyName(path, new Date(loser.meta.mtime), loser.meta.device)
      await this.ctx.fs.writeFile(copy, await this.ctx.drives.bytes(loser.writer, loser.blob), { mtimeMs: loser.meta.mtime, executable: loser.meta.executable })
      await this.ctx.publisher.publish(copy, await this.diskEntry(copy))
      this.ctx.index.markConflictHandled(path, handledKey)
      await this.ctx.publisher.commit() // peers learn of the copy now, not at the end of a long pull
      made.push({ kind: 'conflict', copy })
    }
    return made
  }

  // A directory whose deletion arrived while it still held files (from a peer
  // that published them in that order, or a batch split between them) stayed;
  // once its last file goes, it goes too. Only empty directories are removed.
  private async removeDeletedParents(path: string): Promise<void> {
    for (let dir = parentOf(path); dir !== '/'; dir = parentOf(dir)) {
      if ((await this.ctx.index.get(dir))?.kind !== 'deleted') return
      if (!(await this.ctx.fs.rmdirIfEmpty(dir))) return
    }
  }

  private async diskEntry(path: string): Promise<ScanEntry | null> {
    const item = await scanPath(this.ctx.fs.root, path)
    if (item?.type === 'error') throw unsafePath(path, item.message)
    return item
  }
}

function parentOf(path: string): string {
  return path.slice(0, path.lastIndexOf('/')) || '/'
}

function changedHere(record: IndexRecord | null, disk: ScanEntry | null): boolean {
  if (disk === null) return record !== null && record.kind !== 'deleted'
  if (disk.type === 'symlink') return false
  if (record === null) return disk.type === 'file'
  if (record.kind === 'deleted') return true
  return disk.type === 'file' ? !sameFile(record, disk) : record.kind !== 'directory'
}
