// One folder's chunks on disk, each a file named by its SHA-256:
// <dir>/<first 2 hex>/<64 hex>. Every read checks the hash, so a chunk torn
// by a crash or damaged on the disk is dropped, never used. One store per
// directory per process: the data dir lock sees to it.
import fs from 'fs/promises'
import path from 'path'
import { HyperfoldError } from '../../../contract/errors'
import { HASH_BYTES, chunkHash } from './chunk-ref'
import { CHUNK_MIN } from './chunker'
import { io, now, pace } from './disk-io'

const CHUNK_NAME = /^[0-9a-f]{64}$/
const SUBDIR_NAME = /^[0-9a-f]{2}$/
// One bit per value of a hash's first 22 bits (512 KiB): a chunk whose bit is
// clear is not here, without a failed open. A device receiving a new 1 GiB
// file asks its store for 16,000 chunks it does not have; those opens were a
// third of its main thread. A set bit may be another chunk's (one in 40 with
// 100,000 chunks stored), and then the open answers.
const PRESENCE_BITS = 22
// Below the chunker's least chunk: only a small file's whole content.
const WRITE_NOW_BYTES = CHUNK_MIN

export class ChunkStore {
  readonly dir: string
  private readonly writing = new Map<string, Promise<boolean>>()
  // Chunks stored while a sweep runs: their owners may not be in its keep set yet.
  private storedDuringSweep: Set<string> | null = null
  private readonly subdirs = new Set<string>()
  private presence: Promise<Uint8Array> | null = null

  constructor(dir: string) {
    this.dir = dir
  }

  async has(hash: Buffer): Promise<boolean> {
    const file = this.fileOf(hash)
    if (file === null || !(await this.mayHold(hash))) return false
    return (await statOrNull(file)) !== null
  }

  // The chunk's bytes, or null when it is not here or no longer matches its hash.
  async get(hash: Buffer, size?: number): Promise<Buffer | null> {
    const file = this.fileOf(hash)
    if (file === null || !(await this.mayHold(hash))) return null
    let bytes: Buffer
    try {
      bytes = await fs.readFile(file)
    } catch (err) {
      if (isCode(err, 'ENOENT')) return null
      throw err
    }
    if ((size !== undefined && bytes.length !== size) || !chunkHash(bytes).equals(hash)) {
      await fs.rm(file, { force: true })
      return null
    }
    return bytes
  }

  // True when the chunk was not here before.
  // `hashed`: the caller has just computed `hash` from these very bytes (the
  // publisher's chunker), so a second pass over them proves nothing.
  async put(hash: Buffer, bytes: Uint8Array, opts: { hashed?: boolean } = {}): Promise<boolean> {
    if (hash.length !== HASH_BYTES || (opts.hashed !== true && !chunkHash(bytes).equals(hash))) {
      throw new HyperfoldError('PEER_DATA_INVALID', 'A chunk does not match its hash.')
    }
    const hex = hash.toString('hex')
    this.storedDuringSweep?.add(hex)
    const pending = this.writing.get(hex)
    if (pending !== undefined) return pending.then(() => false)
    const write = this.write(hex, bytes).finally(() => this.writing.delete(hex))
    this.writing.set(hex, write)
    const stored = await write
    setBit(await this.loadedPresence(), hash)
    return stored
  }

  // Removes every chunk keep() does not claim.
  async sweep(keep: (hashHex: string) => boolean, signal?: AbortSignal): Promise<{ removed: number; bytesFreed: number }> {
    const stored = new Set<string>()
    this.storedDuringSweep = stored
    let removed = 0
    let bytesFreed = 0
    try {
      for (const entry of await listDir(this.dir)) {
        signal?.throwIfAborted()
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

  // The hot path of publishing many small files, so three calls a chunk, no
  // temp file, each subdirectory made once. A small file's one chunk is
  // written synchronously (see disk-io's pace): the calls cost more than the
  // bytes. A big file's chunks go through the thread pool, where creating
  // 16,000 files for a GiB runs beside the hashing instead of after it. A
  // crash mid-write leaves a torn chunk under its name (as a rename without
  // fsync could), which its hash check on read drops.
  private async write(hex: string, bytes: Uint8Array): Promise<boolean> {
    const file = path.join(this.dir, hex.slice(0, 2), hex)
    await this.subdir(hex.slice(0, 2))
    const small = bytes.length < WRITE_NOW_BYTES
    if (small) await pace()
    let fd: number
    try {
      fd = small ? now.open(file, 'wx') : await io.open(file, 'wx')
    } catch (err) {
      if (!isCode(err, 'EEXIST')) throw err
      // A file of the right size is this chunk (or a torn one, which get drops); another one is replaced.
      if ((await statOrNull(file))?.size === bytes.length) return false
      await fs.rm(file, { force: true })
      return this.write(hex, bytes)
    }
    try {
      let done = 0
      while (done < bytes.length) done += small ? now.write(fd, bytes, done, bytes.length - done) : (await io.write(fd, bytes, done, bytes.length - done)).bytesWritten
    } catch (err) {
      await io.close(fd)
      await fs.rm(file, { force: true })
      throw err
    }
    if (small) now.close(fd)
    else await io.close(fd)
    return true
  }

  private async mayHold(hash: Buffer): Promise<boolean> {
    const bits = await this.loadedPresence()
    const at = bitOf(hash)
    return (bits[at >>> 3]! & (1 << (at & 7))) !== 0
  }

  // Built once from what the directory holds; every put since sets its bit.
  private loadedPresence(): Promise<Uint8Array> {
    this.presence ??= (async () => {
      const bits = new Uint8Array(1 << (PRESENCE_BITS - 3))
      for (const entry of await listDir(this.dir)) {
        if (!SUBDIR_NAME.test(entry)) continue
        for (const name of await listDir(path.join(this.dir, entry))) if (CHUNK_NAME.test(name)) setBit(bits, Buffer.from(name, 'hex'))
      }
      return bits
    })()
    return this.presence
  }

  private async subdir(name: string): Promise<void> {
    if (this.subdirs.has(name)) return
    await io.mkdir(path.join(this.dir, name), { recursive: true })
    this.subdirs.add(name)
  }

  private fileOf(hash: Buffer): string | null {
    if (hash.length !== HASH_BYTES) return null
    const hex = hash.toString('hex')
    return path.join(this.dir, hex.slice(0, 2), hex)
  }
}

function bitOf(hash: Buffer): number {
  return hash.readUIntBE(0, 3) >>> (24 - PRESENCE_BITS)
}

function setBit(bits: Uint8Array, hash: Buffer): void {
  const at = bitOf(hash)
  bits[at >>> 3]! |= 1 << (at & 7)
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
    return await io.lstat(file)
  } catch (err) {
    if (isCode(err, 'ENOENT')) return null
    throw err
  }
}

function isCode(err: unknown, code: string): boolean {
  return (err as NodeJS.ErrnoException | null)?.code === code
}

