// One folder's chunks on disk, each a file named by its SHA-256:
// <dir>/<first 2 hex>/<64 hex>. A chunk is written to a temp file and renamed
// into place, so no partial chunk is ever seen under its name; without an
// fsync a crash may still leave a torn one, which fails its hash on read and
// is dropped. One store per directory per process: the data dir lock sees to it.
import { createHash, randomBytes } from 'crypto'
import fs from 'fs/promises'
import path from 'path'
import { HyperfoldError } from '../../../contract/errors'
import { HASH_BYTES } from './chunk-ref'

const TEMP_PREFIX = '.tmp-'
const CHUNK_NAME = /^[0-9a-f]{64}$/
const SUBDIR_NAME = /^[0-9a-f]{2}$/

export class ChunkStore {
  readonly dir: string
  private readonly writing = new Map<string, Promise<boolean>>()
  private readonly temps = new Set<string>()
  // Chunks stored while a sweep runs: their owners may not be in its keep set yet.
  private storedDuringSweep: Set<string> | null = null

  constructor(dir: string) {
    this.dir = dir
  }

  async has(hash: Buffer): Promise<boolean> {
    const file = this.fileOf(hash)
    if (file === null) return false
    return (await statOrNull(file)) !== null
  }

  // The chunk's bytes, or null when it is not here or no longer matches its hash.
  async get(hash: Buffer, size?: number): Promise<Buffer | null> {
    const file = this.fileOf(hash)
    if (file === null) return null
    let bytes: Buffer
    try {
      bytes = await fs.readFile(file)
    } catch (err) {
      if (isCode(err, 'ENOENT')) return null
      throw err
    }
    if ((size !== undefined && bytes.length !== size) || !sha256(bytes).equals(hash)) {
      await fs.rm(file, { force: true })
      return null
    }
    return bytes
  }

  // True when the chunk was not here before.
  async put(hash: Buffer, bytes: Uint8Array): Promise<boolean> {
    if (hash.length !== HASH_BYTES || !sha256(bytes).equals(hash)) {
      throw new HyperfoldError('PEER_DATA_INVALID', 'A chunk does not match its hash.')
    }
    const hex = hash.toString('hex')
    this.storedDuringSweep?.add(hex)
    const pending = this.writing.get(hex)
    if (pending !== undefined) return pending.then(() => false)
    const write = this.write(hex, bytes).finally(() => this.writing.delete(hex))
    this.writing.set(hex, write)
    return write
  }

  // Removes every chunk keep() does not claim, and temp files a crash left.
  async sweep(keep: (hashHex: string) => boolean, signal?: AbortSignal): Promise<{ removed: number; bytesFreed: number }> {
    const stored = new Set<string>()
    this.storedDuringSweep = stored
    let removed = 0
    let bytesFreed = 0
    try {
      for (const entry of await listDir(this.dir)) {
        signal?.throwIfAborted()
        if (entry.startsWith(TEMP_PREFIX) && !this.temps.has(entry)) {
          await fs.rm(path.join(this.dir, entry), { force: true })
          continue
        }
        if (!SUBDIR_NAME.test(entry)) continue
        for (const name of await listDir(path.join(this.dir, entry))) {
          signal?.throwIfAborted()
          if (!CHUNK_NAME.test(name) || !name.startsWith(entry) || keep(name) || stored.has(name)) continue
          const file = path.join(this.dir, entry, name)
          const stat = await statOrNull(file)
          if (stat === null) continue
          await fs.rm(file, { force: true })
          removed++
          bytesFreed += stat.size
        }
      }
    } finally {
      if (this.storedDuringSweep === stored) this.storedDuringSweep = null
    }
    return { removed, bytesFreed }
  }

  async usage(): Promise<{ chunks: number; bytes: number }> {
    let chunks = 0
    let bytes = 0
    for (const entry of await listDir(this.dir)) {
      if (!SUBDIR_NAME.test(entry)) continue
      for (const name of await listDir(path.join(this.dir, entry))) {
        if (!CHUNK_NAME.test(name)) continue
        const stat = await statOrNull(path.join(this.dir, entry, name))
        if (stat === null) continue
        chunks++
        bytes += stat.size
      }
    }
    return { chunks, bytes }
  }

  private async write(hex: string, bytes: Uint8Array): Promise<boolean> {
    const file = path.join(this.dir, hex.slice(0, 2), hex)
    // A file of the right size is this chunk (or a torn one, which get drops).
    if ((await statOrNull(file))?.size === bytes.length) return false
    const temp = `${TEMP_PREFIX}${randomBytes(8).toString('hex')}`
    const tempFile = path.join(this.dir, temp)
    this.temps.add(temp)
    try {
      await fs.mkdir(path.dirname(file), { recursive: true })
      await fs.writeFile(tempFile, bytes, { flag: 'wx' })
      await fs.rename(tempFile, file)
      return true
    } catch (err) {
      await fs.rm(tempFile, { force: true })
      throw err
    } finally {
      this.temps.delete(temp)
    }
  }

  private fileOf(hash: Buffer): string | null {
    if (hash.length !== HASH_BYTES) return null
    const hex = hash.toString('hex')
    return path.join(this.dir, hex.slice(0, 2), hex)
  }
}

function sha256(bytes: Uint8Array): Buffer {
  return createHash('sha256').update(bytes).digest()
}

async function listDir(dir: string): Promise<string[]> {
  try {
    return await fs.readdir(dir)
  } catch (err) {
    if (isCode(err, 'ENOENT')) return []
    throw err
  }
}

async function statOrNull(file: string): Promise<{ size: number } | null> {
  try {
    return await fs.stat(file)
  } catch (err) {
    if (isCode(err, 'ENOENT')) return null
    throw err
  }
}

function isCode(err: unknown, code: string): boolean {
  return (err as NodeJS.ErrnoException | null)?.code === code
}
