// Reports what a shared folder holds on disk, one lstat per entry and no file
// contents: a rescan of an unchanged folder must stay cheap. Hashing is apart,
// for the entries whose size or mtime changed.
import fs from 'fs/promises'
import { constants, type Stats } from 'fs'
import path from 'path'
import { createHash } from 'crypto'
import { now, pace } from './disk-io'
import { sortByBytes } from './path-order'
import { OPEN_NO_FOLLOW } from './folder-fs'
import { parseFolderPath } from './folder-path'
import type { IgnoreRules } from './ignore-rules'

export interface ScanEntry {
  path: string
  type: 'file' | 'directory' | 'symlink'
  size: number
  mtimeMs: number
  executable: boolean
  ino: number // tells a directory from another one made at the same path
}

// Something at `path` could not be read. It is not a deletion: what is known
// about this path, and everything below it, must stay as it was.
export interface ScanError {
  path: string
  type: 'error'
  message: string
}

export type ScanItem = ScanEntry | ScanError

interface Walk {
  root: string
  rules: IgnoreRules
  signal: AbortSignal | undefined
}

interface DirEntry {
  name: string
  isDirectory: boolean
}

// A scan stopped part-way (pause, close, new rules) throws this: not an error
// to report. It throws rather than ending the walk, because a walk that ended
// early would make every recorded path it did not reach look deleted.
export class ScanStopped extends Error {
  constructor() {
    super('The scan was stopped.')
  }
}

// A root that cannot be listed throws: then there is no state to report at all.
// The signal is checked between entries, so a stop is seen within a few lstats.
export async function* scanFolder(root: string, rules: IgnoreRules, signal?: AbortSignal): AsyncGenerator<ScanItem[]> {
  yield* scanEntries({ root, rules, signal }, '', await listDir(root))
}

// sha256 rather than BLAKE2b-256: sodium's streaming generichash is not in our
// type declarations, and Node's blake2b512 cut short is not BLAKE2b-256.
export async function hashFile(absPath: string): Promise<string> {
  const handle = await fs.open(absPath, constants.O_RDONLY | OPEN_NO_FOLLOW)
  const hash = createHash('sha256')
  for await (const chunk of handle.createReadStream()) hash.update(chunk as Buffer)
  return hash.digest('hex')
}

// Items come in the byte order of their paths, the order of the local
// index's keys, so that a rescan walks the two side by side (see scan-diff),
// and in batches: a directory's entries up to the next subdirectory's
// contents. An await per item cost more than its lstat.
// A directory's contents sort at its name + '/': after a sibling named
// "name-2", before one named "name0". Only one directory's entries are held
// per level of depth, so memory follows the widest directory and the depth,
// not the number of files. The lstats are synchronous, paced (disk-io).
async function* scanEntries(walk: Walk, dirPath: string, entries: DirEntry[]): AsyncGenerator<ScanItem[]> {
  const { root, rules } = walk
  const steps: { key: string; item: ScanItem; contents: boolean }[] = []
  for (const entry of entries) {
    checkStopped(walk)
    const folderPath = `${dirPath}/${entry.name}`
    if (rules.isIgnored(folderPath, entry.isDirectory)) continue
    await pace()
    const item = scanPathNow(root, folderPath)
    if (item === null) continue
    steps.push({ key: item.path, item, contents: false })
    if (item.type === 'directory') steps.push({ key: `${item.path}/`, item, contents: true })
  }
  sortByBytes(steps, (step) => step.key)
  let batch: ScanItem[] = []
  for (const step of steps) {
    checkStopped(walk)
    if (!step.contents) {
      batch.push(step.item)
      continue
    }
    if (batch.length > 0) yield batch
    batch = []
    yield* scanSubdir(walk, step.item.path)
  }
  if (batch.length > 0) yield batch
}

// What a directory holds, in the same order and form as scanFolder; for a
// batch that finds a directory where one was recorded (it may be another one).
export function scanDirectory(root: string, dirPath: string, rules: IgnoreRules, signal?: AbortSignal): AsyncGenerator<ScanItem[]> {
  return scanSubdir({ root, rules, signal }, dirPath)
}

async function* scanSubdir(walk: Walk, dirPath: string): AsyncGenerator<ScanItem[]> {
  let entries: DirEntry[]
  try {
    entries = await listDir(path.join(walk.root, dirPath))
  } catch (err) {
    yield [scanError(dirPath, `cannot list its contents (${codeOf(err)})`)]
    return
  }
  yield* scanEntries(walk, dirPath, entries)
}

function checkStopped(walk: Walk): void {
  if (walk.signal?.aborted === true) throw new ScanStopped()
}

// One call for the whole directory: iterating it (opendir) cost an await per entry.
async function listDir(dir: string): Promise<DirEntry[]> {
  return (await fs.readdir(dir, { withFileTypes: true })).map((entry) => ({ name: entry.name, isDirectory: entry.isDirectory() }))
}

// One entry, as a scan would report it; null for what holds no content (sockets, pipes).
export async function scanPath(root: string, folderPath: string): Promise<ScanItem | null> {
  await pace()
  return scanPathNow(root, folderPath)
}

function scanPathNow(root: string, folderPath: string): ScanItem | null {
  try {
    parseFolderPath(folderPath)
  } catch (err) {
    return { path: folderPath, type: 'error', message: (err as Error).message }
  }
  let stats: Stats | null
  try {
    stats = now.lstat(root + folderPath) // parsed above: '/' and plain names, nothing for join to resolve
  } catch (err) {
    return scanError(folderPath, `cannot read it (${codeOf(err)})`)
  }
  // Gone since it was listed, or a directory on the way is a file now: nothing there to report.
  if (stats !== null) return toEntry(folderPath, stats)
  // Linux hands back a name that is not UTF-8 with U+FFFD in it, a name no call can reach again (it reads as ENOENT).
  return folderPath.includes('\uFFFD') ? scanError(folderPath, 'its name is not valid UTF-8 (ENOENT)') : null
}

// Sockets, pipes and devices hold no content to sync.
function toEntry(folderPath: string, stats: Stats): ScanEntry | null {
  const type = entryType(stats)
  if (type === null) return null
  const executable = type === 'file' && (stats.mode & 0o111) !== 0
  return { path: folderPath, type, size: type === 'directory' ? 0 : stats.size, mtimeMs: stats.mtimeMs, executable, ino: stats.ino }
}

function entryType(stats: Stats): ScanEntry['type'] | null {
  if (stats.isFile()) return 'file'
  if (stats.isDirectory()) return 'directory'
  return stats.isSymbolicLink() ? 'symlink' : null
}

function scanError(folderPath: string, reason: string): ScanError {
  return { path: folderPath, type: 'error', message: `${folderPath}: ${reason}.` }
}

function codeOf(err: unknown): string {
  return (err as NodeJS.ErrnoException).code ?? String(err)
}
