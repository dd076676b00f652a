// "Free up space": the bytes of a file (or of every file below a directory)
// leave this disk, but only once another online device is seen to hold the
// current version. The wire protocol has no "do you hold it?" question, so the
// proof is the answer itself: every chunk of the version is asked of one peer
// at a time through the chunk channel (the peer reads only its own copies to
// answer) and each one checked against its hash. That costs the file's bytes
// on the wire; it is the price of never removing the last copy.
//
// What goes is removed like a pull's removal (through FolderFs, only as it
// was seen) and recorded as a deletion of the version it held, which this
// device never publishes: the path is then simply not here, on purpose. The
// bytes are not copied into this device's history archive: the point is to
// free the space, and the peer that answered holds them.
import { HyperfoldError } from '../../../contract/errors'
import type { ChunkRef, ChunkSource } from './chunk-ref'
import { verifies } from './chunk-fetcher'
import { eachLimit } from './each-limit'
import type { FileContent } from './file-content'
import type { FolderDrives } from './folder-drives'
import { ChangedMeanwhile, type FolderFs } from './folder-fs'
import type { IndexRecord, LocalIndex } from './local-index'
import { refsOf } from './manifest'
import { type Candidate, resolve } from './merge'
import { sameFile } from './publisher'
import { scanPath } from './scanner'
import { compareVectors } from './version-vector'

// Chunks asked of a peer at once while checking it holds a version.
const PROBES = 8

export interface FreeContext {
  folderId: string
  fs: FolderFs
  drives: FolderDrives
  index: LocalIndex
  content: FileContent
  sources(): ChunkSource[]
}

export interface LocalFile {
  path: string
  record: IndexRecord
  winner: Candidate
}

// The files at or below `p` whose bytes are on this disk (the index reads what is flushed: commit first).
export async function localFilesAt(ctx: FreeContext, p: string): Promise<LocalFile[]> {
  const paths: [string, IndexRecord][] = []
  const own = await ctx.index.get(p)
  if (own?.kind === 'file') paths.push([p, own])
  if (own?.kind === 'directory') for await (const [sub, record] of ctx.index.records(p)) if (record.kind === 'file') paths.push([sub, record])
  const files: LocalFile[] = []
  for (const [path, record] of paths) {
    const winner = resolve(await ctx.drives.candidates(path))?.winner
    if (winner === undefined || winner.meta.kind !== 'file') throw lastCopy(path, 'its deletion or change is not applied here yet')
    if (!holds(record, winner)) throw lastCopy(path, 'it is not in sync yet, so the version on this disk may be the only one')
    const disk = await scanPath(ctx.fs.root, path)
    if (disk?.type !== 'file' || !sameFile(record, disk)) throw lastCopy(path, 'it was edited here and the edit is not synced yet')
    files.push({ path, record, winner })
  }
  return files
}

// Throws LAST_COPY unless an online peer serves every chunk of each file's current version.
export async function checkHeldElsewhere(ctx: FreeContext, files: LocalFile[]): Promise<void> {
  for (const file of files) {
    const chunks = await ctx.content.chunksOf(file.winner)
    if (chunks === null) throw lastCopy(file.path, 'it is stored in an older format whose copies on other devices cannot be checked')
    const refs = refsOf(chunks, file.path)
    let held = false
    for (const source of ctx.sources()) if (!held) held = await serves(ctx.folderId, source, refs)
    if (!held) throw lastCopy(file.path, 'no other online device holds its current version')
  }
}

// Removes each file as it was checked; one changed meanwhile stays, and the rest of the work stops.
export async function removeLocal(ctx: FreeContext, files: LocalFile[]): Promise<void> {
  for (const { path, record, winner } of files) {
    const now = await ctx.index.get(path)
    const current = resolve(await ctx.drives.candidates(path))?.winner
    if (now === null || !sameRecord(now, record) || current === undefined || compareVectors(current.meta.vv, winner.meta.vv) !== 'equal') {
      throw lastCopy(path, 'it changed while its copies elsewhere were checked; try again')
    }
    try {
      await ctx.fs.remove(path, record)
    } catch (err) {
      if (err instanceof ChangedMeanwhile) throw lastCopy(path, 'it was edited here while its copies elsewhere were checked')
      throw err
    }
    ctx.content.forget(path, record)
    ctx.index.put(path, { kind: 'deleted', size: 0, mtimeMs: 0, vv: record.vv }, record)
  }
}

// The directories at or below `p` left empty, deepest first, recorded like
// the files that went (the index walk reads what is flushed: commit first).
export async function removeEmptyDirs(ctx: FreeContext, p: string): Promise<void> {
  const dirs: [string, IndexRecord][] = []
  const own = await ctx.index.get(p)
  if (own?.kind !== 'directory') return
  for await (const [sub, record] of ctx.index.records(p)) if (record.kind === 'directory') dirs.push([sub, record])
  dirs.sort(([a], [b]) => (a < b ? 1 : -1))
  dirs.push([p, own])
  for (const [dir, record] of dirs) {
    if (await ctx.fs.rmdirIfEmpty(dir)) ctx.index.put(dir, { kind: 'deleted', size: 0, mtimeMs: 0, vv: record.vv }, record)
  }
}

async function serves(folderId: string, source: ChunkSource, refs: ChunkRef[]): Promise<boolean> {
  let missing = false
  const stop = new AbortController()
  await eachLimit(refs, PROBES, async (ref) => {
    if (missing) return
    const bytes = await source.request(folderId, ref, stop.signal).catch(() => null)
    if (bytes === null || !verifies(bytes, ref)) {
      missing = true
      stop.abort()
    }
  })
  return !missing
}

// The record holds the winner (or what this device made of it since).
function holds(record: IndexRecord, winner: Candidate): boolean {
  const order = compareVectors(record.vv, winner.meta.vv)
  return order === 'equal' || order === 'after'
}

function sameRecord(a: IndexRecord, b: IndexRecord): boolean {
  return a.kind === b.kind && a.size === b.size && a.mtimeMs === b.mtimeMs && compareVectors(a.vv, b.vv) === 'equal'
}

function lastCopy(path: string, why: string): HyperfoldError {
  return new HyperfoldError('LAST_COPY', `${path} stays on this device: ${why}.`)
}
