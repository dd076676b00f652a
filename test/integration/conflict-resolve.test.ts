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
import { conflictedPair, settleDocs } from '../helpers/conflict'
import { treeHashes } from '../helpers/folders'

describe('a conflict settled through the API converges on every device', () => {
  let env: TestEnv
  beforeEach(async () => {
    env = await TestEnv.create()
  })
  afterEach(async () => {
    await env.close()
  })

  async function call<T>(node: HyperfoldNode, command: string, input: unknown): Promise<T> {
    const outcome = await dispatch(createHandlers(node), command, input)
    if (!outcome.ok) throw new Error(`${outcome.error.code}: ${outcome.error.message}`)
    return outcome.result as T
  }

  // Both devices hold the same tree, the one expected.
  async function converged(nodes: HyperfoldNode[], roots: string[], expected: Record<string, string>): Promise<void> {
    for (;;) {
      await settleDocs(nodes)
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
    const { nodes, roots, copy } = await conflictedPair(env)
    const [a, b] = nodes

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

  test('a name so long that its copy had to be shortened: listed with its own name, and settled on it', async () => {
    const long = `${'L'.repeat(230)}.txt`
    const { nodes, roots, copy } = await conflictedPair(env, long)
    const b = nodes[1]!
    expect(copy.startsWith(`/${'L'.repeat(230)}.sync-conflict`)).toBe(false) // its stem lost characters to fit 255 bytes
    const listed = await call<Conflict[]>(b, 'folder.conflicts', { folder: 'Docs' })
    expect(listed).toEqual([expect.objectContaining({ original: `/${long}`, copy, originalSize: 12 })])
    await call<ConflictResolved>(b, 'folder.resolve-conflict', { folder: 'Docs', copy, keep: 'copy' })
    await converged(nodes, roots, { [long]: 'edit from A\n' })
  }, 120_000)

  test('bad input answers one line with a stable code', async () => {
    const { nodes, copy } = await conflictedPair(env)
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
