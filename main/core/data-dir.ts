// The data dir holds this device's key, its state and its Corestore. One node
// per data dir: a lock file with the owner's pid refuses a second one. Written
// by hand because the lock must name the running pid for the error message and
// clear itself when that process is gone (crash, kill -9).
import { readFileSync } from 'fs'
import fs from 'fs/promises'
import path from 'path'
import { HyperfoldError } from '../../contract/errors'

const LOCK_FILE = 'node.lock'

export class DataDir {
  readonly path: string
  private locked = false

  private constructor(dir: string) {
    this.path = dir
  }

  static async open(dir: string): Promise<DataDir> {
    const dataDir = new DataDir(path.resolve(dir))
    await dataDir.create()
    await dataDir.lock()
    return dataDir
  }

  file(name: string): string {
    return path.join(this.path, name)
  }

  async close(): Promise<void> {
    if (!this.locked) return
    this.locked = false
    await fs.rm(this.file(LOCK_FILE), { force: true })
  }

  private async create(): Promise<void> {
    try {
      await fs.mkdir(this.path, { recursive: true, mode: 0o700 })
      await fs.chmod(this.path, 0o700)
      await fs.access(this.path, fs.constants.W_OK)
    } catch (err) {
      throw notWritable(this.path, err)
    }
  }

  private async lock(): Promise<void> {
    const file = this.file(LOCK_FILE)
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        await fs.writeFile(file, String(process.pid), { flag: 'wx', mode: 0o600 })
        this.locked = true
        return
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw notWritable(this.path, err)
      }
      const owner = Number.parseInt((await fs.readFile(file, 'utf8').catch(() => '')).trim(), 10)
      if (await stillAlive(owner)) {
        throw new HyperfoldError(
          'DATA_DIR_LOCKED',
          `Another Hyperfold node (pid ${owner}) is already running on ${this.path}.`
        )
      }
      await fs.rm(file, { force: true }) // stale: its process is gone
    }
    throw new HyperfoldError('DATA_DIR_LOCKED', `Could not lock ${this.path}: another node keeps taking it.`)
  }
}

// A failed system call on a file inside the data dir, said as the data dir's
// problem (read-only, full, wrong owner); null for any other error.
export function dataDirError(err: unknown, dir: string): HyperfoldError | null {
  const { code, path: file } = (err ?? {}) as { code?: unknown; path?: unknown }
  if (typeof file !== 'string' || !WRITE_FAILURES.has(code as string)) return null
  const inside = path.relative(dir, path.resolve(file))
  return inside.startsWith('..') || path.isAbsolute(inside) ? null : notWritable(dir, err)
}

const WRITE_FAILURES = new Set(['EACCES', 'EPERM', 'EROFS', 'ENOSPC', 'EDQUOT'])

// A node killed a moment ago (its launcher killed with -9, which it follows
// on its next turn) may still be going: a restart waits for it a little
// before it says another node runs here.
const GOING_AWAY_MS = 3_000

async function stillAlive(pid: number): Promise<boolean> {
  for (const deadline = Date.now() + GOING_AWAY_MS; isAlive(pid); ) {
    if (Date.now() >= deadline) return true
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
  return false
}

function isAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false
  try {
    process.kill(pid, 0)
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM'
  }
  return !isZombie(pid)
}

// A process that died and was handed to an init that never collects it (as
// in some containers) still answers signal 0; on Linux its state says so.
function isZombie(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    return stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z')
  } catch {
    return false
  }
}

function notWritable(dir: string, err: unknown): HyperfoldError {
  const code = (err as NodeJS.ErrnoException).code ?? 'unknown error'
  const why: Record<string, string> = {
    ENOTDIR: 'part of the path is a file',
    EACCES: 'permission denied',
    EPERM: 'permission denied',
    EROFS: 'the disk is read-only',
    ENOSPC: 'the disk is full',
    EDQUOT: 'the disk is full'
  }
  return new HyperfoldError('DATA_DIR_NOT_WRITABLE', `Cannot use ${dir} as data dir: ${why[code] ?? code}.`)
}
