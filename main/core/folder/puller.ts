// Merges what one writer's drive gained since the last pull into the disk.
// Paths are applied several at a time, so that disk syscalls, fsyncs and chunk
// requests overlap; deletions come after the rest (a file renamed or copied
// is still here to take its chunks from); a directory removal waits until
// every path has been applied, then removals run one at a time, deepest
// first, so a directory empties before it goes. The index is committed every few hundred paths and,
// with the writer's new watermark, at the end; when a path could not be
// applied, the watermark stays and the pull fails, to be tried again. A path
// whose bytes a peer cannot serve or that cannot be verified is skipped: the
// rest is applied, the watermark stays before it, and the pull returns it as
// unapplied, for the folder to report and try again later. A path this
// device does not keep (selective sync) is passed by: it stays absent here.
import type Hyperdrive from 'hyperdrive'
import type { DriveEntryValue } from 'hyperdrive'
import type { DiffNode } from 'hyperbee'
import type { FolderActivity, UnappliedPath } from '../../../contract/types'
import { type ErrorCode, HyperfoldError, toApiError } from '../../../contract/errors'
import type { Applied, Applier } from './applier'
import { eachLimit } from './each-limit'
import { candidateOf } from './folder-drives'
import { parentOf, parseFolderPath, unsafePath } from './folder-path'
import type { LocalIndex } from './local-index'
import type { Candidate } from './merge'
import { Progress } from './progress'
import type { Publisher } from './publisher'
import { RootMissing } from './root-guard'

const CONCURRENCY = 16
// Why a path may stay unapplied, shown and tried again later, while the rest of the pull goes on.
const UNAPPLIED_CODES = new Set<ErrorCode>(['PEER_DATA_INVALID', 'BYTES_UNAVAILABLE', 'PATH_UNSAFE'])
const COMMIT_EVERY = 512

export interface PullContext {
  applier: Applier
  publisher: Publisher
  index: LocalIndex
  // Paths this device does not keep (selective sync) are skipped: they get no
  // record, so their absence here is never read as a deletion.
  keeps(path: string): boolean
  activity(kind: FolderActivity['kind'], path: string, message: string): void
  onprogress(progress: Progress | null): void
}


interface Change {
  path: string
  size: number
  candidate: Candidate | null
  writer: string
  malformed: string | null // why the writer's entry here cannot be taken, when it cannot
}

export async function pullWriter(ctx: PullContext, writer: string, drive: Hyperdrive, from: number, to: number): Promise<{ unapplied: UnappliedPath[] }> {
  // The new entries and the tree nodes over them are in [from, to): fetched in
  // one pipelined range, the diff then walks local blocks instead of waiting
  // for them one round trip at a time. (A drive's version is 1 before it has a block.)
  const end = Math.min(to, drive.core.length)
  if (from < end) await drive.core.download({ start: from, end }).done()
  const changes = (await changedPaths(writer, drive, from)).filter((c) => ctx.keeps(c.path))
  const pull: Pull = { ctx, drive, progress: new Progress(changes.length, changes.reduce((sum, c) => sum + c.size, 0)), failed: [], unapplied: [] }
  ctx.onprogress(pull.progress)
  const later: Change[] = []
  let sinceCommit = 0
  const waits = deferredDeletion(changes)
  for (const batch of [changes.filter((c) => !waits(c)), changes.filter(waits)]) {
    await eachLimit(batch, CONCURRENCY, async (change) => {
      if ((await applyOne(pull, change, false)) === 'later') later.push(change)
      stopIfClosed(drive)
      if (++sinceCommit >= COMMIT_EVERY) {
        sinceCommit = 0
        await ctx.publisher.commit()
      }
    })
  }
  later.sort((a, b) => (a.path < b.path ? 1 : -1))
  for (const change of later) await applyOne(pull, change, true)
  stopIfClosed(drive)
  if (pull.failed.length > 0) {
    // What was applied stays; the watermark does not pass the paths that failed, so a later pull tries them again.
    await ctx.publisher.commit()
    ctx.onprogress(null)
    throw pull.failed[0]
  }
  if (pull.unapplied.length === 0) ctx.index.setWatermark(writer, to)
  await ctx.publisher.commit()
  ctx.onprogress(null)
  return { unapplied: pull.unapplied }
}

// The writer's drive was closed (the folder pauses or closes) mid-pull. Not a
// failure to report: the paths still to come must just not count as merged,
// or the watermark would pass them by for good.
export class PullStopped extends Error {
  constructor() {
    super('The pull was stopped.')
  }
}

function stopIfClosed(drive: Hyperdrive): void {
  if (drive.closing !== null) throw new PullStopped()
}

interface Pull {
  ctx: PullContext
  drive: Hyperdrive
  progress: Progress
  // Paths that could not be applied now but may be later (a file that cannot be written), as their errors.
  failed: unknown[]
  // Paths skipped because a peer's data cannot be served or verified; reported by the caller.
  unapplied: UnappliedPath[]
}

async function applyOne({ ctx, drive, progress, failed, unapplied }: Pull, change: Change, rmdir: boolean): Promise<'later' | null> {
  let p: string
  try {
    p = parseFolderPath(change.path)
    // Hyperdrive writes keys in one form: another (a doubled or trailing slash) came from a modified client.
    if (p !== change.path) throw unsafePath(change.path, 'it is not written the way a folder path is')
  } catch (err) {
    ctx.activity('refused', change.path.slice(0, 200), toApiError(err).message)
    progress.add(0)
    return null
  }
  // What other writers hold at the path still applies; this writer's entry takes no part.
  if (change.malformed !== null) ctx.activity('refused', p, `Refused ${p} from writer ${change.writer.slice(0, 8)}: ${change.malformed}.`)
  let results: Applied[] = []
  try {
    results = await ctx.applier.apply(p, change.candidate ?? undefined, rmdir)
  } catch (err) {
    if ((err instanceof HyperfoldError && err.code === 'DISK_FULL') || err instanceof RootMissing) throw err
    stopIfClosed(drive) // what failed was most likely the closed drive's read
    // Data no peer online serves, or none serves right, or a path this disk cannot take as
    // it is (a symlink or a case twin in the way): the path stays unapplied,
    // shown, and tried again later. Anything else fails the pull, to be retried.
    if (err instanceof HyperfoldError && UNAPPLIED_CODES.has(err.code)) {
      unapplied.push({ path: p, reason: err.code === 'PATH_UNSAFE' ? err.message : `Skipped ${p}: ${err.message}` })
    } else {
      ctx.activity('error', p, toApiError(err).message)
      failed.push(err)
    }
  }
  if (results.some((r) => r.kind === 'later')) return 'later'
  let bytes = 0
  for (const r of results) {
    if (r.kind === 'file' || r.kind === 'moved') bytes += r.bytes
    if (r.kind === 'file' || r.kind === 'deleted') ctx.activity(r.kind === 'file' ? 'synced' : 'deleted', p, '')
    if (r.kind === 'moved') {
      ctx.activity('deleted', r.from, `moved to ${p}`)
      ctx.activity('synced', p, `moved here from ${r.from}`)
    }
    if (r.kind === 'conflict') ctx.activity('conflict', r.copy, `conflicting edit of ${p} kept as ${r.copy}`)
  }
  progress.add(bytes)
  return null
}

// A first pull takes every entry: read in key order, a walk eight times
// faster than diffing the tree against its empty start (10,000 files: most
// of the time before the first file was written).
async function* changedSince(drive: Hyperdrive, from: number): AsyncGenerator<DiffNode<DriveEntryValue>> {
  if (from > 1) return yield* drive.diff(from, '/')
  for await (const entry of drive.entries()) yield { left: entry, right: null }
}

// Deletions after the rest: a file renamed or copied elsewhere is then still
// on this disk when its new path is written, and its bytes move no further.
// Not what lies below a path that becomes a file: it must go first.
function deferredDeletion(changes: Change[]): (change: Change) => boolean {
  const files = new Set(changes.filter((c) => c.candidate?.meta.kind === 'file').map((c) => c.path))
  return (change) => {
    if (change.candidate?.meta.kind !== 'deleted') return false
    for (let dir = parentOf(change.path); dir !== '/'; dir = parentOf(dir)) if (files.has(dir)) return false
    return true
  }
}

async function changedPaths(writer: string, drive: Hyperdrive, from: number): Promise<Change[]> {
  const changes: Change[] = []
  for await (const { left, right } of changedSince(drive, from)) {
    const node = left ?? right
    if (node === null) continue
    const candidate = left === null ? null : candidateOf(writer, left)
    const malformed = left === null || candidate !== null ? null : left.value.linkname ? 'it is a symlink, which is not synced' : 'its metadata or blob id is malformed'
    changes.push({ path: node.key, size: candidate?.meta.kind === 'file' ? candidate.meta.size : 0, candidate, malformed, writer })
  }
  // Deepest first: what a directory holds before the directory.
  return changes.sort((a, b) => (a.path < b.path ? 1 : a.path > b.path ? -1 : 0))
}
