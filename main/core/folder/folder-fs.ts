// The only code that writes inside a shared folder. What peers send decides
// what is written, so every operation checks that it stays under the root and
// never passes through a symlink, and files are replaced atomically: a crash
// leaves the old or the new content, never half of it.
import fs from 'fs/promises'
import { constants, createReadStream, lstatSync, type Stats } from 'fs'
import path from 'path'
import { randomBytes } from 'crypto'
import type { Readable } from 'stream'
import { HyperfoldError, systemError } from '../../../contract/errors'
import { NOW_BYTES, io, now, pace, readFull } from './disk-io'
import { FOLDER_MARKER, TEMP_PREFIX, foldCase, parseFolderPath, unsafePath } from './folder-path'
import { sameMillisecond } from './publisher'

const DIR_MODE = 0o755
const FILE_MODE = 0o644
const EXECUTABLE_MODE = 0o755
// How long a directory checked to be a real one (not a symlink) is trusted
// without a new lstat. A pull writes thousands of files into the same few
// directories; re-checking every parent of every file costs more than the
// writes. The check and the open were never atomic (Node has no openat), so
// this only widens that window, from microseconds to at most this long.
const DIR_TRUST_MS = 1000
// Temp names: random per process, then counted ("wx" refuses a name already taken anyway).
const TEMP_STEM = TEMP_PREFIX + randomBytes(6).toString('hex') + '-'
let tempCount = 0
// Windows has no O_NOFOLLOW; there reads rely on the parent checks alone.
export const OPEN_NO_FOLLOW = constants.O_NOFOLLOW ?? 0
const OPEN_NO_BLOCK = constants.O_NONBLOCK ?? 0

export interface WriteOptions {
  mtimeMs: number
  executable: boolean
  // What the write may replace: the file as last seen (null: nothing). Edited
  // meanwhile, it is left as it is and the write throws ChangedMeanwhile.
  replaces?: Pick<Stats, 'size' | 'mtimeMs'> | null
}

// The file at the path is not what the caller last saw: someone edits it right now.
export class ChangedMeanwhile extends Error {
  constructor(folderPath: string) {
    super(`${folderPath} was edited on this device meanwhile.`)
  }
}

// A file as written: its mtime and mode as the disk stored them (a disk may
// keep no mode), which the local index must record.
export interface Written {
  size: number
  mtimeMs: number
  executable: boolean
  ino: number
}

export class FolderFs {
  readonly root: string
  private readonly trustedDirs = new Map<string, number>() // absolute path -> when its check expires
  private caseInsensitive = false

  constructor(root: string) {
    if (!path.isAbsolute(root)) throw new HyperfoldError('BAD_INPUT', `A folder root must be an absolute path, not "${root}".`)
    this.root = path.resolve(root)
  }

  // Whether this disk takes "a.txt" and "A.txt" for one name (macOS, Windows):
  // a name looked up in another case than it was written in. Then a path from
  // a peer that differs from one here only by case is refused, not merged into it.
  async detectCase(): Promise<boolean> {
    const probe = path.join(this.root, FOLDER_MARKER, 'case-probe')
    await fs.writeFile(probe, '')
    this.caseInsensitive = (await lstatOrNull(path.join(this.root, FOLDER_MARKER, 'CASE-PROBE'))) !== null
    await fs.rm(probe, { force: true })
    return this.caseInsensitive
  }

  async writeFile(folderPath: string, source: AsyncIterable<Uint8Array> | Uint8Array, options: WriteOptions): Promise<Written> {
    return this.run(folderPath, async (p, segments) => {
      await this.refuseCaseTwins(p, segments)
      const target = await this.locate(segments, true)
      const temp = path.join(path.dirname(target), TEMP_STEM + (tempCount++).toString(36))
      try {
        const stats = await writeTemp(temp, source, options)
        // Checked last, just before the rename: the window for an edit to slip in is the rename's own.
        if (options.replaces !== undefined && !isAsSeen(await lstatOrNull(target), options.replaces)) throw new ChangedMeanwhile(p)
        await io.rename(temp, target)
        return stats
      } catch (err) {
        await fs.rm(temp, { force: true })
        if (err instanceof ChangedMeanwhile) throw err
        // A directory in the way fails the rename: cheaper to learn here than to lstat before every write.
        if ((await lstatOrNull(target).catch(() => null))?.isDirectory() === true) throw unsafePath(p, 'a directory is in the way of the file')
        throw err
      }
    })
  }

  // Removes a file or a symlink (never what it points to); a missing one is
  // already gone. With `seen`, a file edited since (another size or mtime) stays: ChangedMeanwhile.
  async remove(folderPath: string, seen?: Pick<Stats, 'size' | 'mtimeMs'>): Promise<void> {
    return this.run(folderPath, async (p, segments) => {
      const target = await this.locateExisting(segments)
      const stats = target === null ? null : await lstatOrNull(target)
      if (stats === null) return
      if (stats.isDirectory()) throw unsafePath(p, 'it is a directory, not a file')
      if (seen !== undefined && !isAsSeen(stats, seen)) throw new ChangedMeanwhile(p)
      await fs.unlink(target!).catch(unlessCode('ENOENT'))
    })
  }

  async mkdir(folderPath: string): Promise<void> {
    await this.run(folderPath, async (p, segments) => {
      await this.refuseCaseTwins(p, segments)
      await this.checkDirs(p, segments, true)
    })
  }

  // Returns whether the directory was removed; one with entries, or a missing one, stays as it is.
  async rmdirIfEmpty(folderPath: string): Promise<boolean> {
    return this.run(folderPath, async (p, segments) => {
      const target = await this.locateExisting(segments)
      if (target === null) return false
      this.trustedDirs.delete(target)
      const stats = await lstatOrNull(target)
      if (stats === null) return false
      if (!stats.isDirectory()) throw unsafePath(p, `it is ${kindOf(stats)}, not a directory`)
      const removed = await fs.rmdir(target).then(() => true, unlessCode('ENOTEMPTY', 'EEXIST', 'ENOENT'))
      return removed === true
    })
  }

  // Removes a directory that holds nothing but (empty) directories, deepest
  // first; never a file. Returns whether nothing is left at the path.
  async removeEmptyTree(folderPath: string): Promise<boolean> {
    const stats = await this.stat(folderPath)
    if (stats === null) return true
    if (!stats.isDirectory()) return false
    const names = await fs.readdir(path.join(this.root, parseFolderPath(folderPath)))
    for (const name of names) if (!(await this.removeEmptyTree(`${folderPath}/${name}`))) return false
    return this.rmdirIfEmpty(folderPath)
  }

  // What is at the path; null when nothing is, a file on the way included.
  async stat(folderPath: string): Promise<Stats | null> {
    return this.run(folderPath, async (_p, segments) => {
      const target = await this.locateExisting(segments)
      return target === null ? null : lstatOrNull(target)
    })
  }

  async readStream(folderPath: string): Promise<Readable> {
    return createReadStream('', { fd: (await this.openFile(folderPath)).fd })
  }

  // Opens a regular file for reading, never through a symlink; the caller closes the fd.
  async openFile(folderPath: string): Promise<{ fd: number; stats: Stats }> {
    return this.run(folderPath, async (p, segments) => {
      const target = await this.locate(segments, false)
      await pace()
      let fd: number
      try {
        // Non-blocking: a pipe put there since the scan would otherwise hold the open until something writes to it.
        fd = now.open(target, constants.O_RDONLY | OPEN_NO_FOLLOW | OPEN_NO_BLOCK)
      } catch (err) {
        throw (err as NodeJS.ErrnoException).code === 'ELOOP' ? unsafePath(p, 'it is a symlink') : err
      }
      const stats = now.fstat(fd)
      if (stats.isFile()) return { fd, stats }
      now.close(fd)
      throw unsafePath(p, `it is ${kindOf(stats)}, not a file`)
    })
  }

  // `size` bytes of a file at `offset`, or null when the file is not there, is
  // no regular file, or is too short: a chunk looked for where it was last
  // seen, which the caller checks against its hash anyway.
  async readAt(folderPath: string, offset: number, size: number): Promise<Buffer | null> {
    const opened = await this.openFile(folderPath).catch(() => null)
    if (opened === null) return null
    try {
      if (opened.stats.size < offset + size) return null
      const buffer = Buffer.allocUnsafe(size)
      return (await readFull(opened.fd, buffer, 0, size, offset)) === size ? buffer : null
    } finally {
      now.close(opened.fd)
    }
  }

  // Renames an entry inside the root (a conflict copy); it never replaces what is already at newPath.
  async moveAside(folderPath: string, newPath: string): Promise<void> {
    const to = parseFolderPath(newPath)
    await this.run(folderPath, async (_p, segments) => {
      const source = await this.locate(segments, false)
      await this.refuseCaseTwins(to, to.split('/').slice(1))
      const target = await this.locate(to.split('/').slice(1), true)
      if ((await lstatOrNull(target)) !== null) throw unsafePath(to, 'something already exists there')
      await fs.rename(source, target)
    })
  }

  // Removes temp files a crash left behind; call it before any write starts,
  // since a write in flight owns a temp file too. Returns how many it removed.
  async cleanTempFiles(): Promise<number> {
    try {
      return await removeTempFiles(this.root)
    } catch (err) {
      throw diskError(err, this.root)
    }
  }

  // On a case-insensitive disk, each name on the way must not match another one
  // already there but for case: the write would land on that one instead.
  private async refuseCaseTwins(p: string, segments: string[]): Promise<void> {
    if (!this.caseInsensitive) return
    let dir = this.root
    for (const [i, segment] of segments.entries()) {
      const twin = await caseTwin(dir, segment)
      if (twin !== null) {
        const other = '/' + [...segments.slice(0, i), twin].join('/')
        throw unsafePath(p, `it differs only by case from ${JSON.stringify(other)}, which this disk cannot hold apart from it`)
      }
      dir = path.join(dir, segment)
    }
  }

  private async run<T>(folderPath: string, op: (p: string, segments: string[]) => Promise<T>): Promise<T> {
    const p = parseFolderPath(folderPath)
    try {
      return await op(p, p.split('/').slice(1))
    } catch (err) {
      throw diskError(err, path.join(this.root, p))
    }
  }

  // Like locate, for what is to be read or removed: where a file stands on
  // the way, nothing under the root is at the path (null). A symlink on the
  // way is still refused: it may lead to what is there.
  private async locateExisting(segments: string[]): Promise<string | null> {
    const clear = await this.checkDirs('/' + segments.join('/'), segments.slice(0, -1), false, false)
    return clear ? path.join(this.root, ...segments) : null
  }

  private async locate(segments: string[], createParents: boolean): Promise<string> {
    await this.checkDirs('/' + segments.join('/'), segments.slice(0, -1), createParents)
    return path.join(this.root, ...segments)
  }

  // Every component between the root and the target must be a real directory:
  // a symlink there could carry the operation outside the root. Past a missing
  // component nothing exists, so nothing more needs checking. Returns false for
  // a file on the way, when not told to throw.
  private async checkDirs(p: string, segments: string[], create: boolean, strict = true): Promise<boolean> {
    let dir = this.root
    for (const [i, segment] of segments.entries()) {
      dir = path.join(dir, segment)
      if ((this.trustedDirs.get(dir) ?? 0) > performance.now()) continue
      this.trustedDirs.delete(dir)
      const stats = create ? await ensureDir(dir) : await lstatOrNull(dir)
      if (stats === null) return true
      if (!stats.isDirectory()) {
        if (!strict && stats.isFile()) return false
        throw unsafePath(p, `/${segments.slice(0, i + 1).join('/')} is ${kindOf(stats)}, not a directory`)
      }
      this.trustedDirs.set(dir, performance.now() + DIR_TRUST_MS)
    }
    return true
  }
}

// Another name in `dir` that is `name` but for case or Unicode normalisation; null when there is none (or no dir).
export async function caseTwin(dir: string, name: string): Promise<string | null> {
  const names = await fs.readdir(dir).catch(unlessCode('ENOENT', 'ENOTDIR'))
  const folded = foldCase(name)
  return names?.find((other) => other !== name && foldCase(other) === folded) ?? null
}

// Disk errors get a stable code and a plain message naming the path (see
// systemError). ENOENT passes through: callers take it for "gone meanwhile".
export function diskError(err: unknown, absPath: string): unknown {
  if ((err as NodeJS.ErrnoException).code === 'ENOENT') return err
  return systemError(err, absPath) ?? err
}

function isAsSeen(stats: Stats | null, seen: Pick<Stats, 'size' | 'mtimeMs'> | null): boolean {
  if (stats === null || seen === null) return stats === seen
  return stats.isFile() && stats.size === seen.size && sameMillisecond(stats.mtimeMs, seen.mtimeMs)
}

async function writeTemp(temp: string, source: AsyncIterable<Uint8Array> | Uint8Array, options: WriteOptions): Promise<Written> {
  const mode = options.executable ? EXECUTABLE_MODE : FILE_MODE
  // "wx" fails on anything already there, a planted symlink included.
  const fd = await io.open(temp, 'wx', mode)
  try {
    await writeBatched(fd, source instanceof Uint8Array ? [source] : source)
    // Seconds as a float lose the last millisecond on the way to nanoseconds; half a
    // microsecond more keeps the stored mtime at or above the millisecond asked for.
    await pace()
    now.futimes(fd, new Date(), options.mtimeMs / 1000 + 5e-7)
    let stats = now.fstat(fd)
    if ((stats.mode & 0o777) !== mode) {
      now.fchmod(fd, mode) // open's mode was narrowed by the umask
      stats = now.fstat(fd)
    }
    await io.fsync(fd)
    return { size: stats.size, mtimeMs: stats.mtimeMs, executable: (stats.mode & 0o111) !== 0, ino: stats.ino } // the rename keeps the inode
  } finally {
    now.close(fd)
  }
}

// A version arrives in chunks of 16-256 KiB; one write (a trip to the
// threadpool) per megabyte instead of one per chunk.
const WRITE_BATCH_BYTES = 1 << 20

async function writeBatched(fd: number, source: AsyncIterable<Uint8Array> | Uint8Array[]): Promise<void> {
  let batch: Uint8Array[] = []
  let bytes = 0
  for await (const chunk of source) {
    batch.push(chunk)
    bytes += chunk.byteLength
    if (bytes < WRITE_BATCH_BYTES) continue
    await writeAll(fd, batch)
    batch = []
    bytes = 0
  }
  await writeAll(fd, batch)
}

async function writeAll(fd: number, buffers: Uint8Array[]): Promise<void> {
  const left = buffers.filter((b) => b.byteLength > 0)
  const small = left.reduce((sum, b) => sum + b.byteLength, 0) <= NOW_BYTES
  while (left.length > 0) {
    if (small) await pace()
    let written = small ? now.writev(fd, left) : (await io.writev(fd, left)).bytesWritten
    while (left.length > 0 && written >= left[0]!.byteLength) written -= left.shift()!.byteLength
    if (written > 0) left[0] = left[0]!.subarray(written)
  }
}

async function removeTempFiles(dir: string): Promise<number> {
  const entries = await fs.opendir(dir).catch(unlessCode('ENOENT')) // a directory removed meanwhile
  if (!entries) return 0
  let removed = 0
  for await (const entry of entries) {
    const abs = path.join(dir, entry.name)
    if (entry.isDirectory()) removed += await removeTempFiles(abs)
    else if (entry.name.startsWith(TEMP_PREFIX)) {
      await fs.rm(abs, { force: true })
      removed++
    }
  }
  return removed
}

async function ensureDir(dir: string): Promise<Stats> {
  await pace()
  try {
    now.mkdir(dir, { mode: DIR_MODE })
  } catch (err) {
    unlessCode('EEXIST')(err)
  }
  return lstatSync(dir)
}

// Null for nothing there, a file on the way included (a directory trusted a moment ago may be one now).
async function lstatOrNull(file: string): Promise<Stats | null> {
  await pace()
  return now.lstat(file)
}

function kindOf(stats: Stats): string {
  if (stats.isSymbolicLink()) return 'a symlink'
  if (stats.isDirectory()) return 'a directory'
  return stats.isFile() ? 'a file' : 'a special file'
}

// For .catch(): the listed error codes mean "nothing there" and become null.
function unlessCode(...codes: string[]): (err: unknown) => null {
  return (err) => {
    if (codes.includes((err as NodeJS.ErrnoException).code ?? '')) return null
    throw err
  }
}
