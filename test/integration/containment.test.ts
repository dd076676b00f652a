import { randomBytes } from 'crypto'
import fs from 'fs/promises'
import path from 'path'
import { execFileSync } from 'child_process'
import { afterEach, beforeEach, describe, expect, test } from 'vitest'
import { waitUntil } from '../helpers/cli'
import { TestEnv, nextEvent } from '../helpers/env'
import { joinedNodes, ownDrive, waitOffered, writeTree } from '../helpers/folders'
import { parseEntryMeta } from '../../main/core/folder/entry-meta'
import type { HyperfoldNode } from '../../main/core/node'

const NOT_UTF8 = Buffer.from([0x2a, 0x2e, 0x6c, 0x6f, 0x67, 0x0a, 0xff, 0xfe, 0x0a]) // "*.log\n" then two bytes no UTF-8 text holds

// chattr +i stops root too; a file system without it (tmpfs) refuses, and then the test cannot be made.
function immutable(dir: string): boolean {
  try {
    execFileSync('chattr', ['+i', dir], { stdio: 'ignore' })
    return true
  } catch {
    return false
  }
}

describe('failures are contained', () => {
  let env: TestEnv
  beforeEach(async () => {
    env = await TestEnv.create()
  })
  afterEach(async () => {
    await env.close()
  })

  test('an ignore file that is not UTF-8 fails its folder, not the node; fixed, the folder runs again', async () => {
    const dataDir = await env.tmpDir()
    const [rootA, rootB] = [await env.tmpDir(), await env.tmpDir()]
    await writeTree(rootA, { 'a.txt': 'a\n' })
    await writeTree(rootB, { 'b.txt': 'b\n' })
    const first = await env.startNode({ dataDir })
    await first.createTopic('family')
    await first.folders.share({ path: rootA, topic: 'family', name: 'Broken' })
    await first.folders.share({ path: rootB, topic: 'family', name: 'Fine' })
    await first.close()

    await fs.writeFile(path.join(rootA, '.hyperfoldignore'), NOT_UTF8)
    await fs.writeFile(path.join(rootA, 'held.log'), 'not published while the rules cannot be read\n')
    const node = await env.startNode({ dataDir })
    const broken = node.folders.info('Broken')
    expect(broken.state).toBe('error')
    expect(broken.lastError).toMatch(/not UTF-8/)
    expect(node.status().topics).toBe(1)
    await fs.writeFile(path.join(rootB, 'b2.txt'), 'b2\n')
    expect((await node.folders.waitSynced('Fine', 30_000)).state).toBe('idle')
    await waitUntil(async () => ((await node.folders.ls('Fine', '/')).some((e) => e.name === 'b2.txt') ? true : undefined), 'b2.txt published')
    expect((await node.folders.ls('Broken', '/')).map((e) => e.name)).toEqual(['a.txt'])

    await fs.writeFile(path.join(rootA, '.hyperfoldignore'), '*.log\n')
    await node.folders.waitSynced('Broken', 30_000)
    expect(node.folders.info('Broken').lastError).toBeNull()
    expect((await node.folders.ls('Broken', '/')).map((e) => e.name)).toEqual(['.hyperfoldignore', 'a.txt'])
  })

  test('a folder that cannot start shows its error while the node and the other folders run; resume starts it once it can', async (ctx) => {
    const dataDir = await env.tmpDir()
    const [rootA, rootB] = [await env.tmpDir(), await env.tmpDir()]
    await writeTree(rootA, { 'a.txt': 'a\n' })
    await writeTree(rootB, { 'b.txt': 'b\n' })
    const first = await env.startNode({ dataDir })
    await first.createTopic('family')
    await first.folders.share({ path: rootA, topic: 'family', name: 'Stuck' })
    await first.folders.share({ path: rootB, topic: 'family', name: 'Fine' })
    await first.close()
    const marker = path.join(rootA, '.hyperfold')
    if (!immutable(marker)) ctx.skip('chattr +i is refused here')
    env.defer(async () => execFileSync('chattr', ['-i', marker], { stdio: 'ignore' }))

    const node = await env.startNode({ dataDir })
    expect(node.folders.info('Stuck')).toMatchObject({ state: 'error', lastError: expect.stringMatching(/Permission denied|EPERM|not permitted/) })
    expect(node.folders.list().map((f) => f.name).sort()).toEqual(['Fine', 'Stuck'])
    await fs.writeFile(path.join(rootB, 'b2.txt'), 'b2\n')
    await waitUntil(async () => ((await node.folders.ls('Fine', '/')).some((e) => e.name === 'b2.txt') ? true : undefined), 'b2.txt published')

    execFileSync('chattr', ['-i', marker])
    await fs.writeFile(path.join(rootA, 'a2.txt'), 'a2\n')
    expect((await node.folders.resume('Stuck')).lastError).toBeNull()
    await node.folders.waitSynced('Stuck', 30_000)
    expect((await node.folders.ls('Stuck', '/')).map((e) => e.name)).toEqual(['a.txt', 'a2.txt'])
  })

  test('a share that fails part-way leaves nothing behind, and the same path shares once it can', async (ctx) => {
    const dataDir = await env.tmpDir()
    const root = await env.tmpDir()
    await writeTree(root, { 'a.txt': 'a\n' })
    const node = await env.startNode({ dataDir })
    await node.createTopic('family')
    // The marker goes into the folder, then the config into the data dir, which cannot take it.
    if (!immutable(dataDir)) ctx.skip('chattr +i is refused here')
    env.defer(async () => execFileSync('chattr', ['-i', dataDir], { stdio: 'ignore' }))
    await expect(node.folders.share({ path: root, topic: 'family', name: 'Docs' })).rejects.toThrow()
    execFileSync('chattr', ['-i', dataDir])

    expect(node.folders.list()).toEqual([])
    expect(await fs.readdir(root)).toEqual(['a.txt'])
    const shared = await node.folders.share({ path: root, topic: 'family', name: 'Docs' })
    expect(shared.state).toBe('idle')
    expect(node.folders.list().map((f) => f.name)).toEqual(['Docs'])
  })

  test('a share whose marker cannot be written leaves nothing behind', async (ctx) => {
    const root = await env.tmpDir()
    await writeTree(root, { 'a.txt': 'a\n' })
    const node = await env.startNode()
    await node.createTopic('family')
    if (!immutable(root)) ctx.skip('chattr +i is refused here')
    env.defer(async () => execFileSync('chattr', ['-i', root], { stdio: 'ignore' }))
    await expect(node.folders.share({ path: root, topic: 'family', name: 'Docs' })).rejects.toThrow()
    execFileSync('chattr', ['-i', root])
    expect(node.folders.list()).toEqual([])
    await node.folders.share({ path: root, topic: 'family', name: 'Docs' })
    expect(node.folders.info('Docs').state).toBe('idle')
  })

  test('waiting for sync answers TIMEOUT in time while a pull is stuck on a peer that left', async () => {
    const { nodes: [a, b] } = await joinedNodes(env, 2)
    const [rootA, rootB] = [await env.tmpDir(), await env.tmpDir()]
    for (let i = 0; i < 6; i++) await fs.writeFile(path.join(rootA, `part-${i}.bin`), randomBytes(16 * 1024 * 1024))
    await a!.folders.share({ path: rootA, topic: 'family', name: 'Big' })
    await waitOffered(b!, 'Big')
    const syncing = nextEvent(b!, 'folder.updated', (f) => f.name === 'Big' && f.state === 'syncing')
    await b!.folders.sync({ folder: 'Big', path: rootB })
    await syncing
    await a!.close() // what B has not fetched yet will never come

    await expect(b!.folders.waitSynced('Big', 1000)).rejects.toMatchObject({ code: 'TIMEOUT' })
    // Still at it, or done with what it could get and saying what it could not.
    expect(['syncing', 'out-of-sync']).toContain(b!.folders.info('Big').state)
  })

  test('pause stops a running rescan; what it did not reach stays as it was, and resume finishes it', async () => {
    const node = await env.startNode()
    await node.createTopic('family')
    const root = await env.tmpDir()
    await writeTree(root, Object.fromEntries(Array.from({ length: 20 }, (_, i) => [`z-kept/${i}.txt`, `kept ${i}\n`])))
    const { id } = await node.folders.share({ path: root, topic: 'family', name: 'Tree' })
    await node.folders.pause('Tree')
    const many = 20_000
    for (let d = 0; d < 20; d++) {
      await fs.mkdir(path.join(root, `a-new/${d}`), { recursive: true })
      await Promise.all(Array.from({ length: many / 20 }, (_, i) => fs.writeFile(path.join(root, `a-new/${d}/${i}.txt`), `${d}/${i}\n`)))
    }

    const scanning = nextEvent(node, 'folder.updated', (f) => f.name === 'Tree' && f.state === 'scanning')
    const resumed = node.folders.resume('Tree')
    await scanning
    await node.folders.pause('Tree')
    await resumed
    expect(node.folders.info('Tree').files).toBeLessThan(many + 20)
    expect(await liveFiles(node, id, Array.from({ length: 20 }, (_, i) => `/z-kept/${i}.txt`))).toBe(20)

    await node.folders.resume('Tree')
    await node.folders.waitSynced('Tree', 120_000)
    expect(node.folders.info('Tree').files).toBe(many + 20)
    expect(await liveFiles(node, id, Array.from({ length: 20 }, (_, i) => `/z-kept/${i}.txt`))).toBe(20)
  }, 180_000)
})

async function liveFiles(node: HyperfoldNode, id: string, paths: string[]): Promise<number> {
  let count = 0
  for (const p of paths) if (parseEntryMeta((await ownDrive(node, id).entry(p))?.value.metadata)?.kind === 'file') count++
  return count
}
