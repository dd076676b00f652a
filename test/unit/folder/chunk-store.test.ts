// A folder's chunks on a real disk: appended to packs, found by hash through
// the index database, checked on every read, swept when nothing keeps them.
import { createHash, randomBytes } from 'crypto'
import fs from 'fs/promises'
import path from 'path'
import { describe, expect, test } from 'vitest'
import type RocksDB from 'rocksdb-native'
import { HyperfoldError } from '../../../contract/errors'
import { ChunkStore } from '../../../main/core/folder/chunk-store'
import { openIndexDb } from '../../../main/core/folder/local-index'
import { scratch } from '../../helpers/scratch'

const { tempDir, cleanups } = scratch('hyperfold-chunks-')

const sha256 = (bytes: Uint8Array): Buffer => createHash('sha256').update(bytes).digest()

// A store and what it needs, closed after the test; `reopen` closes it and opens it again on the same disk.
async function opened(opts: { packBytes?: number } = {}): Promise<{ chunks: ChunkStore; reopen(): Promise<ChunkStore> }> {
  const dir = await tempDir()
  const db: RocksDB = await openIndexDb(path.join(dir, 'index'))
  let chunks = new ChunkStore(path.join(dir, 'chunks'), db, 'folder', opts)
  cleanups.push(async () => {
    await chunks.close()
    await db.close()
  })
  const reopen = async () => {
    await chunks.close()
    chunks = new ChunkStore(path.join(dir, 'chunks'), db, 'folder', opts)
    return chunks
  }
  return { chunks, reopen }
}

async function store(): Promise<ChunkStore> {
  return (await opened()).chunks
}

const packOf = (chunks: ChunkStore, n = 1): string => path.join(chunks.dir, 'packs', `${n}.pack`)

async function filesUnder(dir: string): Promise<string[]> {
  const entries = await fs.readdir(dir, { recursive: true, withFileTypes: true })
  return entries.filter((e) => e.isFile()).map((e) => path.relative(dir, path.join(e.parentPath, e.name))).sort()
}

describe('ChunkStore put, get and has', () => {
  test('holdsAll says whether every chunk named is here, before a flush, after one, and after a reopen', async () => {
    const { chunks: first, reopen } = await opened()
    const held = Array.from({ length: 40 }, () => randomBytes(20_000))
    for (const bytes of held) await first.put(sha256(bytes), bytes)
    const hashes = held.map(sha256)
    const stranger = sha256(randomBytes(20_000))
    expect(await first.holdsAll(hashes)).toBe(true) // their places still in memory
    expect(await first.holdsAll([...hashes, stranger])).toBe(false)
    await first.flush()
    expect(await first.holdsAll(hashes)).toBe(true) // read back in one batch
    const again = await reopen()
    expect(await again.holdsAll(hashes)).toBe(true)
    expect(await again.holdsAll([stranger, ...hashes])).toBe(false)
    expect(await again.holdsAll([Buffer.alloc(5)])).toBe(false)
  })

  test('gives back a chunk it stored, by its hash, from the pack it was appended to', async () => {
    const chunks = await store()
    const bytes = randomBytes(100_000)
    const hash = sha256(bytes)
    expect(await chunks.has(hash)).toBe(false)
    expect(await chunks.get(hash)).toBeNull()
    expect(await chunks.put(hash, bytes)).toBe(true)
    expect(await chunks.has(hash)).toBe(true)
    expect((await chunks.get(hash, bytes.length))!.equals(bytes)).toBe(true)
    expect(await filesUnder(chunks.dir)).toEqual([path.join('packs', '1.pack')])
    expect(await chunks.put(hash, bytes)).toBe(false)
    expect((await fs.stat(packOf(chunks))).size).toBe(100_000)
    expect(await chunks.usage()).toEqual({ chunks: 1, bytes: 100_000 })
  })

  test('refuses bytes that are not what their hash names, and stores nothing', async () => {
    const chunks = await store()
    const bytes = randomBytes(1000)
    const err = await chunks.put(sha256(Buffer.from('other bytes')), bytes).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(HyperfoldError)
    expect((err as HyperfoldError).code).toBe('PEER_DATA_INVALID')
    expect(await chunks.usage()).toEqual({ chunks: 0, bytes: 0 })
  })

  test('drops a chunk damaged on disk, and a later put stores it again', async () => {
    const chunks = await store()
    const bytes = randomBytes(5000)
    const hash = sha256(bytes)
    await chunks.put(hash, bytes)
    const pack = await fs.open(packOf(chunks), 'r+')
    await pack.write(Buffer.from([bytes[1234]! ^ 0xff]), 0, 1, 1234)
    await pack.close()
    expect(await chunks.get(hash)).toBeNull()
    expect(await chunks.has(hash)).toBe(false)
    expect(await chunks.put(hash, bytes)).toBe(true)
    expect((await chunks.get(hash))!.equals(bytes)).toBe(true)
  })

  test('drops a chunk torn short on disk when asked for it by size', async () => {
    const chunks = await store()
    const bytes = randomBytes(5000)
    const hash = sha256(bytes)
    await chunks.put(hash, bytes)
    await fs.truncate(packOf(chunks), 100)
    expect(await chunks.get(hash, 5000)).toBeNull()
    expect(await chunks.has(hash)).toBe(false)
  })

  test('two puts of one chunk at once store it once and one says it stored it', async () => {
    const chunks = await store()
    const bytes = randomBytes(300_000)
    const hash = sha256(bytes)
    const results = await Promise.all([chunks.put(hash, bytes), chunks.put(hash, Buffer.from(bytes))])
    expect(results.sort()).toEqual([false, true])
    expect((await fs.stat(packOf(chunks))).size).toBe(300_000)
    expect((await chunks.get(hash))!.equals(bytes)).toBe(true)
  })

  test('what it stored is found again after a restart, and what it stores then goes after it', async () => {
    const { chunks, reopen } = await opened()
    const [first, second] = [randomBytes(2000), randomBytes(70_000)]
    await chunks.put(sha256(first), first)
    const again = await reopen()
    expect((await again.get(sha256(first), 2000))!.equals(first)).toBe(true)
    expect(await again.put(sha256(second), second)).toBe(true)
    const last = await reopen()
    expect((await last.get(sha256(first)))!.equals(first)).toBe(true)
    expect((await last.get(sha256(second)))!.equals(second)).toBe(true)
    expect(await filesUnder(last.dir)).toEqual([path.join('packs', '1.pack')])
  })

  test('reads and sweeps the one-file-per-chunk layout of older versions, and writes none', async () => {
    const { chunks } = await opened()
    const [old, gone, fresh] = [randomBytes(3000), randomBytes(4000), randomBytes(5000)]
    for (const bytes of [old, gone]) {
      const hex = sha256(bytes).toString('hex')
      await fs.mkdir(path.join(chunks.dir, hex.slice(0, 2)), { recursive: true })
      await fs.writeFile(path.join(chunks.dir, hex.slice(0, 2), hex), bytes)
    }
    expect((await chunks.get(sha256(old), 3000))!.equals(old)).toBe(true)
    expect(await chunks.put(sha256(old), old)).toBe(false)
    expect(await chunks.put(sha256(fresh), fresh)).toBe(true)
    expect(await chunks.sweep((hex) => hex !== sha256(gone).toString('hex'))).toEqual({ removed: 1, bytesFreed: 4000 })
    expect(await chunks.has(sha256(gone))).toBe(false)
    expect(await chunks.usage()).toEqual({ chunks: 2, bytes: 8000 })
  })
})

describe('ChunkStore sweep(keep)', () => {
  test('keeps exactly the chunks kept and frees the rest', async () => {
    const chunks = await store()
    const all = Array.from({ length: 20 }, (_, i) => randomBytes(1000 + i))
    for (const bytes of all) await chunks.put(sha256(bytes), bytes)
    const kept = new Set(all.slice(0, 7).map((b) => sha256(b).toString('hex')))
    const freed = all.slice(7).reduce((sum, b) => sum + b.length, 0)

    expect(await chunks.sweep((hex) => kept.has(hex))).toEqual({ removed: 13, bytesFreed: freed })

    for (const bytes of all) expect(await chunks.has(sha256(bytes))).toBe(kept.has(sha256(bytes).toString('hex')))
    expect(await chunks.usage()).toEqual({ chunks: 7, bytes: all.slice(0, 7).reduce((sum, b) => sum + b.length, 0) })
  })

  test('of a store never written finds nothing to do', async () => {
    const chunks = await store()
    expect(await chunks.sweep(() => false)).toEqual({ removed: 0, bytesFreed: 0 })
    expect(await chunks.usage()).toEqual({ chunks: 0, bytes: 0 })
  })

  test('keeps a chunk stored again while it runs, though its keep set was taken before', async () => {
    const chunks = await store()
    const old = randomBytes(1000)
    const fresh = randomBytes(1000)
    await chunks.put(sha256(old), old)
    await chunks.put(sha256(fresh), fresh)
    let again: Promise<boolean> | null = null
    const result = await chunks.sweep(() => {
      again ??= chunks.put(sha256(fresh), fresh)
      return false
    })
    expect(await again).toBe(false)
    expect(result).toEqual({ removed: 1, bytesFreed: 1000 })
    expect(await chunks.has(sha256(old))).toBe(false)
    expect(await chunks.has(sha256(fresh))).toBe(true)
  })

  test('copies what a mostly emptied pack still holds into the pack being written, and removes it', async () => {
    const { chunks, reopen } = await opened({ packBytes: 100_000 })
    const all = Array.from({ length: 12 }, () => randomBytes(30_000)) // three to a pack: packs 1 to 4
    for (const bytes of all) await chunks.put(sha256(bytes), bytes)
    expect(await filesUnder(path.join(chunks.dir, 'packs'))).toEqual(['1.pack', '2.pack', '3.pack', '4.pack'])
    const kept = new Set([all[0]!, all[3]!, all[4]!].map((b) => sha256(b).toString('hex'))) // a third of pack 1, two thirds of pack 2

    expect(await chunks.sweep((hex) => kept.has(hex))).toEqual({ removed: 9, bytesFreed: 270_000 })

    // Pack 1 went (its one chunk moved on), pack 2 stayed, 3 held nothing kept; 4 is being written and stays.
    expect(await filesUnder(path.join(chunks.dir, 'packs'))).toEqual(['2.pack', '4.pack', '5.pack'])
    const after = await reopen()
    for (const bytes of all) {
      const hash = sha256(bytes)
      expect(await after.has(hash)).toBe(kept.has(hash.toString('hex')))
      if (kept.has(hash.toString('hex'))) expect((await after.get(hash, bytes.length))!.equals(bytes)).toBe(true)
    }
    expect(await after.usage()).toEqual({ chunks: 3, bytes: 90_000 })
  })

  test('stops when its signal is aborted', async () => {
    const chunks = await store()
    const bytes = randomBytes(10)
    await chunks.put(sha256(bytes), bytes)
    const controller = new AbortController()
    controller.abort(new Error('stopped'))
    await expect(chunks.sweep(() => false, controller.signal)).rejects.toThrow('stopped')
    expect(await chunks.has(sha256(bytes))).toBe(true)
  })
})
