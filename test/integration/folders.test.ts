import fs from 'fs/promises'
import path from 'path'
import { afterEach, beforeEach, describe, expect, test } from 'vitest'
import { TestEnv, nextEvent } from '../helpers/env'
import { joinedNodes, treeHashes, waitOffered, writeTree } from '../helpers/folders'

describe('shared folders between nodes on a local testnet', () => {
  let env: TestEnv
  beforeEach(async () => {
    env = await TestEnv.create()
  })
  afterEach(async () => {
    await env.close()
  })

  test('share on A, browse and sync on B, then edits flow both ways', async () => {
    const { nodes: [a, b] } = await joinedNodes(env, 2)
    const rootA = await env.tmpDir()
    const rootB = path.join(await env.tmpDir(), 'Photos')
    await writeTree(rootA, { 'notes.txt': 'hello', '2024/a.jpg': Buffer.alloc(100_000, 7), 'empty/.keep': '' })
    await fs.rm(path.join(rootA, 'empty/.keep'))
    await fs.chmod(path.join(rootA, 'notes.txt'), 0o755)

    const shared = await a!.folders.share({ path: rootA, topic: 'family', name: 'Photos' })
    expect(shared).toMatchObject({ name: 'Photos', files: 2, bytes: 100_005, state: 'idle' })

    await waitOffered(b!, 'Photos')
    expect(b!.folders.list()).toEqual([expect.objectContaining({ name: 'Photos', state: 'available', sharedBy: ['device-0'], files: 2 })])
    const listing = await b!.folders.ls('Photos', '/2024')
    expect(listing).toEqual([expect.objectContaining({ name: 'a.jpg', kind: 'file', size: 100_000 })])

    await b!.folders.sync({ folder: 'Photos', path: rootB })
    await b!.folders.waitSynced('Photos', 30_000)
    expect(await treeHashes(rootB)).toEqual(await treeHashes(rootA))
    expect((await fs.stat(path.join(rootB, 'empty'))).isDirectory()).toBe(true)
    expect((await fs.stat(path.join(rootB, 'notes.txt'))).mode & 0o111).not.toBe(0)
    const [mtimeA, mtimeB] = await Promise.all([rootA, rootB].map(async (r) => (await fs.stat(path.join(r, 'notes.txt'))).mtimeMs))
    expect(Math.floor(mtimeB!)).toBe(Math.floor(mtimeA!))

    const edited = nextEvent(a!, 'folder.activity', (act) => act.path === '/notes.txt' && act.kind === 'synced')
    await fs.writeFile(path.join(rootB, 'notes.txt'), 'hello from B')
    await edited
    expect(await fs.readFile(path.join(rootA, 'notes.txt'), 'utf8')).toBe('hello from B')

    const deleted = nextEvent(b!, 'folder.activity', (act) => act.path === '/2024/a.jpg' && act.kind === 'deleted')
    await fs.rm(path.join(rootA, '2024/a.jpg'))
    await deleted
    await expect(fs.stat(path.join(rootB, '2024/a.jpg'))).rejects.toThrow()

    const versions = await b!.folders.history('Photos', '/2024/a.jpg')
    expect(versions.map((v) => v.deleted)).toEqual([false, true])
    const restored = nextEvent(a!, 'folder.activity', (act) => act.path === '/2024/a.jpg' && act.kind === 'synced')
    await b!.folders.restore('Photos', '/2024/a.jpg', 1)
    await restored
    expect((await fs.readFile(path.join(rootA, '2024/a.jpg'))).equals(Buffer.alloc(100_000, 7))).toBe(true)
  })
  test('a change of mode alone (chmod, which leaves the mtime as it was) reaches the peer', async () => {
    const { nodes: [a, b] } = await joinedNodes(env, 2)
    const [rootA, rootB] = [await env.tmpDir(), await env.tmpDir()]
    await writeTree(rootA, { 'run.sh': 'echo hi' })
    await fs.chmod(path.join(rootA, 'run.sh'), 0o755)
    await a!.folders.share({ path: rootA, topic: 'family', name: 'Tools' })
    await waitOffered(b!, 'Tools')
    await b!.folders.sync({ folder: 'Tools', path: rootB })
    await b!.folders.waitSynced('Tools', 30_000)
    const modeOnB = async (): Promise<number> => (await fs.stat(path.join(rootB, 'run.sh'))).mode & 0o111
    expect(await modeOnB()).not.toBe(0)

    const synced = nextEvent(b!, 'folder.activity', (act) => act.path === '/run.sh' && act.kind === 'synced')
    await fs.chmod(path.join(rootA, 'run.sh'), 0o644)
    await synced
    expect(await modeOnB()).toBe(0)
    expect(await fs.readFile(path.join(rootB, 'run.sh'), 'utf8')).toBe('echo hi')
  })
})
