import { describe, expect, test } from 'vitest'
import path from 'path'
import Corestore from 'corestore'
import Hyperbee from 'hyperbee'
import RocksDB from 'rocksdb-native'
import { openLegacyIndex } from '../../../main/core/folder/legacy-index'
import { type IndexRecord, LocalIndex, openIndexDb } from '../../../main/core/folder/local-index'
import { scratch } from '../../helpers/scratch'

const { tempDir, cleanups } = scratch('hyperfold-index-')

const file = (size: number, dev = 1): IndexRecord => ({ kind: 'file', size, mtimeMs: 1, vv: { dev } })
const dir = (): IndexRecord => ({ kind: 'directory', size: 0, mtimeMs: 0, vv: { dev: 1 } })
const deleted = (dev: number): IndexRecord => ({ kind: 'deleted', size: 0, mtimeMs: 0, vv: { dev } })

// One node's index database and a folder's index in it, closed the way a node closes them (folders first).
async function open(dbDir: string, folderId = 'folder', legacy: Corestore | null = null): Promise<{ db: RocksDB; index: LocalIndex; close(): Promise<void> }> {
  const db = await openIndexDb(dbDir)
  const index = new LocalIndex(db, folderId, legacy)
  await index.ready()
  let closed = false
  const close = async (): Promise<void> => {
    if (closed) return
    closed = true
    await index.close()
    await db.close()
  }
  cleanups.push(close)
  return { db, index, close }
}

async function all(index: LocalIndex, under?: string): Promise<[string, IndexRecord][]> {
  const out: [string, IndexRecord][] = []
  for await (const entry of index.records(under)) out.push(entry)
  return out
}

// Counts the reads an index makes of db (it reads through a session) and their batches, and can
// hold their answers back until released.
function watchReads(db: RocksDB): { batches: number; count: number; answered: number; hold(): () => void } {
  const watch = { batches: 0, count: 0, answered: 0, held: null as Promise<void> | null, hold: () => () => {} }
  watch.hold = () => {
    let release!: () => void
    watch.held = new Promise((resolve) => (release = resolve))
    return release
  }
  const session = db.session.bind(db)
  const watched = new WeakSet<object>() // RocksDB hands its batches out again, to any session
  db.session = (...args: Parameters<RocksDB['session']>) => {
    const s = session(...args)
    const read = s.read.bind(s)
    s.read = (...readArgs: Parameters<RocksDB['read']>) => {
      const batch = read(...readArgs)
      watch.batches++
      if (watched.has(batch)) return batch
      watched.add(batch)
      const get = batch.get.bind(batch)
      batch.get = (key: string | Buffer) => {
        watch.count++
        const answer = get(key)
        void answer.then(() => watch.answered++, () => watch.answered++)
        const held = watch.held
        return held === null ? answer : held.then(() => answer)
      }
      return batch
    }
    return s
  }
  return watch
}

// A folder's index on a database whose reads are watched; reopen() opens
// another index of the folder on it, as a restart would.
async function openWatched(): Promise<{ index: LocalIndex; reads: ReturnType<typeof watchReads>; reopen(): Promise<LocalIndex> }> {
  const db = await openIndexDb(await tempDir())
  const reads = watchReads(db)
  const indexes: LocalIndex[] = []
  cleanups.push(async () => {
    for (const index of indexes) await index.close()
    await db.close()
  })
  const reopen = async (): Promise<LocalIndex> => {
    const index = new LocalIndex(db, 'folder')
    indexes.push(index)
    await index.ready()
    return index
  }
  return { index: await reopen(), reads, reopen }
}

// The Hyperbee an older version kept a folder's index in.
async function legacyBee(storeDir: string, folderId: string, entries: [string, unknown][]): Promise<void> {
  const store = new Corestore(storeDir)
  const bee = new Hyperbee(store.namespace(`hyperfold/index/${folderId}`).get({ name: 'index' }), { keyEncoding: 'utf-8', valueEncoding: 'json' })
  const batch = bee.batch()
  for (const [key, value] of entries) await batch.put(key, value)
  await batch.flush()
  await bee.close()
  await store.close()
}

describe('LocalIndex on the node index database', () => {
  test('records, watermarks, manifests, locations and totals survive a restart as flushed', async () => {
    const dbDir = await tempDir()
    const first = await open(dbDir)
    const { index } = first
    index.put('/a.txt', file(10), null)
    index.put('/b.sync-conflict-20260101-100000-dev.txt', file(5), null)
    index.put('/dir', dir(), null)
    index.put('/dir/x.txt', file(1), null)
    index.put('/dir/sub/y.txt', file(2), null)
    index.put('/dir-other.txt', file(3), null) // sorts between '/dir/' and '/dir0', not under /dir
    index.put('/dir0', file(4), null)
    index.setWatermark('writer', 7)
    index.setManifest('/a.txt', { writer: 'w', size: 10, text: 'x' })
    index.setLocation('abcd', '/a.txt')
    index.markConflictHandled('/a.txt', 'k1')
    await index.flush()
    index.put('/a.txt', deleted(2), file(10))
    index.setManifest('/a.txt', null)
    await index.flush()
    await first.close()

    const { index: again } = await open(dbDir)
    expect(again.totals).toEqual({ files: 5, bytes: 15, conflicts: 1 })
    expect(await again.get('/a.txt')).toEqual(deleted(2))
    expect(await again.get('/dir/x.txt')).toEqual(file(1))
    expect(await again.get('/nothing')).toBeNull()
    expect(await again.watermark('writer')).toBe(7)
    expect(await again.watermark('other')).toBe(0)
    expect(await again.manifest('/a.txt')).toBeNull()
    expect(await again.locate('abcd')).toBe('/a.txt')
    expect(await again.conflictHandled('/a.txt', 'k1')).toBe(true)
    expect(await again.conflictHandled('/a.txt', 'k2')).toBe(false)
    expect((await all(again)).map(([p]) => p)).toEqual([
      '/a.txt',
      '/b.sync-conflict-20260101-100000-dev.txt',
      '/dir',
      '/dir-other.txt',
      '/dir/sub/y.txt',
      '/dir/x.txt',
      '/dir0'
    ])
    expect(await all(again, '/dir')).toEqual([
      ['/dir/sub/y.txt', file(2)],
      ['/dir/x.txt', file(1)]
    ])
    expect(await all(again, '/dir/sub')).toEqual([['/dir/sub/y.txt', file(2)]])
  })

  test('reads see writes not yet flushed; records() lists the flushed ones only', async () => {
    const { index } = await open(await tempDir())
    index.put('/a.txt', file(3), null)
    index.setWatermark('w', 2)
    index.setManifest('/a.txt', { writer: 'w', size: 3, text: 'abc' })
    index.setLocation('ff', '/a.txt')
    index.markConflictHandled('/a.txt', 'k')
    expect(await index.get('/a.txt')).toEqual(file(3))
    expect(await index.watermark('w')).toBe(2)
    expect(await index.manifest('/a.txt')).toEqual({ writer: 'w', size: 3, text: 'abc' })
    expect(await index.locate('ff')).toBe('/a.txt')
    expect(await index.conflictHandled('/a.txt', 'k')).toBe(true)
    expect(index.totals).toEqual({ files: 1, bytes: 3, conflicts: 0 })
    expect(await all(index)).toEqual([])
    await index.flush()
    expect(await all(index)).toEqual([['/a.txt', file(3)]])
  })

  test('what was read or written last is answered from memory, absent keys too', async () => {
    const { index, reads } = await openWatched()
    index.put('/a.txt', file(3), null)
    await index.flush()
    const before = reads.count
    expect(await index.get('/a.txt')).toEqual(file(3)) // written: no read
    expect(await index.get('/b.txt')).toBeNull()
    expect(await index.locate('ee')).toBeNull()
    expect(reads.count - before).toBe(2)
    expect(await index.get('/b.txt')).toBeNull() // asked before: no read
    expect(await index.locate('ee')).toBeNull()
    expect(reads.count - before).toBe(2)
  })

  test('prefetch reads the records of many paths in one batch; get then finds them in memory', async () => {
    const { index, reads, reopen } = await openWatched()
    index.put('/a.txt', file(1), null)
    index.put('/b.txt', file(2), null)
    await index.flush()
    const restarted = await reopen()
    const [batches, gets] = [reads.batches, reads.count]
    await restarted.prefetch(['/a.txt', '/b.txt', '/missing.txt'])
    expect([reads.batches - batches, reads.count - gets]).toEqual([1, 3])
    expect(await restarted.get('/a.txt')).toEqual(file(1))
    expect(await restarted.get('/b.txt')).toEqual(file(2))
    expect(await restarted.get('/missing.txt')).toBeNull()
    expect([reads.batches - batches, reads.count - gets]).toEqual([1, 3])
  })

  test('a read answered after a flush that replaced its key is not kept', async () => {
    const { index, reads, reopen } = await openWatched()
    index.put('/a.txt', file(3), null)
    await index.flush()
    const restarted = await reopen() // nothing of /a.txt in its memory
    const release = reads.hold()
    const early = restarted.get('/a.txt')
    const answered = reads.answered
    while (reads.answered === answered) await new Promise((resolve) => setImmediate(resolve)) // the 3 bytes' record is read; the answer held
    restarted.put('/a.txt', file(9), null)
    await restarted.flush()
    release()
    expect(await early).toEqual(file(3))
    expect(await restarted.get('/a.txt')).toEqual(file(9))
  })

  test('two puts at one path that both read the same record before either wrote count it once', async () => {
    const { index } = await open(await tempDir())
    index.put('/p', file(100), null)
    await index.flush()
    const read = await index.get('/p')
    index.put('/p', { kind: 'directory', size: 0, mtimeMs: 0, vv: {} }, read) // a parent repaired...
    index.put('/p', { kind: 'directory', size: 0, mtimeMs: 0, vv: {} }, read) // ...while the pull applies it too
    expect(index.totals).toEqual({ files: 0, bytes: 0, conflicts: 0 })
    index.put('/p', file(7), read)
    expect(index.totals).toEqual({ files: 1, bytes: 7, conflicts: 0 })
  })

  test('a crash before the flush loses the writes held in memory, and only those', async () => {
    const dbDir = await tempDir()
    const first = await open(dbDir)
    first.index.put('/kept.txt', file(4), null)
    await first.index.flush()
    // Appended to the drive, then the process stops before the index is flushed.
    first.index.put('/kept.txt', file(40, 2), file(4))
    first.index.put('/lost.txt', file(9), null)
    first.index.setWatermark('w', 5)
    await first.close()

    const { index } = await open(dbDir)
    expect(await index.get('/lost.txt')).toBeNull() // so the start-up scan derives it again from the drive and the disk
    expect(await index.get('/kept.txt')).toEqual(file(4))
    expect(await index.watermark('w')).toBe(0)
    expect(index.totals).toEqual({ files: 1, bytes: 4, conflicts: 0 })
  })

  test('a flush that fails keeps its writes for the next flush, newer writes winning', async () => {
    const dbDir = await tempDir()
    const first = await open(dbDir)
    const { index } = first
    index.put('/a.txt', file(1), null)
    index.put('/bad.txt', { ...file(2), vv: { dev: 1n as unknown as number } }, null) // a value that cannot be written
    await expect(index.flush()).rejects.toThrow()
    expect(await index.get('/a.txt')).toEqual(file(1))
    index.put('/bad.txt', file(2, 2), null)
    await index.flush()
    await first.close()

    const { index: again } = await open(dbDir)
    expect(await all(again)).toEqual([
      ['/a.txt', file(1)],
      ['/bad.txt', file(2, 2)]
    ])
  })

  test('a database that refuses the write leaves the batch pending and readable', async () => {
    const dbDir = await tempDir()
    const first = await open(dbDir)
    first.index.put('/a.txt', file(1), null)
    await first.index.flush()
    await first.close()

    const db = new RocksDB(dbDir, { readOnly: true })
    await db.ready()
    const index = new LocalIndex(db, 'folder')
    cleanups.push(async () => (await index.close(), await db.close()))
    await index.ready()
    index.put('/b.txt', file(2), null)
    await expect(index.flush()).rejects.toThrow()
    expect(await index.get('/b.txt')).toEqual(file(2))
    expect(index.totals).toEqual({ files: 2, bytes: 3, conflicts: 0 })
  })

  test('records() walks many batches whole and in order, the next read while the last is used', async () => {
    const { index } = await open(await tempDir())
    const paths = Array.from({ length: 5000 }, (_, i) => `/f${String(i).padStart(5, '0')}`)
    for (const p of paths) index.put(p, file(1), null)
    await index.flush()
    const seen: string[] = []
    for await (const [p] of index.records()) {
      seen.push(p)
      if (seen.length % 700 === 0) await new Promise((resolve) => setTimeout(resolve, 1)) // a reader at work between records
    }
    expect(seen).toEqual(paths)
  })

  test('a walk its reader left part-way does not keep the database from closing', async () => {
    const { index, close } = await open(await tempDir())
    for (let i = 0; i < 3000; i++) index.put(`/f${i}`, file(1), null)
    await index.flush()
    const walk = index.records()[Symbol.asyncIterator]()
    expect((await walk.next()).value?.[0]).toBe('/f0') // a scan stopped here, never asking for the rest
    await close()
  })

  test("two folders' keys never mix, and forgetting one leaves the other", async () => {
    const dbDir = await tempDir()
    const db = await openIndexDb(dbDir)
    const a = new LocalIndex(db, 'folder')
    const b = new LocalIndex(db, 'folder2')
    cleanups.push(async () => (await a.close(), await b.close(), await db.close()))
    await a.ready()
    await b.ready()
    a.put('/same.txt', file(1), null)
    a.put('/only-a.txt', file(2), null)
    b.put('/same.txt', file(10, 2), null)
    a.setWatermark('w', 1)
    b.setWatermark('w', 9)
    await a.flush()
    await b.flush()
    expect(await all(a)).toEqual([
      ['/only-a.txt', file(2)],
      ['/same.txt', file(1)]
    ])
    expect(await all(b)).toEqual([['/same.txt', file(10, 2)]])
    expect(await b.get('/only-a.txt')).toBeNull()
    expect([await a.watermark('w'), await b.watermark('w')]).toEqual([1, 9])
    expect([a.totals, b.totals]).toEqual([
      { files: 2, bytes: 3, conflicts: 0 },
      { files: 1, bytes: 10, conflicts: 0 }
    ])

    await a.close()
    await LocalIndex.forget(db, 'folder')
    const a2 = new LocalIndex(db, 'folder')
    cleanups.push(() => a2.close())
    await a2.ready()
    expect(await all(a2)).toEqual([])
    expect(a2.totals).toEqual({ files: 0, bytes: 0, conflicts: 0 })
    expect(await all(b)).toEqual([['/same.txt', file(10, 2)]])
  })
})

describe('LocalIndex of a data dir from an older version', () => {
  test('takes every key of the old Hyperbee once, counts its totals, and deletes the old core', async () => {
    const base = await tempDir()
    const storeDir = path.join(base, 'corestore')
    await legacyBee(storeDir, 'folder', [
      ['p:/a.txt', file(3)],
      ['p:/sub', dir()],
      ['p:/sub/b.txt', file(4)],
      ['p:/gone.txt', deleted(2)],
      ['w:abc', 12],
      ['c:/a.txt', 'k'],
      ['m:/a.txt', { writer: 'w', size: 3, text: 'abc' }]
    ]) // written before totals were kept
    const store = new Corestore(storeDir)
    cleanups.push(() => store.close())

    const first = await open(path.join(base, 'index'), 'folder', store)
    expect(first.index.totals).toEqual({ files: 2, bytes: 7, conflicts: 0 })
    expect(await first.index.get('/gone.txt')).toEqual(deleted(2)) // so a file made there again descends from it
    expect(await first.index.watermark('abc')).toBe(12)
    expect(await first.index.conflictHandled('/a.txt', 'k')).toBe(true)
    expect(await first.index.manifest('/a.txt')).toEqual({ writer: 'w', size: 3, text: 'abc' })
    expect(await all(first.index, '/sub')).toEqual([['/sub/b.txt', file(4)]])
    first.index.put('/new.txt', file(1), null)
    await first.index.flush()
    await first.close()

    expect(await openLegacyIndex(store, 'folder')).toBeNull() // the old core is gone

    const { index } = await open(path.join(base, 'index'), 'folder', store)
    expect(index.totals).toEqual({ files: 3, bytes: 8, conflicts: 0 })
    expect((await all(index)).map(([p]) => p)).toEqual(['/a.txt', '/gone.txt', '/new.txt', '/sub', '/sub/b.txt'])
  })

  test('a copy cut short is made again whole, leaving nothing of the first try', async () => {
    const base = await tempDir()
    const storeDir = path.join(base, 'corestore')
    await legacyBee(storeDir, 'folder', [
      ['p:/a.txt', file(3)],
      ['t:', { files: 1, bytes: 3, conflicts: 0 }]
    ])
    // What a copy stopped half-way leaves: some keys, no adopted mark.
    const db = await openIndexDb(path.join(base, 'index'))
    await db.put('folder/p:/stray.txt', JSON.stringify(file(100)))
    await db.close()

    const store = new Corestore(storeDir)
    cleanups.push(() => store.close())
    const { index } = await open(path.join(base, 'index'), 'folder', store)
    expect(await all(index)).toEqual([['/a.txt', file(3)]])
    expect(index.totals).toEqual({ files: 1, bytes: 3, conflicts: 0 })
  })

  test('a new folder creates no core in the store looking for an old index', async () => {
    const base = await tempDir()
    const store = new Corestore(path.join(base, 'corestore'))
    cleanups.push(() => store.close())
    const { index } = await open(path.join(base, 'index'), 'fresh', store)
    expect(index.totals).toEqual({ files: 0, bytes: 0, conflicts: 0 })
    expect(await openLegacyIndex(store, 'fresh')).toBeNull()
  })
})
