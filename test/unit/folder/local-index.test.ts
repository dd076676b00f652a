import { describe, expect, test } from 'vitest'
import Corestore from 'corestore'
import Hyperbee from 'hyperbee'
import { type IndexRecord, LocalIndex } from '../../../main/core/folder/local-index'
import { scratch } from '../../helpers/scratch'

const { tempDir } = scratch('hyperfold-index-')

const file = (size: number): IndexRecord => ({ kind: 'file', size, mtimeMs: 1, vv: { dev: 1 } })

async function reopened(dir: string): Promise<{ totals: LocalIndex['totals']; close(): Promise<void> }> {
  const store = new Corestore(dir)
  const index = new LocalIndex(store, 'folder')
  await index.ready()
  return { totals: index.totals, close: async () => (await index.close(), await store.close()) }
}

describe('LocalIndex totals', () => {
  test('survive a restart as they were at the last flush, conflict copies counted apart', async () => {
    const dir = await tempDir()
    const store = new Corestore(dir)
    const index = new LocalIndex(store, 'folder')
    await index.ready()
    index.put('/a.txt', file(10), null)
    index.put('/b.sync-conflict-20260101-100000-dev.txt', file(5), null)
    index.put('/dir', { kind: 'directory', size: 0, mtimeMs: 0, vv: { dev: 1 } }, null)
    await index.flush()
    index.put('/a.txt', { kind: 'deleted', size: 0, mtimeMs: 0, vv: { dev: 2 } }, file(10))
    await index.flush()
    index.put('/never-flushed.txt', file(99), null)
    await index.close()
    await store.close()

    const again = await reopened(dir)
    expect(again.totals).toEqual({ files: 1, bytes: 5, conflicts: 1 })
    await again.close()
  })

  test('an index written before totals were kept is counted record by record', async () => {
    const dir = await tempDir()
    const store = new Corestore(dir)
    const bee = new Hyperbee(store.namespace('hyperfold/index/folder').get({ name: 'index' }), { keyEncoding: 'utf-8', valueEncoding: 'json' })
    await bee.put('p:/a.txt', file(3))
    await bee.put('p:/b.txt', file(4))
    await bee.close()
    await store.close()

    const again = await reopened(dir)
    expect(again.totals).toEqual({ files: 2, bytes: 7, conflicts: 0 })
    await again.close()
  })
})
