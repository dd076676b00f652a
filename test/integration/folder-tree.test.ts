import fs from 'fs/promises'
import path from 'path'
import { afterEach, beforeEach, describe, expect, test } from 'vitest'
import { waitUntil } from '../helpers/cli'
import { TestEnv } from '../helpers/env'
import { joinedNodes, ownDrive, treeHashes, waitOffered, writeTree } from '../helpers/folders'
import type { HyperfoldNode } from '../../main/core/node'
import type Hyperdrive from 'hyperdrive'
import type { EntryMeta } from '../../main/core/folder/entry-meta'

// A tombstone appended by hand, as a peer that orders its deletions otherwise would.
async function appendTombstone(drive: Hyperdrive, path: string, device: string): Promise<void> {
  const meta = (await drive.entry(path))!.value.metadata as EntryMeta
  const vv = { ...meta.vv, [device]: (meta.vv[device] ?? 0) + 1 }
  await drive.putEntry(path, { executable: false, blob: null, metadata: { ...meta, kind: 'deleted', size: 0, vv } })
}

describe('a folder tree on three devices', () => {
  let env: TestEnv
  beforeEach(async () => {
    env = await TestEnv.create()
  })
  afterEach(async () => {
    await env.close()
  })

  async function settle(nodes: HyperfoldNode[]): Promise<void> {
    for (let round = 0; round < 2; round++) for (const node of nodes) await node.folders.waitSynced('Docs', 30_000)
  }

  // A shares a folder of these files, B syncs it, both settle.
  async function twoSynced(files: Record<string, string>) {
    const { nodes } = await joinedNodes(env, 2)
    const [a, b] = nodes as [HyperfoldNode, HyperfoldNode]
    const [rootA, rootB] = [await env.tmpDir(), await env.tmpDir()]
    await writeTree(rootA, files)
    const folder = await a.folders.share({ path: rootA, topic: 'family', name: 'Docs' })
    await waitOffered(b, 'Docs')
    await b.folders.sync({ folder: 'Docs', path: rootB })
    await settle(nodes)
    return { nodes, a, b, folderId: folder.id, rootA, rootB }
  }

  test('a non-empty target merges, ignored files stay home, renames reach everyone', async () => {
    const { nodes } = await joinedNodes(env, 3)
    const [a, b, c] = nodes as [HyperfoldNode, HyperfoldNode, HyperfoldNode]
    const [rootA, rootB, rootC] = [await env.tmpDir(), await env.tmpDir(), path.join(await env.tmpDir(), 'Docs')]
    await writeTree(rootA, { '.hyperfoldignore': '*.log\nbuild/\n', 'a.txt': 'a', 'dir/x.txt': 'x', 'run.log': 'log', 'build/out.bin': 'o', '.a.txt.swp': 'vim' })
    await writeTree(rootB, { 'mine.txt': 'only on B' }) // B syncs into a folder that already holds its own file
    await a.folders.share({ path: rootA, topic: 'family', name: 'Docs' })
    for (const [node, root] of [[b, rootB], [c, rootC]] as const) {
      await waitOffered(node, 'Docs')
      await node.folders.sync({ folder: 'Docs', path: root })
    }
    // C hears of B's writer only from a catalog: until then, in sync means with what it knows.
    await waitUntil(async () => ((await exists(path.join(rootC, 'mine.txt'))) ? true : undefined), "B's file on C")
    await settle(nodes)

    const expected = ['a.txt', 'dir/x.txt', 'mine.txt'] // treeHashes leaves out .hyperfold*
    expect(Object.keys(await treeHashes(rootB)).sort()).toEqual(expected)
    expect(Object.keys(await treeHashes(rootC)).sort()).toEqual(expected)
    expect(await fs.readFile(path.join(rootA, 'mine.txt'), 'utf8')).toBe('only on B')
    expect(await fs.readFile(path.join(rootC, '.hyperfoldignore'), 'utf8')).toBe('*.log\nbuild/\n') // the rules travel with the folder
    expect(Object.keys(await treeHashes(rootA)).sort()).toEqual(['.a.txt.swp', ...expected, 'build/out.bin', 'run.log'].sort())

    await fs.rename(path.join(rootA, 'a.txt'), path.join(rootA, 'renamed.txt'))
    await fs.rename(path.join(rootA, 'dir'), path.join(rootA, 'moved'))
    await fs.mkdir(path.join(rootB, 'empty/nested'), { recursive: true })
    // The old names go a couple of seconds after the new ones come (deletions are held a moment, see DeletionDelay).
    const arrived = async () => (await exists(path.join(rootC, 'moved/x.txt'))) && (await exists(path.join(rootA, 'empty/nested'))) && !(await exists(path.join(rootC, 'a.txt')))
    await waitUntil(async () => ((await arrived()) ? true : undefined), 'the changes on every device')
    await settle(nodes)

    const after = ['mine.txt', 'moved/x.txt', 'renamed.txt']
    for (const root of [rootB, rootC]) {
      expect(Object.keys(await treeHashes(root)).sort()).toEqual(after)
      expect(await exists(path.join(root, 'dir'))).toBe(false) // gone, not left behind empty
      expect((await fs.stat(path.join(root, 'empty/nested'))).isDirectory()).toBe(true)
    }
    expect(await fs.readFile(path.join(rootC, 'renamed.txt'), 'utf8')).toBe('a')
  })

  test('a directory deleted before the files it held is removed once they are', async () => {
    const { a, b, folderId, rootB } = await twoSynced({ 'dir/x.txt': 'x', 'keep.txt': 'k' })
    await a.folders.pause('Docs') // only the tombstones below reach B

    const drive = ownDrive(a, folderId)
    await appendTombstone(drive, '/dir', a.status().device.id)
    await waitUntil(async () => ((await b.folders.history('Docs', '/dir')).some((v) => v.deleted) ? true : undefined), 'the tombstone on B')
    await b.folders.waitSynced('Docs', 30_000)
    expect(await fs.readFile(path.join(rootB, 'dir/x.txt'), 'utf8')).toBe('x') // it still holds a file: it stays

    await appendTombstone(drive, '/dir/x.txt', a.status().device.id)
    await waitUntil(async () => ((await exists(path.join(rootB, 'dir/x.txt'))) ? undefined : true), 'the file removed on B')
    await b.folders.waitSynced('Docs', 30_000)
    expect(await exists(path.join(rootB, 'dir'))).toBe(false)
    expect(await fs.readFile(path.join(rootB, 'keep.txt'), 'utf8')).toBe('k')
  })

  test('an edit of the ignore rules takes effect at once, on both sides, and deletes nothing', async () => {
    const { nodes, rootA, rootB } = await twoSynced({ 'old.log': 'kept', 'b.txt': 'b' })

    await fs.writeFile(path.join(rootA, '.hyperfoldignore'), '*.log\n')
    await waitUntil(async () => ((await exists(path.join(rootB, '.hyperfoldignore'))) ? true : undefined), 'the rules on B')
    await settle(nodes)
    await writeTree(rootA, { 'new.log': 'stays on A', 'after.txt': 'sent after new.log' })
    await fs.rm(path.join(rootA, 'old.log'))
    await writeTree(rootB, { 'from-b.log': 'stays on B' })
    await waitUntil(async () => ((await exists(path.join(rootB, 'after.txt'))) ? true : undefined), 'after.txt on B')
    await settle(nodes)

    expect(Object.keys(await treeHashes(rootB)).sort()).toEqual(['after.txt', 'b.txt', 'from-b.log', 'old.log'])
    expect(Object.keys(await treeHashes(rootA)).sort()).toEqual(['after.txt', 'b.txt', 'new.log'])
  })
})

async function exists(p: string): Promise<boolean> {
  return fs.stat(p).then(
    () => true,
    () => false
  )
}
