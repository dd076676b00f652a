// One folder's chunks on disk, by SHA-256: appended to pack files (see
// chunk-packs), with where each one is kept in the node's index database,
// under a prefix of their own: a folder removed keeps its history, as its
// packs stay, and synced again finds it. Every
// read checks the hash, so a chunk torn by a crash or damaged on the disk is
// dropped, never used. One store per folder per process: the data dir lock
// sees to it.
//
// Chunks written by versions before packs, one file each at
// <dir>/<first 2 hex>/<64 hex>, are still read and swept; none is written.
import path from 'path'
import type RocksDB from 'rocksdb-native'
import { HyperfoldError } from '../../../contract/errors'
import { HASH_BYTES, chunkHash } from './chunk-ref'
import { ChunkPacks, type PackPlace } from './chunk-packs'
import { ChunkFiles } from './chunk-files'

// One bit per value of a hash's first 22 bits (512 KiB): a chunk whose bit is
// clear is not here, without a lookup. A device receiving a new 1 GiB file
// asks its store for 16,000 chunks it does not have. A set bit may be another
// chunk's (one in 40 with 100,000 chunks stored), and then the lookup answers.
const PRESENCE_BITS = 22
// Places not yet written to the database, at most: reads see them meanwhile.
const PENDING_PLACES = 1024
// A pack whose kept chunks are less than this share of it is copied out and removed by a sweep.
const COMPACT_BELOW = 0.5
const PLACE_BYTES = 14

export class ChunkStore {
  readonly dir: string
  private readonly db: RocksDB
  private readonly prefix: string
  private readonly packs: ChunkPacks
  private readonly files: ChunkFiles
  private readonly writing = new Map<string, Promise<boolean>>()
  // Places written or dropped since the last flush (null: dropped), and
  // those of flushes not done yet: reads look there first.
  private pending = new Map<string, PackPlace | null>()
  private readonly flushing: Map<string, PackPlace | null>[] = []
  private flushed: Promise<void> = Promise.resolve()
  // Chunks stored while a sweep runs: their owners may not be in its keep set yet.
  private storedDuringSweep: Set<string> | null = null
  private presence: Promise<Uint8Array> | null = null

  // `packBytes`: how long a pack grows (see chunk-packs); smaller in tests, to fill a few.
  constructor(dir: string, db: RocksDB, folderId: string, opts: { packBytes?: number } = {}) {
    this.dir = dir
    this.db = db.session()
    this.prefix = `chunks/${folderId}/`
    this.packs = new ChunkPacks(path.join(dir, 'packs'), opts.packBytes)
    this.files = new ChunkFiles(dir)
  }

  async has(hash: Buffer): Promise<boolean> {
    if (hash.length !== HASH_BYTES || !(await this.mayHold(hash))) return false
    const hex = hash.toString('hex')
    return (await this.placeOf(hex)) !== null || (await this.files.has(hex))
  }

  // Whether every chunk named is here: one batch of lookups for a 1 GiB
  // file's 16,000, not a read each.
  async holdsAll(hashes: Buffer[]): Promise<boolean> {
    const bits = await this.loadedPresence()
    const unknown: string[] = []
    for (const hash of hashes) {
      if (hash.length !== HASH_BYTES || !hasBit(bits, hash)) return false
      const hex = hash.toString('hex')
      const held = this.heldPlace(hex)
      if (held === null) return false
      if (held === undefined) unknown.push(hex)
    }
    if (unknown.length === 0) return true
    const batch = this.db.read({ capacity: unknown.length, autoDestroy: true })
    const values = unknown.map((hex) => batch.get(this.prefix + hex))
    batch.tryFlush()
    for (const [i, value] of (await Promise.all(values)).entries()) {
      if (decodePlace(value) === null && !(await this.files.has(unknown[i]!))) return false
    }
    return true
  }

  // The chunk's bytes, or null when it is not here or no longer matches its hash.
  async get(hash: Buffer, size?: number): Promise<Buffer | null> {
    if (hash.length !== HASH_BYTES || !(await this.mayHold(hash))) return null
    const hex = hash.toString('hex')
    const fits = (bytes: Buffer) => (size === undefined || bytes.length === size) && chunkHash(bytes).equals(hash)
    // Twice: a sweep may have moved the chunk to another pack between the lookup and the read.
    for (let attempt = 0; attempt < 2; attempt++) {
      const place = await this.placeOf(hex)
      if (place === null) return this.files.get(hex, fits)
      const bytes = await this.packs.read(place)
      if (bytes !== null && fits(bytes)) return bytes
      if (bytes !== null || samePlace(place, await this.placeOf(hex))) {
        this.drop(hex)
        return null
      }
    }
    return null
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
    const write = this.write(hash, hex, bytes).finally(() => this.writing.delete(hex))
    this.writing.set(hex, write)
    return write
  }

  // Writes the places of what was stored since the last flush. The publisher
  // calls it before it appends the entries that name the chunks.
  flush(): Promise<void> {
    if (this.pending.size === 0) return this.flushed
    const places = this.pending
    this.pending = new Map()
    const batch = this.db.write({ capacity: places.size, autoDestroy: true })
    for (const [hex, place] of places) {
      if (place === null) batch.tryDelete(this.prefix + hex)
      else batch.tryPut(this.prefix + hex, encodePlace(place))
    }
    this.flushing.push(places)
    const flushed = this.flushed
      .then(() => batch.flush())
      .catch((err: unknown) => {
        for (const [hex, place] of places) if (!this.pending.has(hex)) this.pending.set(hex, place) // for the next flush, newer ones winning
        throw err
      })
      .finally(() => this.flushing.splice(this.flushing.indexOf(places), 1))
    this.flushed = flushed.catch(() => undefined)
    return flushed
  }

  // Removes every chunk keep() does not claim, then copies what packs mostly
  // emptied still hold into the pack being written and removes them.
  // `bytesFreed`: what the chunks dropped took.
  async sweep(keep: (hashHex: string) => boolean, signal?: AbortSignal): Promise<{ removed: number; bytesFreed: number }> {
    const stored = new Set<string>()
    this.storedDuringSweep = stored
    try {
      await this.flush()
      const live = new Map<number, number>()
      let removed = 0
      let bytesFreed = 0
      for await (const [hex, place] of this.places()) {
        signal?.throwIfAborted()
        if (keep(hex) || stored.has(hex) || this.pending.has(hex)) {
          live.set(place.pack, (live.get(place.pack) ?? 0) + place.size)
          continue
        }
        this.drop(hex)
        removed++
        bytesFreed += place.size
      }
      const files = await this.files.sweep((hex) => keep(hex) || stored.has(hex), signal)
      await this.flush()
      await this.compact(live, signal)
      return { removed: removed + files.removed, bytesFreed: bytesFreed + files.bytesFreed }
    } finally {
      if (this.storedDuringSweep === stored) this.storedDuringSweep = null
    }
  }

  async usage(): Promise<{ chunks: number; bytes: number }> {
    await this.flush()
    const { chunks, bytes } = await this.files.usage()
    let count = chunks
    let total = bytes
    for await (const [, place] of this.places()) {
      count++
      total += place.size
    }
    return { chunks: count, bytes: total }
  }

  // A flush refused now loses where the last chunks are: their bytes stay in
  // a pack, unnamed, until a sweep removes it; their files or peers still have them.
  async close(): Promise<void> {
    await this.flush().catch(() => undefined)
    await this.packs.close()
    await this.db.close()
  }

  private async write(hash: Buffer, hex: string, bytes: Uint8Array): Promise<boolean> {
    if (await this.has(hash)) return false
    const place = await this.packs.append(bytes)
    this.pending.set(hex, place)
    setBit(await this.loadedPresence(), hash)
    if (this.pending.size >= PENDING_PLACES) await this.flush()
    return true
  }

  // Packs whose kept chunks fill less than COMPACT_BELOW of them.
  private async compact(live: Map<number, number>, signal?: AbortSignal): Promise<void> {
    const sparse = [...(await this.packs.full())].filter(([pack, size]) => (live.get(pack) ?? 0) < size * COMPACT_BELOW).map(([pack]) => pack)
    if (sparse.length === 0) return
    const moving = new Set(sparse)
    for await (const [hex, place] of this.places()) {
      signal?.throwIfAborted()
      if (!moving.has(place.pack) || this.pending.has(hex)) continue
      const bytes = await this.packs.read(place)
      if (bytes === null || !chunkHash(bytes).equals(Buffer.from(hex, 'hex'))) this.drop(hex)
      else this.pending.set(hex, await this.packs.append(bytes))
      if (this.pending.size >= PENDING_PLACES) await this.flush()
    }
    await this.flush()
    for (const pack of sparse) await this.packs.remove(pack)
  }

  private drop(hex: string): void {
    this.pending.set(hex, null)
  }

  private async placeOf(hex: string): Promise<PackPlace | null> {
    const held = this.heldPlace(hex)
    return held !== undefined ? held : decodePlace(await this.db.get(this.prefix + hex))
  }

  // Where a chunk is, from the places not written to the database yet; undefined when they say nothing of it.
  private heldPlace(hex: string): PackPlace | null | undefined {
    for (const places of [this.pending, ...this.flushing.toReversed()]) if (places.has(hex)) return places.get(hex)!
    return undefined
  }

  private async *places(): AsyncGenerator<[string, PackPlace]> {
    for await (const { key, value } of this.db.iterator({ gt: this.prefix, lt: this.prefix + '~' }, { capacity: 1024 })) {
      const hex = key.toString('utf8').slice(this.prefix.length)
      const place = decodePlace(value)
      if (place !== null && /^[0-9a-f]{64}$/.test(hex)) yield [hex, place]
    }
  }

  private async mayHold(hash: Buffer): Promise<boolean> {
    return hasBit(await this.loadedPresence(), hash)
  }

  // Built once from the places and the older chunk files; every put since sets its bit.
  private loadedPresence(): Promise<Uint8Array> {
    this.presence ??= (async () => {
      const bits = new Uint8Array(1 << (PRESENCE_BITS - 3))
      for await (const [hex] of this.places()) setBit(bits, Buffer.from(hex, 'hex'))
      for (const hex of await this.files.list()) setBit(bits, Buffer.from(hex, 'hex'))
      return bits
    })()
    return this.presence
  }
}

function encodePlace({ pack, offset, size }: PackPlace): Buffer {
  const out = Buffer.alloc(PLACE_BYTES)
  out.writeUInt32BE(pack, 0)
  out.writeUIntBE(offset, 4, 6)
  out.writeUInt32BE(size, 10)
  return out
}

// A value this version cannot read counts as absent: the chunk is fetched or archived again.
function decodePlace(value: Buffer | null): PackPlace | null {
  if (value === null || value.length !== PLACE_BYTES) return null
  return { pack: value.readUInt32BE(0), offset: value.readUIntBE(4, 6), size: value.readUInt32BE(10) }
}

function samePlace(a: PackPlace, b: PackPlace | null): boolean {
  return b !== null && a.pack === b.pack && a.offset === b.offset
}

function bitOf(hash: Buffer): number {
  return hash.readUIntBE(0, 3) >>> (24 - PRESENCE_BITS)
}

function hasBit(bits: Uint8Array, hash: Buffer): boolean {
  const at = bitOf(hash)
  return (bits[at >>> 3]! & (1 << (at & 7))) !== 0
}

function setBit(bits: Uint8Array, hash: Buffer): void {
  const at = bitOf(hash)
  bits[at >>> 3]! |= 1 << (at & 7)
}
