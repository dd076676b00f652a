// A conflict made by two devices editing apart, settled through the API with
// each choice: the choice reaches both devices as an ordinary edit, and the
// version it replaced stays in history.
import fs from 'fs/promises'
import path from 'path'
import { afterEach, beforeEach, describe, expect, test } from 'vitest'
import { dispatch } from '../../main/api/dispatch'
import { createHandlers } from '../../main/api/handlers'
import type { Conflict, ConflictKeep, ConflictResolved } from '../../contract'
import type { HyperfoldNode } from '../../main/core/node'
import { TestEnv } from '../helpers/env'
import { joinedNodes, treeHashes, waitOffered, writeTree } from '../helpers/folders'

describe('a conflict settled through the API converges on every device', () => {
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

  // A edits doc.txt to "edit from A" (older), B to "edit from B" (newer) while both are paused: B wins, A's edit is the copy.
  async function conflicted(): Promise<{ nodes: HyperfoldNode[]; roots: string[]; copy: string }> {
    const { nodes } = await joinedNodes(env, 2)
    const [a, b] = nodes as [HyperfoldNode, HyperfoldNode]
    const roots = [await env.tmpDir(), await env.tmpDir()]
    await writeTree(roots[0]!, { 'doc.txt': 'original\n' })
    await a.folders.share({ path: roots[0]!, topic: 'family', name: 'Docs' })
    await waitOffered(b, 'Docs')
    await b.folders.sync({ folder: 'Docs', path: roots[1]! })
    await settle(nodes)
    await Promise.all([a.folders.pause('Docs'), b.folders.pause('Docs')])
    await fs.writeFile(path.join(roots[0]!, 'doc.txt'), 'edit from A\n')
    await fs.utimes(path.join(roots[0]!, 'doc.txt'), new Date(), new Date('2026-01-01T10:00:00Z'))
    await fs.writeFile(path.join(roots[1]!, 'doc.txt'), 'edit from B\n')
    await fs.utimes(path.join(roots[1]!, 'doc.txt'), new Date(), new Date('2026-01-01T11:00:00Z'))
    await Promise.all([a.folders.resume('Docs'), b.folders.resume('Docs')])
    await settle(nodes)
    await settle(nodes)
    const copy = `/doc.sync-conflict-20260101-100000-${a.status().device.id}.txt`
    expect(Object.keys(await treeHashes(roots[1]!)).sort()).toEqual([copy.slice(1), 'doc.txt'])
    return { nodes, roots, copy }
  }

  async function call<T>(node: HyperfoldNode, command: string, input: unknown): Promise<T> {
    const outcome = await dispatch(createHandlers(node), command, input)
    if (!outcome.ok) throw new Error(`${outcome.error.code}: ${outcome.error.message}`)
    return outcome.result as T
  }

  // Both devices hold the same tree, the one expected.
  async function converged(nodes: HyperfoldNode[], roots: string[], expected: Record<string, string>): Promise<void> {
    for (;;) {
      await settle(nodes)
      const trees = await Promise.all(roots.map(read))
      if (trees.every((tree) => JSON.stringify(tree) === JSON.stringify(expected))) return
      await new Promise((resolve) => setTimeout(resolve, 50))
    }
  }

  test.each<[ConflictKeep, Record<string, string>]>([
    ['original', { 'doc.txt': 'edit from B\n' }],
    ['copy', { 'doc.txt': 'edit from A\n' }],
    ['both', { 'doc (from device-0).txt': 'edit from A\n', 'doc.txt': 'edit from B\n' }]
  ])('keep=%s: listed, settled on one device, the same tree on both, the replaced version in history', async (keep, tree) => {
    const { nodes, roots, copy } = await conflicted()
    const [a, b] = nodes as [HyperfoldNode, HyperfoldNode]

    const listed = await call<Conflict[]>(b, 'folder.conflicts', { folder: 'Docs' })
    expect(listed).toEqual([
      expect.objectContaining({ original: '/doc.txt', copy, originalSize: 12, copySize: 12, device: a.status().device.id, deviceName: 'device-0' })
    ])

    const resolved = await call<ConflictResolved>(b, 'folder.resolve-conflict', { folder: 'Docs', copy, keep })
    expect(resolved.conflicts).toBe(0)
    await converged(nodes, roots, tree)
    for (const node of nodes) {
      expect(node.folders.info('Docs').conflicts).toBe(0)
      expect(await call<Conflict[]>(node, 'folder.conflicts', { folder: 'Docs' })).toEqual([])
    }

    // What was replaced or removed is still a version in history, on both devices: B's edit under
    // doc.txt when the copy's content replaced it; the copy itself, then its deletion, otherwise.
    for (const node of nodes) {
      const versions = await node.folders.history('Docs', keep === 'copy' ? '/doc.txt' : copy)
      if (keep === 'copy') expect(versions.filter((v) => !v.deleted).length).toBeGreaterThanOrEqual(4) // original, A's edit, B's edit, the kept copy
      else expect(versions.map((v) => v.deleted).sort()).toEqual([false, true])
    }
  }, 120_000)

  test('bad input answers one line with a stable code', async () => {
    const { nodes, copy } = await conflicted()
    const b = nodes[1]!
    const codeOf = async (input: unknown) => {
      const outcome = await dispatch(createHandlers(b), 'folder.resolve-conflict', input)
      return outcome.ok ? null : outcome.error.code
    }
    expect(await codeOf({ folder: 'Docs', copy: '/doc.txt', keep: 'copy' })).toBe('NOT_A_CONFLICT')
    expect(await codeOf({ folder: 'Docs', copy: '/x.sync-conflict-20260101-100000-abc.txt', keep: 'copy' })).toBe('FILE_NOT_FOUND')
    expect(await codeOf({ folder: 'Nope', copy, keep: 'copy' })).toBe('FOLDER_NOT_FOUND')
    expect(await codeOf({ folder: 'Docs', copy: '/../outside.sync-conflict-20260101-100000-abc.txt', keep: 'copy' })).toBe('PATH_UNSAFE')
    expect(await codeOf({ folder: 'Docs', copy, keep: 'neither' })).toBe('BAD_INPUT')
    expect(b.folders.info('Docs').conflicts).toBe(1)
  }, 120_000)
})

async function read(root: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {}
  for (const rel of Object.keys(await treeHashes(root)).sort()) out[rel] = await fs.readFile(path.join(root, rel), 'utf8')
  return out
}
