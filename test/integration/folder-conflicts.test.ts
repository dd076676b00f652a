import fs from 'fs/promises'
import path from 'path'
import { afterEach, beforeEach, describe, expect, test } from 'vitest'
import { TestEnv } from '../helpers/env'
import { joinedNodes, treeHashes, waitOffered, writeTree } from '../helpers/folders'
import type { HyperfoldNode } from '../../main/core/node'

describe('edits made apart merge when devices meet', () => {
  let env: TestEnv
  beforeEach(async () => {
    env = await TestEnv.create()
  })
  afterEach(async () => {
    await env.close()
  })

  async function threeSynced(): Promise<{ nodes: HyperfoldNode[]; roots: string[] }> {
    const { nodes } = await joinedNodes(env, 3)
    const roots = await Promise.all(nodes.map(() => env.tmpDir()))
    await writeTree(roots[0]!, { 'doc.txt': 'original\n', 'keep.txt': 'keep\n' })
    await nodes[0]!.folders.share({ path: roots[0]!, topic: 'family', name: 'Docs' })
    for (const i of [1, 2]) {
      await waitOffered(nodes[i]!, 'Docs')
      await nodes[i]!.folders.sync({ folder: 'Docs', path: roots[i]! })
    }
    await settle(nodes)
    return { nodes, roots }
  }

  async function settle(nodes: HyperfoldNode[]): Promise<void> {
    for (let round = 0; round < 2; round++) for (const node of nodes) await node.folders.waitSynced('Docs', 30_000)
  }

  // Once every device has said "in sync" twice over, the three trees are one; that tree.
  async function agreedTree(nodes: HyperfoldNode[], roots: string[]): Promise<Record<string, string>> {
    await settle(nodes)
    await settle(nodes)
    const trees = await Promise.all(roots.map(treeHashes))
    expect(trees[1]).toEqual(trees[0])
    expect(trees[2]).toEqual(trees[0])
    return trees[0]!
  }

  // A and B, paused, each edit doc.txt: A's edit is the older one (10:00), B's the newer (11:00).
  async function editApart(nodes: HyperfoldNode[], roots: string[]): Promise<void> {
    for (const node of nodes.slice(0, 2)) await node.folders.pause('Docs')
    for (const [i, who, hour] of [[0, 'A', 10], [1, 'B', 11]] as const) {
      await fs.writeFile(path.join(roots[i]!, 'doc.txt'), `edit from ${who}\n`)
      await fs.utimes(path.join(roots[i]!, 'doc.txt'), new Date(), new Date(`2026-01-01T${hour}:00:00Z`))
    }
  }

  test('concurrent edits: one winner, the same conflict copy on all three, no byte lost', async () => {
    const { nodes, roots } = await threeSynced()
    const [a, b] = nodes
    await editApart(nodes, roots)
    await a!.folders.resume('Docs')
    await b!.folders.resume('Docs')
    const names = Object.keys(await agreedTree(nodes, roots)).sort()
    const deviceA = a!.status().device.id
    expect(names).toEqual(['doc.sync-conflict-20260101-100000-' + deviceA + '.txt', 'doc.txt', 'keep.txt'])
    for (const root of roots) {
      expect(await fs.readFile(path.join(root, 'doc.txt'), 'utf8')).toBe('edit from B\n')
      expect(await fs.readFile(path.join(root, names[0]!), 'utf8')).toBe('edit from A\n')
    }
    expect(nodes[2]!.folders.info('Docs').conflicts).toBe(1)
  })

  test('an edit beats a concurrent deletion', async () => {
    const { nodes, roots } = await threeSynced()
    const [a, b] = nodes
    await a!.folders.pause('Docs')
    await b!.folders.pause('Docs')
    await fs.rm(path.join(roots[0]!, 'keep.txt'))
    await fs.writeFile(path.join(roots[1]!, 'keep.txt'), 'edited while A deleted it\n')
    await a!.folders.resume('Docs')
    await b!.folders.resume('Docs')
    await settle(nodes)
    await settle(nodes)
    for (const root of roots) expect(await fs.readFile(path.join(root, 'keep.txt'), 'utf8')).toBe('edited while A deleted it\n')
  })

  // A and C hold B's edit, which won the conflict; B then deletes the file
  // without having seen A's edit. A's edit is concurrent with that deletion and
  // beats it: it must come back on A and C too, which hold the loser's vector
  // merged into their record but B's bytes on disk.
  test("a conflict's winner deleted by a device that never saw the loser: the loser wins, on every device", async () => {
    const { nodes, roots } = await threeSynced()
    const [a, b] = nodes
    await editApart(nodes, roots)
    await b!.folders.resume('Docs')
    await b!.folders.waitSynced('Docs', 30_000)
    await b!.folders.pause('Docs')
    await fs.rm(path.join(roots[1]!, 'doc.txt'))
    await a!.folders.resume('Docs')
    for (const node of [a!, nodes[2]!]) await node.folders.waitSynced('Docs', 30_000)
    expect(await fs.readFile(path.join(roots[2]!, 'doc.txt'), 'utf8')).toBe('edit from B\n') // B's edit won the conflict

    await b!.folders.resume('Docs')
    await agreedTree(nodes, roots)
    for (const root of roots) expect(await fs.readFile(path.join(root, 'doc.txt'), 'utf8')).toBe('edit from A\n')
  })

  test('a device that was offline catches up, relayed by a peer when the writer is gone', async () => {
    const { nodes, roots } = await threeSynced()
    const [a, , c] = nodes
    await c!.close()
    await writeTree(roots[0]!, { 'while-away.txt': 'news\n', 'sub/deeper/x.bin': Buffer.alloc(50_000, 1) })
    await nodes[1]!.folders.waitSynced('Docs', 30_000)
    for (;;) {
      await nodes[1]!.folders.waitSynced('Docs', 30_000)
      if ((await treeHashes(roots[1]!))['while-away.txt']) break
      await new Promise((resolve) => setTimeout(resolve, 50))
    }
    await a!.close()

    const cDir = (c as unknown as { opts: { dataDir: string } }).opts.dataDir
    const again = await env.startNode({ dataDir: cDir })
    for (;;) {
      await again.folders.waitSynced('Docs', 30_000)
      if ((await treeHashes(roots[2]!))['sub/deeper/x.bin']) break
      await new Promise((resolve) => setTimeout(resolve, 50))
    }
    expect(await treeHashes(roots[2]!)).toEqual(await treeHashes(roots[1]!))
  })
})
