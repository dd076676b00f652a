// Applies the merged state of one path to the disk: the winner's bytes
// (gathered by chunk, see file-content) written atomically with its mtime and
// mode, the version it replaces or deletes archived first when the folder
// keeps history, a deletion removing only what this device knew was there,
// and, where this device's own version lost a conflict, that version kept
// beside it as a conflict copy. A local edit not
// yet published is published first, so that it takes part in the merge
// instead of being overwritten.
//
// A type change is a change like any other: a file where a directory was (or
// the other way round) replaces it once what the directory held is gone, and
// a path whose parents on disk are files has them applied first. What the
// merged state holds at a path is its winner's kind, except that a live entry
// below makes it a directory (see kindOf). The index records the merged
// vector of every candidate, so that what this device publishes next
// descends from losers too.
import type { Chunk } from './chunk-ref'
import type { Candidate, Resolution } from './merge'
import { resolve } from './merge'
import { type IndexRecord, fileVectors, heldVector } from './local-index'
import type { Publisher, PublisherContext } from './publisher'
import { sameFile } from './publisher'
import { type ScanEntry, scanPath } from './scanner'
import { conflictCopyName } from './conflict-name'
import { type VersionVector, compareVectors, mergeVectors } from './version-vector'
import { candidateOf } from './folder-drives'
import type { EntryMeta } from './entry-meta'
import { parentOf, unsafePath } from './folder-path'
import { ChangedMeanwhile } from './folder-fs'

export interface ApplierContext extends PublisherContext {
  publisher: Publisher
  receiveOnly: boolean
  // Whether a version replaced or deleted here keeps its chunks in the archive.
  archives(): boolean
}

export type Applied =
  | { kind: 'file'; bytes: number }
  | { kind: 'moved'; from: string; bytes: number } // a file here moved to the path (see moveHere)
  | { kind: 'directory' | 'deleted' | 'unchanged' | 'local-change' }
  | { kind: 'conflict'; copy: string }
  | { kind: 'later' } // a directory to remove once the entries it held are gone

export class Applier {
  private readonly ctx: ApplierContext
  // One repair of the directories on a path's way at a time: siblings applied
  // together would each try to turn the same file into a directory.
  private repairs: Promise<unknown> = Promise.resolve()

  constructor(ctx: ApplierContext) {
    this.ctx = ctx
  }

  // `known` is one writer's entry at the path, already in hand. Directories
  // are removed only with `rmdir`; without it they come back as 'later'.
  // A file edited here between the look at the disk and the write or removal
  // is left as it is; the path is applied again, and the edit, found now, takes part.
  async apply(path: string, known?: Candidate, rmdir = false): Promise<Applied[]> {
    try {
      return await this.applyAt(path, { known, rmdir })
    } catch (err) {
      if (!(err instanceof ChangedMeanwhile)) throw err
      return this.applyAt(path, { rmdir })
    }
  }

  // `parent` is set for a parent applied by repairParents (which walks every
  // parent itself, and knows a live entry lies below it).
  private async applyAt(path: string, opts: { known?: Candidate | undefined; rmdir?: boolean; parent?: boolean }): Promise<Applied[]> {
    const { known, rmdir = false, parent = false } = opts
    let resolution = resolve(await this.ctx.drives.candidates(path, { known }))
    if (resolution === null) return []
    let record = await this.ctx.index.get(path)
    let disk = await this.diskEntry(path)
    if (changedHere(record, disk)) {
      if (this.ctx.publisher.adopt(path, disk, resolution, record)) {
        record = await this.ctx.index.get(path)
      } else {
        if (this.ctx.receiveOnly) return [{ kind: 'local-change' }]
        await this.ctx.publisher.publish(path, disk)
        await this.ctx.publisher.commit() // the merge below reads the drive
        resolution = resolve(await this.ctx.drives.candidates(path))!
        record = await this.ctx.index.get(path)
        disk = await this.diskEntry(path)
      }
    }
    const kind = parent && resolution.winner.meta.kind !== 'directory' ? 'directory' : await this.kindOf(path, resolution)
    const copies = await this.keepConflictCopies(path, resolution, kind)
    if (!parent && kind !== 'deleted') await this.repairParents(path)
    return [...copies, await this.applyWinner(path, resolution, kind, record, disk, rmdir)]
  }

  // What the merged state holds at the path. A live entry below it makes it a
  // directory whatever its own winner says: a file or a deletion made without
  // seeing what another device added inside the directory must not take that
  // away (an edit beats a deletion, all the way up). The displaced file is
  // kept as a conflict copy (see keepConflictCopies). The look below is the
  // drives', never the disk's: every device must come to the same answer.
  private async kindOf(path: string, { winner }: Resolution): Promise<EntryMeta['kind']> {
    if (winner.meta.kind === 'directory') return 'directory'
    return (await this.liveBelow(path)) ? 'directory' : winner.meta.kind
  }

  private async liveBelow(dir: string): Promise<boolean> {
    const { drives } = this.ctx
    for (const writer of drives.writers()) {
      const drive = drives.get(writer)!
      if (drive.version < 2) continue
      const below = drive.entries({ gt: dir + '/', lt: dir + '0' }, { wait: false }) // '0' follows '/'
      try {
        for await (const entry of below) {
          const kind = candidateOf(writer, entry)?.meta.kind
          if (kind !== 'file' && kind !== 'directory') continue
          const winner = resolve(await drives.candidates(entry.key, { local: true }))?.winner
          if (winner !== undefined && winner.meta.kind !== 'deleted') return true
        }
      } catch {
        continue // a block not here yet: that writer's part is judged when it arrives
      }
    }
    return false
  }

  private async applyWinner(path: string, resolution: Resolution, kind: EntryMeta['kind'], record: IndexRecord | null, disk: ScanEntry | null, rmdir: boolean): Promise<Applied> {
    const { winner, vv } = resolution
    const { fs, index } = this.ctx
    if (record !== null && record.kind === kind && holds(heldVector(record), winner.meta.vv)) {
      // The disk holds it already; the record takes in the losers' vectors, so that what it publishes next descends from them too.
      const merged = mergeVectors(record.vv, vv)
      if (compareVectors(record.vv, merged) !== 'equal') index.put(path, { ...record, ...(kind === 'file' ? fileVectors(merged, heldVector(record)) : { vv: merged }) }, record)
      return { kind: 'unchanged' }
    }
    if (kind === 'deleted') {
      if ((record?.kind === 'directory' || disk?.type === 'directory') && !rmdir) return { kind: 'later' }
      if (record?.kind === 'file') await this.archive(path, null, record.size)
      if (record?.kind === 'file') await fs.remove(path, record)
      this.ctx.content.forget(path, record)
      // Recorded as deleted while it stayed, a directory would be on this disk alone while every device said "in sync".
      if (disk?.type === 'directory' && !(await fs.removeEmptyTree(path))) throw unsafePath(path, 'it was deleted on another device, but here it still holds files that are ignored or not synced yet')
      index.put(path, { kind: 'deleted', size: 0, mtimeMs: 0, vv }, record)
      // Also when the path was never here: a directory may have been kept for
      // it alone, judged live from a writer's entry while another's deletion
      // of it had not arrived yet (soak seed 2066725667).
      await this.removeDeletedParents(path)
      return { kind: 'deleted' }
    }
    if (kind === 'directory') {
      // A file here lost to the directory (or was displaced by what is inside it): its bytes are in its writer's drive, or a conflict copy.
      if (disk?.type === 'file' && record?.kind === 'file') await this.archive(path, null, record.size)
      if (disk?.type === 'file') await fs.remove(path, disk)
      this.ctx.content.forget(path, record)
      await fs.mkdir(path)
      index.put(path, { kind: 'directory', size: 0, mtimeMs: 0, vv, ino: (await fs.stat(path))?.ino ?? 0 }, record)
      return { kind: 'directory' }
    }
    // A directory here held only what the merged state deleted: what is left of it is empty directories.
    if (disk?.type === 'directory' && !(await fs.removeEmptyTree(path))) throw unsafePath(path, 'a directory with files in it is in the way of the file')
    const { meta } = winner
    const { content } = this.ctx
    const replaces = disk?.type === 'file' ? disk : null
    const chunks = await content.chunksOf(winner)
    const moved = replaces === null && chunks !== null ? await this.moveHere(path, winner, chunks) : null
    if (moved !== null) {
      const { size, mtimeMs, executable, ino } = moved.disk
      index.put(path, { kind: 'file', size, mtimeMs, executable, ino, ...fileVectors(vv, meta.vv) }, record)
      await content.place(path, winner, chunks!, record)
      return { kind: 'moved', from: moved.from, bytes: moved.disk.size }
    }
    if (replaces !== null && record?.kind === 'file') await this.archive(path, chunks, record.size)
    const written = await fs.writeFile(path, await content.read(winner, chunks, path), { mtimeMs: meta.mtime, executable: meta.executable, replaces })
    index.put(path, { kind: 'file', ...written, ...fileVectors(vv, meta.vv) }, record)
    if (chunks === null) content.forget(path, record)
    else await content.place(path, winner, chunks, record)
    return { kind: 'file', bytes: written.size }
  }

  // A file here that holds exactly the winner's bytes and that the merged
  // state deletes (a rename or a move on the writer's device) is moved to the
  // path instead of being copied there and then removed: a 1 GiB file renamed
  // moves no byte. Only a file as this device last recorded it (size, mtime
  // and mode: the scanner's test of an unchanged file) that the winner's own
  // mtime and mode match. Its deletion is recorded at once, so that it is not
  // taken for one made here; its place in the pull then finds nothing to do.
  private async moveHere(path: string, winner: Candidate, chunks: Chunk[]): Promise<{ from: string; disk: ScanEntry } | null> {
    const { content, index, fs } = this.ctx
    const from = await content.fileHolding(chunks)
    if (from === null || from === path) return null
    const record = await index.get(from)
    if (record === null || !sameFile(record, { size: winner.meta.size, mtimeMs: winner.meta.mtime, executable: winner.meta.executable })) return null
    const there = resolve(await this.ctx.drives.candidates(from))
    if (there === null || (await this.kindOf(from, there)) !== 'deleted') return null // a copy: the file stays too
    const disk = await this.diskEntry(from)
    if (disk?.type !== 'file' || !sameFile(record, disk)) return null
    try {
      await fs.moveAside(from, path)
    } catch {
      return null // taken meanwhile, at either end: the bytes are written the usual way
    }
    index.put(from, { kind: 'deleted', size: 0, mtimeMs: 0, vv: there.vv }, record)
    content.forget(from, record)
    return { from, disk }
  }

  // The version on this disk that a pull replaces or removes keeps what only
  // it holds, when the folder keeps history.
  private async archive(path: string, next: Chunk[] | null, size: number): Promise<void> {
    if (this.ctx.archives()) await this.ctx.content.archive(path, next, size)
  }

  // Every directory on a live path's way must be one: a file there (a type
  // change applied in another order, or one displaced by this path) is
  // applied first, which the live path turns into a directory. Looked at
  // without the lock first: there is rarely anything to repair.
  private async repairParents(path: string): Promise<void> {
    if (!(await this.fileOnTheWay(path))) return
    const repair = this.repairs.then(async () => {
      for (const parent of parentsOf(path)) {
        const stats = await this.ctx.fs.stat(parent)
        if (stats !== null && !stats.isDirectory()) await this.applyAt(parent, { parent: true })
      }
    })
    this.repairs = repair.catch(() => undefined)
    await repair
  }

  private async fileOnTheWay(path: string): Promise<boolean> {
    for (const parent of parentsOf(path)) {
      const stats = await this.ctx.fs.stat(parent)
      if (stats === null) return false
      if (!stats.isDirectory()) return true
    }
    return false
  }

  // Only the device whose version lost makes its copy, from its own drive, and
  // publishes it as a new file: every device then gets the same copy by sync.
  // The same holds for a file displaced by what another device put inside a
  // directory at its path: its writer keeps it beside the directory.
  private async keepConflictCopies(path: string, resolution: Resolution, kind: EntryMeta['kind']): Promise<Applied[]> {
    const { winner, losers } = resolution
    const displaced = kind === 'directory' && winner.meta.kind === 'file' ? [winner] : []
    const made: Applied[] = []
    for (const loser of [...losers, ...displaced]) {
      if (loser.writer !== this.ctx.drives.ownKey) continue
      const handledKey = JSON.stringify(loser.meta.vv)
      if (await this.ctx.index.conflictHandled(path, handledKey)) continue
      const copy = conflictCopyName(path, new Date(loser.meta.mtime), loser.meta.device)
      await this.ctx.fs.writeFile(copy, await this.ctx.content.bytes(loser, path), { mtimeMs: loser.meta.mtime, executable: loser.meta.executable })
      await this.ctx.publisher.publish(copy, await this.diskEntry(copy))
      this.ctx.index.markConflictHandled(path, handledKey)
      await this.ctx.publisher.commit() // peers learn of the copy now, not at the end of a long pull
      made.push({ kind: 'conflict', copy })
    }
    return made
  }

  // A directory kept for live entries below it (see kindOf) takes its own
  // winner once the last of them goes, here by a pull or by a deletion made
  // on this device: a deletion removes it if it is empty, a file replaces it
  // (what is left of it being empty directories). Reads the drives: what was
  // published must be committed first.
  async removeDeletedParents(path: string): Promise<void> {
    for (let dir = parentOf(path); dir !== '/'; dir = parentOf(dir)) {
      if ((await this.ctx.fs.stat(dir))?.isDirectory() !== true) return // gone already (an rm -rf): nothing to look up
      const resolution = resolve(await this.ctx.drives.candidates(dir, { local: true }))
      if (resolution === null || resolution.winner.meta.kind === 'directory' || (await this.liveBelow(dir))) return
      if (resolution.winner.meta.kind === 'file') {
        await this.applyAt(dir, {})
        return
      }
      if (!(await this.ctx.fs.removeEmptyTree(dir))) return
      this.ctx.index.put(dir, { kind: 'deleted', size: 0, mtimeMs: 0, vv: resolution.vv }, await this.ctx.index.get(dir))
    }
  }

  private async diskEntry(path: string): Promise<ScanEntry | null> {
    const item = await scanPath(this.ctx.fs.root, path)
    if (item?.type === 'error') throw unsafePath(path, item.message)
    return item
  }
}

// What the disk holds (see heldVector), at or past the winner's vector, is the winner (or what this device made of it since).
function holds(recorded: VersionVector, winner: VersionVector): boolean {
  const order = compareVectors(recorded, winner)
  return order === 'equal' || order === 'after'
}

// From the top down, the root left out.
function parentsOf(path: string): string[] {
  const parents: string[] = []
  for (let dir = parentOf(path); dir !== '/'; dir = parentOf(dir)) parents.unshift(dir)
  return parents
}

function changedHere(record: IndexRecord | null, disk: ScanEntry | null): boolean {
  if (disk === null) return record !== null && record.kind !== 'deleted'
  if (disk.type === 'symlink') return false
  if (record === null) return disk.type === 'file'
  if (record.kind === 'deleted') return true
  return disk.type === 'file' ? !sameFile(record, disk) : record.kind !== 'directory'
}
