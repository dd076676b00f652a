// The chunks of versions before packs (see chunk-store): one file each, named
// by its hash, at <dir>/<first 2 hex>/<64 hex>. Read, and removed when no
// longer kept; nothing new is written here.
import fs from 'fs/promises'
import path from 'path'
import { io, listDir } from './disk-io'

const CHUNK_NAME = /^[0-9a-f]{64}$/
const SUBDIR_NAME = /^[0-9a-f]{2}$/

export class ChunkFiles {
  private readonly dir: string

  constructor(dir: string) {
    this.dir = dir
  }

  async has(hex: string): Promise<boolean> {
    return (await statOrNull(this.fileOf(hex))) !== null
  }

  // The chunk's bytes when `fits` takes them; one it refuses (damaged, torn) is removed.
  async get(hex: string, fits: (bytes: Buffer) => boolean): Promise<Buffer | null> {
    let bytes: Buffer
    try {
      bytes = await fs.readFile(this.fileOf(hex))
    } catch (err) {
      if (isCode(err, 'ENOENT')) return null
      throw err
    }
    if (fits(bytes)) return bytes
    await fs.rm(this.fileOf(hex), { force: true })
    return null
  }

  async list(): Promise<string[]> {
    const found: string[] = []
    for (const entry of await listDir(this.dir)) {
      if (!SUBDIR_NAME.test(entry)) continue
      for (const name of await listDir(path.join(this.dir, entry))) if (CHUNK_NAME.test(name) && name.startsWith(entry)) found.push(name)
    }
    return found
  }

  async sweep(keep: (hex: string) => boolean, signal?: AbortSignal): Promise<{ removed: number; bytesFreed: number }> {
    let removed = 0
    let bytesFreed = 0
    for (const hex of await this.list()) {
      signal?.throwIfAborted()
      if (keep(hex)) continue
      const stat = await statOrNull(this.fileOf(hex))
      if (stat === null) continue
      await fs.rm(this.fileOf(hex), { force: true })
      removed++
      bytesFreed += stat.size
    }
    return { removed, bytesFreed }
  }

  async usage(): Promise<{ chunks: number; bytes: number }> {
    let chunks = 0
    let bytes = 0
    for (const hex of await this.list()) {
      const stat = await statOrNull(this.fileOf(hex))
      if (stat === null) continue
      chunks++
      bytes += stat.size
    }
    return { chunks, bytes }
  }

  private fileOf(hex: string): string {
    return path.join(this.dir, hex.slice(0, 2), hex)
  }
}

async function statOrNull(file: string): Promise<{ size: number } | null> {
  try {
    return await io.lstat(file)
  } catch (err) {
    if (isCode(err, 'ENOENT')) return null
    throw err
  }
}

function isCode(err: unknown, code: string): boolean {
  return (err as NodeJS.ErrnoException | null)?.code === code
}
