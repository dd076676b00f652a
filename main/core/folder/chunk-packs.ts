// The files a chunk store keeps its chunks in: append-only packs,
// <dir>/<n>.pack, each chunk's bytes at an offset in one of them (the store's
// index says where). One file per chunk cost a create, a write and a close
// each, 180 µs on ext4 here: two fifths of a first share of 10,000 small files,
// 1.3 s of a 1 GiB one. Appended to a pack, a chunk costs one positioned write.
// A pack is never rewritten in place; the store's sweep copies what is still
// kept out of a mostly dead pack and then removes it.
import path from 'path'
import fs from 'fs/promises'
import { CHUNK_MIN } from './chunk-cuts'
import { io, listDir, now, pace, readFull } from './disk-io'

// A pack takes no more once it is this long; a sweep's copy of what a pack
// still holds reads and writes at most this much.
const PACK_BYTES = 64 << 20
const PACK_NAME = /^(\d{1,9})\.pack$/
// Below the chunker's least chunk (only a small file's whole content) a chunk
// is written synchronously (see disk-io's pace): the call costs more than its bytes.
const WRITE_NOW_BYTES = CHUNK_MIN

export interface PackPlace {
  pack: number
  offset: number
  size: number
}

export class ChunkPacks {
  readonly dir: string
  private readonly packBytes: number
  // Read-only descriptors of full packs; the pack being written has its own.
  private readonly readers = new Map<number, number>()
  private writer: { pack: number; fd: number; end: number } | null = null
  private opening: Promise<void> | null = null

  constructor(dir: string, packBytes = PACK_BYTES) {
    this.dir = dir
    this.packBytes = packBytes
  }

  // Room is taken before the write starts, so writes at once never overlap.
  async append(bytes: Uint8Array): Promise<PackPlace> {
    const { pack, fd, offset } = await this.reserve(bytes.length)
    let done = 0
    if (bytes.length < WRITE_NOW_BYTES) {
      await pace()
      while (done < bytes.length) done += now.write(fd, bytes, done, bytes.length - done, offset + done)
    } else {
      while (done < bytes.length) done += (await io.write(fd, bytes, done, bytes.length - done, offset + done)).bytesWritten
    }
    return { pack, offset, size: bytes.length }
  }

  // Null when the pack is gone (a sweep removed it) or ends before the chunk does.
  async read(place: PackPlace): Promise<Buffer | null> {
    const fd = place.pack === this.writer?.pack ? this.writer.fd : await this.readerOf(place.pack)
    if (fd === null) return null
    const bytes = Buffer.allocUnsafe(place.size)
    const got = await readFull(fd, bytes, 0, place.size, place.offset)
    return got === place.size ? bytes : null
  }

  // Every pack but the one being written, with its length.
  async full(): Promise<Map<number, number>> {
    const sizes = new Map<number, number>()
    for (const pack of await this.numbers()) {
      if (pack === this.writer?.pack) continue
      const stats = await io.lstat(this.fileOf(pack)).catch(() => null)
      if (stats !== null) sizes.set(pack, stats.size)
    }
    return sizes
  }

  // A read that found its descriptor before the removal still reads from it.
  async remove(pack: number): Promise<void> {
    if (pack === this.writer?.pack) return
    const fd = this.readers.get(pack)
    this.readers.delete(pack)
    await fs.rm(this.fileOf(pack), { force: true })
    if (fd !== undefined) await io.close(fd)
  }

  async close(): Promise<void> {
    const fds = [...this.readers.values(), ...(this.writer === null ? [] : [this.writer.fd])]
    this.readers.clear()
    this.writer = null
    for (const fd of fds) await io.close(fd)
  }

  private async reserve(size: number): Promise<{ pack: number; fd: number; offset: number }> {
    while (this.writer === null || (this.writer.end > 0 && this.writer.end + size > this.packBytes)) {
      this.opening ??= this.openNext().finally(() => (this.opening = null))
      await this.opening
    }
    const offset = this.writer.end
    this.writer.end += size
    return { pack: this.writer.pack, fd: this.writer.fd, offset }
  }

  // At the start the last pack, while it has room; a new one after it otherwise.
  private async openNext(): Promise<void> {
    await io.mkdir(this.dir, { recursive: true })
    const last = Math.max(0, ...(await this.numbers()))
    if (this.writer === null && last > 0) {
      const fd = await io.open(this.fileOf(last), 'r+')
      const { size } = now.fstat(fd)
      if (size < this.packBytes) {
        this.writer = { pack: last, fd, end: size }
        return
      }
      await io.close(fd)
    }
    const full = this.writer
    const pack = last + 1
    this.writer = { pack, fd: await io.open(this.fileOf(pack), 'wx+'), end: 0 }
    if (full !== null) this.readers.set(full.pack, full.fd) // read on from the descriptor it was written through
  }

  private async readerOf(pack: number): Promise<number | null> {
    const open = this.readers.get(pack)
    if (open !== undefined) return open
    let fd: number
    try {
      fd = await io.open(this.fileOf(pack), 'r')
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null
      throw err
    }
    if (!this.readers.has(pack)) this.readers.set(pack, fd)
    else await io.close(fd) // opened twice at once: the first stays
    return this.readers.get(pack)!
  }

  private async numbers(): Promise<number[]> {
    return (await listDir(this.dir)).map(packOf).filter((n): n is number => n !== null)
  }

  private fileOf(pack: number): string {
    return path.join(this.dir, `${pack}.pack`)
  }
}

function packOf(name: string): number | null {
  const match = PACK_NAME.exec(name)
  return match === null ? null : Number(match[1])
}
