// A path this disk cannot take as it is (here a symlink in the way) is not
// applied: the folder says so, with the path and why, never "in sync", and
// takes the path in by itself once the disk lets it.
import fs from 'fs/promises'
import path from 'path'
import { afterEach, beforeEach, describe, expect, test } from 'vitest'
import { waitUntil } from '../helpers/cli'
import { TestEnv } from '../helpers/env'
import { joinedNodes, waitOffered, writeTree } from '../helpers/folders'
import type { HyperfoldNode } from '../../main/core/node'

describe('a path that cannot be applied', () => {
  let env: TestEnv
  beforeEach(async () => {
    env = await TestEnv.create()
  })
  afterEach(async () => {
    await env.close()
  })

  test('shows as out of sync with its path and reason, and follows once it can be applied', async () => {
    const { nodes } = await joinedNodes(env, 2)
    const [a, b] = nodes as [HyperfoldNode, HyperfoldNode]
    const [rootA, rootB, elsewhere] = [await env.tmpDir(), await env.tmpDir(), await env.tmpDir()]
    await writeTree(rootA, { 'keep.txt': 'k' })
    await a.folders.share({ path: rootA, topic: 'family', name: 'Docs' })
    await waitOffered(b, 'Docs')
    await b.folders.sync({ folder: 'Docs', path: rootB })
    await b.folders.waitSynced('Docs', 30_000)

    await fs.symlink(elsewhere, path.join(rootB, 'dir'))
    await writeTree(rootA, { 'dir/x.txt': 'x' })
    const info = await waitUntil(async () => {
      const folder = b.folders.info('Docs')
      return folder.state === 'out-of-sync' ? folder : undefined
    }, 'B out of sync')
    expect(info.unapplied.map((u) => u.path)).toContain('/dir/x.txt')
    expect(info.unapplied.find((u) => u.path === '/dir/x.txt')!.reason).toMatch(/symlink/)
    expect(info.lastError).toMatch(/symlink/)
    await expect(b.folders.waitSynced('Docs', 1000)).rejects.toMatchObject({ code: 'TIMEOUT' })
    expect(await fs.readdir(elsewhere)).toEqual([]) // nothing went through the symlink

    await fs.unlink(path.join(rootB, 'dir'))
    await waitUntil(async () => ((await fs.readFile(path.join(rootB, 'dir/x.txt'), 'utf8').catch(() => null)) === 'x' ? true : undefined), 'x.txt on B')
    await b.folders.waitSynced('Docs', 30_000)
    expect(b.folders.info('Docs')).toMatchObject({ state: 'idle', unapplied: [] })
  }, 120_000)
  test('a directory deleted on a peer that holds an ignored file here stays, shown as out of sync, and goes once the file does', async () => {
    const { nodes } = await joinedNodes(env, 2)
    const [a, b] = nodes as [HyperfoldNode, HyperfoldNode]
    const [rootA, rootB] = [await env.tmpDir(), await env.tmpDir()]
    await writeTree(rootA, { '.hyperfoldignore': '*.log\n', 'dir/x.txt': 'x', 'dir/deeper/y.txt': 'y', 'keep.txt': 'k' })
    await a.folders.share({ path: rootA, topic: 'family', name: 'Docs' })
    await waitOffered(b, 'Docs')
    await b.folders.sync({ folder: 'Docs', path: rootB })
    await b.folders.waitSynced('Docs', 30_000)
    await writeTree(rootB, { 'dir/run.log': 'only here, ignored' })

    await fs.rm(path.join(rootA, 'dir'), { recursive: true })
    const info = await waitUntil(async () => {
      const folder = b.folders.info('Docs')
      return folder.state === 'out-of-sync' ? folder : undefined
    }, 'B out of sync')
    expect(info.unapplied).toEqual([{ path: '/dir', reason: expect.stringMatching(/ignored or not synced yet/) as unknown }])
    expect(await fs.readdir(path.join(rootB, 'dir'))).toEqual(['run.log']) // what was synced went, the ignored file stays
    await expect(b.folders.waitSynced('Docs', 1000)).rejects.toMatchObject({ code: 'TIMEOUT' })

    await fs.rm(path.join(rootB, 'dir/run.log'))
    await waitUntil(async () => ((await fs.stat(path.join(rootB, 'dir')).catch(() => null)) === null ? true : undefined), 'dir gone on B')
    await b.folders.waitSynced('Docs', 30_000)
    expect(b.folders.info('Docs')).toMatchObject({ state: 'idle', unapplied: [] })
    expect(await fs.readFile(path.join(rootB, 'keep.txt'), 'utf8')).toBe('k')
  }, 120_000)
})
