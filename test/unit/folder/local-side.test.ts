import { describe, expect, test } from 'vitest'
import fs from 'fs/promises'
import path from 'path'
import { LocalSide } from '../../../main/core/folder/local-side'
import { parseEntryMeta } from '../../../main/core/folder/entry-meta'
import { candidateOf } from '../../../main/core/folder/folder-drives'
import { collect, folderParts } from '../../helpers/folder-parts'
import { scratch } from '../../helpers/scratch'

const { tempDir, cleanups } = scratch('hyperfold-local-')

async function setup(files: Record<string, string>) {
  const root = await tempDir()
  await fs.mkdir(path.join(root, '.hyperfold')) // the folder marker, as a shared folder has
  for (const [rel, content] of Object.entries(files)) {
    await fs.mkdir(path.dirname(path.join(root, rel)), { recursive: true })
    await fs.writeFile(path.join(root, rel), content)
  }
  const parts = await folderParts(await tempDir(), await tempDir())
  const { drives, index, content, chunks, history } = parts
  const released: string[][] = []
  const side = await LocalSide.start({
    ...{ root, deviceId: 'dev', drives, index, content, store: chunks, history, receiveOnly: false },
    onbatch: (paths) => released.push(paths), // these tests hand the paths over themselves: here, held deletions let go
    onerror: (err) => {
      throw err
    },
    activity: (kind, p, message) => {
      throw new Error(`${kind} ${p}: ${message}`)
    }
  })
  cleanups.push(async () => {
    await side.close()
    await parts.close()
  })
  const kindOf = async (p: string) => parseEntryMeta((await drives.own.entry(p))?.value.metadata)?.kind ?? null
  return { root, side, index, drives, kindOf, released, parts }
}

describe('LocalSide', () => {
  test('rescan() publishes a tree in batches, and a second rescan finds nothing new', async () => {
    const files = Object.fromEntries(Array.from({ length: 1500 }, (_, i) => [`d${i % 7}/f${i}.txt`, `file ${i}`]))
    const { side, index, drives, kindOf, parts } = await setup(files)
    expect(await side.rescan()).toBe(1507)
    expect(index.totals).toEqual({ files: 1500, bytes: Object.values(files).join('').length, conflicts: 0 })
    expect(await kindOf('/d3/f1494.txt')).toBe('file')
    const entry = (await drives.own.entry('/d3/f1494.txt'))!
    expect((await collect(await parts.content.bytes(candidateOf(drives.ownKey, entry)!, '/d3/f1494.txt'))).toString()).toBe('file 1494')
    const version = drives.own.version
    expect(await side.rescan()).toBe(0)
    expect(drives.own.version).toBe(version)
  })

  test('publishPaths() takes in a directory moved in with all it holds, and one moved out with all it held', async () => {
    const { root, side, index, kindOf, released } = await setup({ 'keep/a.txt': 'a', 'leaving/deep/b.txt': 'b' })
    await side.rescan()
    const outside = await tempDir()
    await fs.rename(path.join(root, 'leaving'), path.join(outside, 'leaving'))
    await fs.mkdir(path.join(outside, 'arriving/deep'), { recursive: true })
    await fs.writeFile(path.join(outside, 'arriving/deep/c.txt'), 'c')
    await fs.rename(path.join(outside, 'arriving'), path.join(root, 'arriving'))

    await side.publishPaths(['/leaving', '/arriving'])
    expect(await kindOf('/leaving/deep/b.txt')).toBe('file') // a deletion is held a moment (an rm -rf of the root may be under way)
    // What the side hands back (the watcher's batches, then the held deletion) is published as the folder would.
    await waitFor(async () => {
      await side.publishPaths(released.splice(0).flat())
      return (await kindOf('/leaving/deep/b.txt')) === 'deleted'
    })
    expect(await kindOf('/leaving/deep')).toBe('deleted')
    expect(await kindOf('/arriving/deep/c.txt')).toBe('file')
    expect((await index.get('/arriving/deep/c.txt'))?.kind).toBe('file')
    expect(await kindOf('/keep/a.txt')).toBe('file')
  })
  test('a file the ignore rules come to cover is never published as deleted, gone or not', async () => {
    const { root, side, drives, index, kindOf, parts } = await setup({ 'a.log': 'log', 'b.txt': 'b', 'logs/c.txt': 'c' })
    await side.rescan()
    await side.close()
    await fs.writeFile(path.join(root, '.hyperfoldignore'), '*.log\nlogs/\n')
    const again = await LocalSide.start({
      ...{ root, deviceId: 'dev', drives, index, content: parts.content, store: parts.chunks, history: parts.history, receiveOnly: false },
      ...{ onbatch: () => undefined, activity: () => undefined },
      onerror: (err) => {
        throw err
      }
    })
    cleanups.push(() => again.close())
    expect(await again.rescan()).toBe(1) // the ignore file itself
    await fs.rm(path.join(root, 'a.log'))
    await fs.rm(path.join(root, 'logs'), { recursive: true })
    expect(await again.rescan()).toBe(0)
    await again.publishPaths(['/a.log', '/logs'])
    expect([await kindOf('/a.log'), await kindOf('/logs'), await kindOf('/logs/c.txt')]).toEqual(['file', 'directory', 'file'])
  })
})

async function waitFor(done: () => Promise<boolean>): Promise<void> {
  for (let i = 0; i < 100; i++) {
    if (await done()) return
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
  expect.unreachable('the held deletion was never published')
}
