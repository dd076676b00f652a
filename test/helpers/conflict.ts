// Two devices that edited one file apart: A's edit (older) lost to B's and is
// kept as a conflict copy on both.
import fs from 'fs/promises'
import path from 'path'
import { conflictCopyName } from '../../main/core/folder/conflict-name'
import type { HyperfoldNode } from '../../main/core/node'
import type { TestEnv } from './env'
import { joinedNodes, treeHashes, waitOffered, writeTree } from './folders'

export interface ConflictedPair {
  nodes: [HyperfoldNode, HyperfoldNode]
  roots: [string, string]
  copy: string // the conflict copy's path in the folder
}

export async function settleDocs(nodes: HyperfoldNode[]): Promise<void> {
  for (let round = 0; round < 2; round++) for (const node of nodes) await node.folders.waitSynced('Docs', 30_000)
}

export async function conflictedPair(env: TestEnv, name = 'doc.txt'): Promise<ConflictedPair> {
  const { nodes } = await joinedNodes(env, 2)
  const [a, b] = nodes as [HyperfoldNode, HyperfoldNode]
  const roots: [string, string] = [await env.tmpDir(), await env.tmpDir()]
  await writeTree(roots[0], { [name]: 'original\n' })
  await a.folders.share({ path: roots[0], topic: 'family', name: 'Docs' })
  await waitOffered(b, 'Docs')
  await b.folders.sync({ folder: 'Docs', path: roots[1] })
  await settleDocs([a, b])
  await Promise.all([a.folders.pause('Docs'), b.folders.pause('Docs')])
  await fs.writeFile(path.join(roots[0], name), 'edit from A\n')
  await fs.utimes(path.join(roots[0], name), new Date(), new Date('2026-01-01T10:00:00Z'))
  await fs.writeFile(path.join(roots[1], name), 'edit from B\n')
  await fs.utimes(path.join(roots[1], name), new Date(), new Date('2026-01-01T11:00:00Z'))
  await Promise.all([a.folders.resume('Docs'), b.folders.resume('Docs')])
  const copy = conflictCopyName(`/${name}`, new Date('2026-01-01T10:00:00Z'), a.status().device.id)
  for (;;) {
    await settleDocs([a, b])
    const trees = await Promise.all(roots.map(treeHashes))
    if (trees.every((tree) => Object.keys(tree).sort().join() === [copy.slice(1), name].sort().join())) break
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
  return { nodes: [a, b], roots, copy }
}
