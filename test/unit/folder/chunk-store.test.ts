// A folder's chunks on a real disk: stored by hash, checked on every read,
// swept when nothing keeps them.
import { createHash, randomBytes } from 'crypto'
import fs from 'fs/promises'
import path from 'path'
import { describe, expect, test } from 'vitest'
import { HyperfoldError } from '../../../contract/errors'
import { ChunkStore } from '../../../main/core/folder/chunk-store'
import { scratch } from '../../helpers/scratch'

const { tempDir } = scratch('hyperfold-chunks-')

const sha256 = (bytes: Uint8Array): Buffer => createHash('sha256').update(bytes).digest()

async function store(): Promise<ChunkStore> {
  return new ChunkStore(path.join(await tempDir(), 'chunks'))
}

function fileOf(chunks: ChunkStore, hash: Buffer): string {
  const hex = hash.toString('hex')
  return path.join(chunks.dir, hex.slice(0, 2), hex)
}

async function filesUnder(dir: string): Promise<string[]> {
  const entries = await fs.readdir(dir, { recursive: true, withFileTypes: true })
  return entries.filter((e) => e.isFile()).map((e) => path.relative(dir, path.join(e.parentPath, e.name)))
}

describe('ChunkStore put, get and has', () => {
  test('gives back a chunk it stored, by its hash, from a file named by it', async () => {
    const chunks = await store()
    const bytes = randomBytes(100_000)
    const hash = sha256(bytes)
    expect(await chunks.has(hash)).toBe(false)
    expect(await chunks.get(hash)).toBeNull()
    expect(await chunks.put(hash, bytes)).toBe(true)
    expect(await chunks.has(hash)).toBe(true)
    expect((await chunks.get(hash, bytes.length))!.equals(bytes)).toBe(true)
    expect(await filesUnder(chunks.dir)).toEqual([path.join(hash.toString('hex').slice(0, 2), hash.toString('hex'))])
    expect(await chunks.put(hash, bytes)).toBe(false)
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
    const damaged = Buffer.from(bytes)
    damaged[1234]! ^= 0xff
    await fs.writeFile(fileOf(chunks, hash), damaged)
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
    await fs.truncate(fileOf(chunks, hash), 100)
    expect(await chunks.get(hash, 5000)).toBeNull()
    expect(await chunks.has(hash)).toBe(false)
  })

  test('two puts of one chunk at once leave one valid file and one says it stored it', async () => {
    const chunks = await store()
    const bytes = randomBytes(300_000)
    const hash = sha256(bytes)
    const results = await Promise.all([chunks.put(hash, bytes), chunks.put(hash, Buffer.from(bytes))])
    expect(results.sort()).toEqual([false, true])
    expect(await filesUnder(chunks.dir)).toEqual([path.join(hash.toString('hex').slice(0, 2), hash.toString('hex'))])
    expect((await chunks.get(hash))!.equals(bytes)).toBe(true)
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
