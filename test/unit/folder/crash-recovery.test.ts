import { describe, expect, test } from 'vitest'
import fs from 'fs/promises'
import path from 'path'
import type { Duplex } from 'stream'
import Corestore from 'corestore'
import { Applier } from '../../../main/core/folder/applier'
import { FolderFs } from '../../../main/core/folder/folder-fs'
import { Publisher } from '../../../main/core/folder/publisher'
import { scanPath, type ScanEntry } from '../../../main/core/folder/scanner'
import { folderParts, sourceOf } from '../../helpers/folder-parts'
import { scratch } from '../../helpers/scratch'

const { tempDir, cleanups } = scratch('hyperfold-crash-')

// One device's folder: its store, drives, index and disk side, closed without committing.
async function device(storeDir: string, root: string, deviceId: string, writers: string[] = []) {
  const parts = await folderParts(storeDir, path.join(storeDir, 'chunks'), writers)
  const { store, drives, index, content, chunks } = parts
  const disk = new FolderFs(root)
  parts.setDisk(disk)
  const ctx = { deviceId, fs: disk, drives, index, content, store: chunks, keepsOwn: () => true }
  const publisher = new Publisher(ctx)
  const applier = new Applier({ ...ctx, publisher, receiveOnly: false, archives: () => true })
  return { store, drives, index, publisher, applier, parts, close: () => parts.close() }
}

function replicate(a: Corestore, b: Corestore): void {
  const s1 = (a as unknown as { replicate(initiator: boolean): Duplex }).replicate(true)
  const s2 = (b as unknown as { replicate(initiator: boolean): Duplex }).replicate(false)
  s1.pipe(s2).pipe(s1)
}

async function disk(root: string, p: string): Promise<ScanEntry> {
  const item = await scanPath(root, p)
  if (item === null || item.type === 'error') throw new Error(`${p} is not on disk`)
  return item
}

async function publishFile(dev: Awaited<ReturnType<typeof device>>, root: string, p: string, content: string, mtime: Date) {
  await fs.writeFile(path.join(root, p), content)
  await fs.utimes(path.join(root, p), mtime, mtime)
  await dev.publisher.publish(p, await disk(root, p))
  await dev.publisher.commit()
}

describe('a crash between writing a pulled file and recording it', () => {
  test('leaves a file that matches the winner: a restart records it, publishes nothing and makes no conflict copy', async () => {
    const [rootA, rootB, storeA, storeB] = [await tempDir(), await tempDir(), await tempDir(), await tempDir()]
    const a = await device(storeA, rootA, 'deva')
    cleanups.push(() => a.close())
    await publishFile(a, rootA, '/doc.txt', 'first\n', new Date('2025-01-01T00:00:00Z'))

    let b = await device(storeB, rootB, 'devb', [a.drives.ownKey])
    b.parts.sources.push(sourceOf('deva', a.parts))
    replicate(a.store, b.store)
    const remote = b.drives.get(a.drives.ownKey)!
    await remote.update({ wait: true })
    await b.applier.apply('/doc.txt')
    await b.publisher.commit()
    expect(await fs.readFile(path.join(rootB, 'doc.txt'), 'utf8')).toBe('first\n')

    // A edits; B writes the new version to its disk, then "crashes" before its index is flushed.
    await publishFile(a, rootA, '/doc.txt', 'second, longer\n', new Date('2025-01-02T00:00:00Z'))
    while (remote.version < a.drives.own.version) await remote.update({ wait: true })
    expect((await b.applier.apply('/doc.txt')).map((r) => r.kind)).toEqual(['file'])
    await b.close()

    b = await device(storeB, rootB, 'devb', [a.drives.ownKey])
    cleanups.push(() => b.close())
    const stale = await b.index.get('/doc.txt')
    expect(stale?.size).toBe('first\n'.length) // the record the crash left behind
    const onDisk = await disk(rootB, '/doc.txt')
    expect(await b.publisher.publish('/doc.txt', onDisk)).toBeNull() // the start-up scan: not a local edit
    expect(await b.applier.apply('/doc.txt')).toEqual([{ kind: 'unchanged' }])
    await b.publisher.commit()

    expect(b.drives.own.version).toBeLessThanOrEqual(1) // B published nothing
    expect(await fs.readdir(rootB)).toEqual(['doc.txt'])
    expect(await fs.readFile(path.join(rootB, 'doc.txt'), 'utf8')).toBe('second, longer\n')
    expect(await b.index.get('/doc.txt')).toMatchObject({ kind: 'file', size: onDisk.size, mtimeMs: onDisk.mtimeMs, vv: { deva: 2 } })
  })

  test('a real local edit (another size or mtime) is still published', async () => {
    const [rootA, rootB, storeA, storeB] = [await tempDir(), await tempDir(), await tempDir(), await tempDir()]
    const a = await device(storeA, rootA, 'deva')
    cleanups.push(() => a.close())
    await publishFile(a, rootA, '/doc.txt', 'first\n', new Date('2025-01-01T00:00:00Z'))
    const b = await device(storeB, rootB, 'devb', [a.drives.ownKey])
    b.parts.sources.push(sourceOf('deva', a.parts))
    cleanups.push(() => b.close())
    replicate(a.store, b.store)
    await b.drives.get(a.drives.ownKey)!.update({ wait: true })
    await b.applier.apply('/doc.txt')
    await b.publisher.commit()

    await fs.writeFile(path.join(rootB, 'doc.txt'), 'edited on B\n')
    expect(await b.publisher.publish('/doc.txt', await disk(rootB, '/doc.txt'))).toBe('file')
    await b.publisher.commit()
    expect(await b.index.get('/doc.txt')).toMatchObject({ vv: { deva: 1, devb: 1 } })
  })
})
