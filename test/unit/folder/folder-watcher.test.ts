import { afterEach, describe, expect, test } from 'vitest'
import fs from 'fs/promises'
import os from 'os'
import path from 'path'
import { FolderWatcher } from '../../../main/core/folder/folder-watcher'
import { IgnoreRules } from '../../../main/core/folder/ignore-rules'

const cleanups: (() => Promise<unknown>)[] = []

afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()!()
})

// A watcher whose batches gather in `seen`; `until` waits for a path to show up there.
async function watch(root: string, recursive: boolean) {
  const seen = new Set<string>()
  const waiters: (() => void)[] = []
  const watcher = await FolderWatcher.start({
    root,
    rules: await IgnoreRules.load(root),
    recursive,
    onbatch: (paths) => {
      for (const p of paths) seen.add(p)
      for (const wake of waiters.splice(0)) wake()
    },
    onerror: (err) => {
      throw err
    }
  })
  cleanups.push(() => watcher.close())
  const until = async (p: string) => {
    const deadline = Date.now() + 5000
    while (!seen.has(p)) {
      if (Date.now() > deadline) throw new Error(`${p} was not reported; saw ${[...seen].join(', ')}`)
      await new Promise<void>((resolve) => {
        waiters.push(resolve)
        setTimeout(resolve, 100)
      })
    }
  }
  return { watcher, seen, until }
}

async function tempRoot(): Promise<string> {
  const root = await fs.mkdtemp(path.join(os.tmpdir(), 'hyperfold-watch-'))
  cleanups.push(() => fs.rm(root, { recursive: true, force: true }))
  await fs.mkdir(path.join(root, 'sub/deeper'), { recursive: true })
  return root
}

describe.each([
  ['one watch per directory', false],
  ['a recursive watch', true]
])('FolderWatcher with %s', (_name, recursive) => {
  test('reports files made, changed and removed at any depth, and never its own or ignored names', async () => {
    const root = await tempRoot()
    const { seen, until } = await watch(root, recursive)
    await fs.writeFile(path.join(root, 'a.txt'), 'a')
    await fs.writeFile(path.join(root, 'sub/deeper/b.txt'), 'b')
    await fs.writeFile(path.join(root, 'sub/.hyperfold-tmp-x'), 'temp')
    await fs.writeFile(path.join(root, 'notes.swp'), 'swap')
    await until('/a.txt')
    await until('/sub/deeper/b.txt')
    await fs.rm(path.join(root, 'a.txt'))
    seen.clear()
    await until('/a.txt')
    expect([...seen].filter((p) => p.includes('.hyperfold-tmp') || p.endsWith('.swp'))).toEqual([])
  })

  test('follow() returns what a new directory already holds, and its later changes are reported', async () => {
    const root = await tempRoot()
    const { watcher, until } = await watch(root, recursive)
    await fs.mkdir(path.join(root, 'new/inner'), { recursive: true })
    await fs.writeFile(path.join(root, 'new/inner/early.txt'), 'made before any watch')
    await until('/new')
    expect((await watcher.follow('/new', true, true)).sort()).toEqual(['/new/inner', '/new/inner/early.txt'])
    await watcher.follow('/new/inner', true, false)
    await fs.writeFile(path.join(root, 'new/inner/late.txt'), 'made after')
    await until('/new/inner/late.txt')
  })
})

test('a watched directory replaced by another is watched anew, and what the new one holds is found', async () => {
  const root = await tempRoot()
  const { watcher, until } = await watch(root, false)
  await fs.mkdir(path.join(root, 'other'))
  await fs.writeFile(path.join(root, 'other/held.txt'), 'held')
  await fs.rm(path.join(root, 'sub'), { recursive: true })
  await fs.rename(path.join(root, 'other'), path.join(root, 'sub'))
  await until('/sub')
  const found = await watcher.follow('/sub', true, false)
  await fs.writeFile(path.join(root, 'sub/c.txt'), 'c')
  await until('/sub/c.txt')
  // Found by follow(), or reported when the old watch saw its directory go.
  await (found.includes('/sub/held.txt') ? Promise.resolve() : until('/sub/held.txt'))
})
