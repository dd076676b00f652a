// Convergence where it used to break: a path whose type changes (file <->
// directory, either way, at depth), a conflict's losing version after the path
// is deleted, and a directory moved away with a new one made in its place.
// Each ends with every device holding the same tree, and every write kept.
import fs from 'fs/promises'
import path from 'path'
import { afterEach, beforeEach, describe, expect, test } from 'vitest'
import { waitUntil } from '../helpers/cli'
import { TestEnv } from '../helpers/env'
import { joinedNodes, waitOffered, writeTree } from '../helpers/folders'
import type { HyperfoldNode } from '../../main/core/node'

describe('type changes, deletions after conflicts and moved directories converge', () => {
  let env: TestEnv
  const log: string[] = []
  beforeEach(async () => {
    env = await TestEnv.create()
  })
  afterEach(async () => {
    await env.close()
  })

  async function synced(count: number, files: Record<string, string>) {
    const { nodes } = await joinedNodes(env, count)
    for (const [i, node] of nodes.entries()) node.onEvent((m) => { if (m.event === 'folder.activity') log.push(`${i} ${JSON.stringify(m.payload)}`) })
    const roots = await Promise.all(nodes.map(() => env.tmpDir()))
    await writeTree(roots[0]!, files)
    await nodes[0]!.folders.share({ path: roots[0]!, topic: 'family', name: 'Docs' })
    for (const [i, node] of nodes.entries()) {
      if (i === 0) continue
      await waitOffered(node, 'Docs')
      await node.folders.sync({ folder: 'Docs', path: roots[i]! })
    }
    await converged(nodes, roots)
    return { nodes, roots }
  }

  // Every device in sync and holding the same tree (a device that says "in sync" while it differs fails here).
  async function converged(nodes: HyperfoldNode[], roots: string[], what = 'the same tree everywhere'): Promise<Record<string, string>> {
    const probe = async () => {
      for (const node of nodes) await node.folders.waitSynced('Docs', 30_000)
      const trees = await Promise.all(roots.map(treeOf)).catch((err: NodeJS.ErrnoException) => {
        if (err.code === 'ENOENT') return null // a file went between listing and reading: the tree is still changing
        throw err
      })
      if (trees === null || !trees.every((t) => JSON.stringify(t) === JSON.stringify(trees[0]))) return undefined
      return nodes.every((n) => n.folders.info('Docs').state === 'idle') ? trees[0] : undefined
    }
    try {
      return await waitUntil(probe, what, 40_000)
    } catch (err) {
      const states = nodes.map((n) => `${n.folders.info('Docs').state}: ${n.folders.info('Docs').lastError}`)
      throw new Error(`${(err as Error).message}\n${states.join('\n')}\n${JSON.stringify(await Promise.all(roots.map(treeOf)), null, 1)}\n${log.join('\n')}`)
    }
  }

  test('files become directories and directories files, at depth, and back', { timeout: 150_000 }, async () => {
    const { nodes, roots } = await synced(2, { 'f': 'file f', 't/sub/deep.txt': 'deep', 'l/one.txt': '1', 'l/two.txt': '2', 'keep.txt': 'k' })
    const [rootA] = roots as [string]
    await fs.mkdir(path.join(rootA, 'e'))
    await converged(nodes, roots, 'the empty directory e')

    await fs.rmdir(path.join(rootA, 'e'))
    await fs.writeFile(path.join(rootA, 'e'), 'now a file')
    await fs.rm(path.join(rootA, 'f'))
    await writeTree(rootA, { 'f/g': 'inside f' })
    await fs.rm(path.join(rootA, 't'), { recursive: true })
    await fs.writeFile(path.join(rootA, 't'), 'was a tree')
    await fs.rm(path.join(rootA, 'l'), { recursive: true })
    await fs.writeFile(path.join(rootA, 'l'), 'was a list')
    expect(await converged(nodes, roots)).toEqual({ 'e': 'now a file', 'f/': '', 'f/g': 'inside f', 'keep.txt': 'k', 'l': 'was a list', 't': 'was a tree' })

    // And back, this time from B.
    const rootB = roots[1]!
    await fs.rm(path.join(rootB, 'f'), { recursive: true })
    await fs.writeFile(path.join(rootB, 'f'), 'a file again')
    await fs.rm(path.join(rootB, 't'))
    await writeTree(rootB, { 't/sub/deep.txt': 'deep again' })
    expect(await converged(nodes, roots)).toEqual({
      ...{ 'e': 'now a file', 'f': 'a file again', 'keep.txt': 'k', 'l': 'was a list' },
      ...{ 't/': '', 't/sub/': '', 't/sub/deep.txt': 'deep again' }
    })
  })

  test('a directory replaced by a file on one device while another adds a file inside: nothing lost', { timeout: 150_000 }, async () => {
    const { nodes, roots } = await synced(3, { 'd/old.txt': 'old', 'keep.txt': 'k' })
    const [a, b] = nodes as [HyperfoldNode, HyperfoldNode]
    const [rootA, rootB] = roots as [string, string]
    await a.folders.pause('Docs')
    await b.folders.pause('Docs')
    await fs.rm(path.join(rootA, 'd'), { recursive: true })
    await fs.writeFile(path.join(rootA, 'd'), 'd is a file on A')
    await fs.writeFile(path.join(rootB, 'd/new.txt'), 'added on B')
    await a.folders.resume('Docs')
    await b.folders.resume('Docs')

    const tree = await converged(nodes, roots)
    expect(tree['d/new.txt']).toBe('added on B')
    expect(tree['keep.txt']).toBe('k')
    const copies = Object.entries(tree).filter(([p]) => p.startsWith('d.sync-conflict-'))
    expect(copies.map(([, content]) => content)).toEqual(['d is a file on A'])
  })

  test('a directory deleted on one device while another adds a file in it stays with the file, and the file\'s deletion converges', { timeout: 150_000 }, async () => {
    const { nodes, roots } = await synced(2, { 'x/z/old.txt': 'old', 'keep.txt': 'k' })
    const [a] = nodes as [HyperfoldNode]
    const [rootA, rootB] = roots as [string, string]
    await a.folders.pause('Docs')
    await writeTree(rootB, { 'x/z/new.txt': 'new on B' })
    await converged(nodes.slice(1), [rootB], 'new.txt published on B')
    await fs.rm(path.join(rootA, 'x'), { recursive: true })
    await a.folders.resume('Docs')
    expect(await converged(nodes, roots)).toEqual({ 'keep.txt': 'k', 'x/': '', 'x/z/': '', 'x/z/new.txt': 'new on B' })

    await fs.rm(path.join(rootB, 'x/z/new.txt'))
    const after = await converged(nodes, roots)
    expect(after['x/z/new.txt']).toBeUndefined()
    expect(after['keep.txt']).toBe('k')
  })

  test('a conflict loser does not come back once the path is deleted', async () => {
    const { nodes, roots } = await synced(2, { 'keep.txt': 'k' })
    const [a, b] = nodes as [HyperfoldNode, HyperfoldNode]
    const [rootA, rootB] = roots as [string, string]
    await b.folders.pause('Docs')
    await fs.writeFile(path.join(rootA, 'P'), 'written on A')
    await fs.utimes(path.join(rootA, 'P'), new Date(), new Date('2026-01-01T10:00:00Z'))
    await converged([a], [rootA], 'P published on A')
    await fs.writeFile(path.join(rootB, 'P'), 'written on B')
    await fs.utimes(path.join(rootB, 'P'), new Date(), new Date('2026-01-01T11:00:00Z'))
    await b.folders.resume('Docs')
    const withCopy = await converged(nodes, roots)
    expect(withCopy['P']).toBe('written on B')
    expect(Object.keys(withCopy).filter((p) => p.startsWith('P.sync-conflict-'))).toHaveLength(1)

    await fs.rm(path.join(rootB, 'P'))
    const after = await converged(nodes, roots)
    expect(after['P']).toBeUndefined()
    expect(Object.values(after)).toContain('written on A') // the copy stays
  })

  test('a directory moved away with a new one made in its place moves, not copies', async () => {
    const { nodes, roots } = await synced(2, { 'd/a.txt': 'a', 'd/sub/b.txt': 'b' })
    const rootA = roots[0]!
    await fs.rename(path.join(rootA, 'd'), path.join(rootA, 'd2'))
    await fs.mkdir(path.join(rootA, 'd'))
    expect(await converged(nodes, roots)).toEqual({ 'd/': '', 'd2/': '', 'd2/a.txt': 'a', 'd2/sub/': '', 'd2/sub/b.txt': 'b' })
  })
})

// Relative path -> content for files, '' for directories (with a trailing slash), leaving out Hyperfold's marker.
async function treeOf(root: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {}
  for (const entry of await fs.readdir(root, { recursive: true, withFileTypes: true })) {
    const rel = path.relative(root, path.join(entry.parentPath, entry.name)).split(path.sep).join('/')
    if (rel.startsWith('.hyperfold')) continue
    if (entry.isDirectory()) out[rel + '/'] = ''
    else if (entry.isFile()) out[rel] = await fs.readFile(path.join(root, rel), 'utf8')
  }
  return Object.fromEntries(Object.entries(out).sort(([a], [b]) => (a < b ? -1 : 1)))
}
