import fs from 'fs/promises'
import path from 'path'
import { execFileSync } from 'child_process'
import { afterEach, beforeEach, describe, expect, test } from 'vitest'
import { waitUntil } from '../helpers/cli'
import { TestEnv } from '../helpers/env'
import { fileHolds, joinedNodes, ownDrive, sharedFolder, treeHashes, waitOffered, writeTree } from '../helpers/folders'
import type { HyperfoldNode } from '../../main/core/node'

const FILES = { 'a.txt': 'alpha\n', 'docs/b.txt': 'beta\n', 'docs/deep/c.txt': 'gamma\n' }

async function errorOf(node: HyperfoldNode, name: string): Promise<string | undefined> {
  const info = node.folders.info(name)
  return info.state === 'error' && info.lastError !== null ? info.lastError : undefined
}

describe('a folder root that goes missing', () => {
  let env: TestEnv
  beforeEach(async () => {
    env = await TestEnv.create()
  })
  afterEach(async () => {
    await env.close()
  })

  // A shares the folder, B and C sync it; every device holds FILES.
  async function synced(rootA: string): Promise<{ a: HyperfoldNode; b: HyperfoldNode; c: HyperfoldNode; rootB: string; rootC: string }> {
    const { nodes } = await joinedNodes(env, 3)
    const [a, b, c] = nodes as [HyperfoldNode, HyperfoldNode, HyperfoldNode]
    const [rootB, rootC] = [await env.tmpDir(), await env.tmpDir()]
    await writeTree(rootA, FILES)
    await a.folders.share({ path: rootA, topic: 'family', name: 'Docs' })
    await waitOffered(b, 'Docs')
    await waitOffered(c, 'Docs')
    await b.folders.sync({ folder: 'Docs', path: rootB })
    await c.folders.sync({ folder: 'Docs', path: rootC })
    await b.folders.waitSynced('Docs', 30_000)
    await c.folders.waitSynced('Docs', 30_000)
    await a.folders.waitSynced('Docs', 30_000)
    return { a, b, c, rootB, rootC }
  }

  // A published nothing after losing its root (its drive did not grow), and B and C still hold every file.
  async function expectNothingDeleted(a: HyperfoldNode, versionBefore: number, others: [HyperfoldNode, string][]): Promise<void> {
    expect(ownDrive(a, a.folders.info('Docs').id).version).toBe(versionBefore)
    for (const [node, root] of others) {
      await node.folders.waitSynced('Docs', 30_000)
      expect(Object.keys(await treeHashes(root)).sort()).toEqual(Object.keys(FILES).sort())
    }
    expect(a.folders.info('Docs').state).toBe('error')
  }

  function versionOf(a: HyperfoldNode): number {
    return ownDrive(a, a.folders.info('Docs').id).version
  }

  // rm -rf removes files one by one and may reach the marker last: the
  // deletions seen before then must not be published either.
  test('a slow removal of the whole root, marker last, deletes nothing on the other devices', async () => {
    const rootA = await env.tmpDir()
    const { a, b, c, rootB, rootC } = await synced(rootA)
    const version = versionOf(a)

    for (const file of Object.keys(FILES).reverse()) {
      await fs.rm(path.join(rootA, file))
      await new Promise((resolve) => setTimeout(resolve, 300))
    }
    await fs.rm(path.join(rootA, '.hyperfold'), { recursive: true })
    await fs.rm(rootA, { recursive: true, force: true })
    await waitUntil(() => errorOf(a, 'Docs'), 'the error on A')
    await new Promise((resolve) => setTimeout(resolve, 3000)) // past the deletions' hold
    await expectNothingDeleted(a, version, [
      [b, rootB],
      [c, rootC]
    ])
  })

  test('rm -rf of the root deletes nothing on the other devices, and the device that lost it says so', async () => {
    const rootA = await env.tmpDir()
    const { a, b, c, rootB, rootC } = await synced(rootA)
    const version = versionOf(a)

    await fs.rm(rootA, { recursive: true, force: true })
    const message = await waitUntil(() => errorOf(a, 'Docs'), 'the error on A')
    expect(message).toBe(`${rootA} is missing or not mounted (no .hyperfold marker in it); it stays untouched until it is back.`)
    await expectNothingDeleted(a, version, [
      [b, rootB],
      [c, rootC]
    ])
    await expect(fs.stat(rootA)).rejects.toThrow() // nothing was written into it either
  }, 120_000)

  test('a root swapped for an empty directory and scanned deletes nothing; put back, it recovers by itself and syncs again', async () => {
    const rootA = await env.tmpDir()
    const { a, b, c, rootB, rootC } = await synced(rootA)
    const version = versionOf(a)
    const away = rootA + '-away'
    env.defer(() => fs.rm(away, { recursive: true, force: true }))

    // Both at once, before the watcher's next batch, then a full scan: whichever looks first finds no marker.
    execFileSync('sh', ['-c', 'mv "$1" "$2" && mkdir "$1"', 'sh', rootA, away])
    await sharedFolder(a, 'Docs').scan()
    expect(await waitUntil(() => errorOf(a, 'Docs'), 'the error on A')).toMatch(/is missing or not mounted/)
    await expectNothingDeleted(a, version, [
      [b, rootB],
      [c, rootC]
    ])
    expect(await fs.readdir(rootA)).toEqual([])

    await fs.rmdir(rootA)
    await fs.rename(away, rootA)
    await waitUntil(async () => (a.folders.info('Docs').state === 'idle' ? true : undefined), 'A back to idle by itself')
    await a.folders.waitSynced('Docs', 30_000)
    expect(a.folders.info('Docs').lastError).toBeNull()
    await fs.writeFile(path.join(rootA, 'new-on-a.txt'), 'from A\n')
    await fs.writeFile(path.join(rootB, 'new-on-b.txt'), 'from B\n')
    await waitUntil(() => fileHolds(path.join(rootB, 'new-on-a.txt'), 'from A\n'), 'A’s new file on B')
    await waitUntil(() => fileHolds(path.join(rootA, 'new-on-b.txt'), 'from B\n'), 'B’s new file on A')
    expect(Object.keys(await treeHashes(rootC)).length).toBeGreaterThanOrEqual(Object.keys(FILES).length)
  }, 120_000)

  test('every file deleted but the folder (and its marker) kept is a real change, and it syncs', async () => {
    const rootA = await env.tmpDir()
    const { a, rootB, rootC } = await synced(rootA)

    for (const name of await fs.readdir(rootA)) {
      if (name !== '.hyperfold') await fs.rm(path.join(rootA, name), { recursive: true })
    }
    await waitUntil(async () => ((await fs.readdir(rootB)).every((n) => n === '.hyperfold') ? true : undefined), 'the deletions on B')
    await waitUntil(async () => ((await fs.readdir(rootC)).every((n) => n === '.hyperfold') ? true : undefined), 'the deletions on C')
    await a.folders.waitSynced('Docs', 30_000)
    expect(a.folders.info('Docs')).toMatchObject({ state: 'idle', lastError: null, files: 0 })
  }, 120_000)

  // A real unmount: the root is a tmpfs, which only root may mount.
  test('a tmpfs root unmounted (an empty mount point left behind) deletes nothing', async (ctx) => {
    const rootA = await env.tmpDir()
    try {
      execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=4m', 'tmpfs', rootA], { stdio: 'ignore' })
    } catch {
      ctx.skip('mounting a tmpfs needs root')
    }
    let mounted = true
    env.defer(async () => {
      if (mounted) execFileSync('umount', ['-l', rootA], { stdio: 'ignore' })
    })
    const { a, b, c, rootB, rootC } = await synced(rootA)
    const version = versionOf(a)

    execFileSync('umount', [rootA])
    mounted = false
    await sharedFolder(a, 'Docs').scan()
    expect(await waitUntil(() => errorOf(a, 'Docs'), 'the error on A')).toMatch(/is missing or not mounted|another file system/)
    await expectNothingDeleted(a, version, [
      [b, rootB],
      [c, rootC]
    ])
  }, 120_000)
})
