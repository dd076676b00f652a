// `hyperfold conflicts` and `hyperfold resolve` against a running node. A file
// named like a conflict copy is one, whoever made it: one node is enough here
// (test/integration/conflict-resolve.test.ts makes real ones on two).
import fs from 'fs/promises'
import path from 'path'
import { afterAll, beforeAll, describe, expect, test, vi } from 'vitest'
import { TestEnv } from '../helpers/env'
import { cliJson, runCli, startServe, waitUntil } from '../helpers/cli'
import { writeTree } from '../helpers/folders'
import type { Conflict, ConflictResolved, Folder } from '../../contract'

vi.setConfig({ testTimeout: 120_000, hookTimeout: 120_000 })

const COPY = '/doc.sync-conflict-20260101-100000-abcd1234.txt'

describe('conflicts through the CLI', () => {
  let env: TestEnv
  let dir: string
  let root: string

  beforeAll(async () => {
    env = await TestEnv.create()
    ;[dir, root] = await Promise.all([env.tmpDir(), env.tmpDir()])
    await writeTree(root, { 'doc.txt': 'mine\n', [COPY.slice(1)]: 'theirs, longer\n' })
    await startServe(env, dir)
    await cliJson(['--data-dir', dir, 'topic', 'create', '--label', 'family'])
    await cliJson<Folder>(['--data-dir', dir, 'share', root, '--topic', 'family', '--name', 'Docs'])
    await cliJson(['--data-dir', dir, 'status', 'Docs', '--wait-synced'])
  })
  afterAll(async () => {
    await env.close()
  })

  test('conflicts lists the copy; resolve refuses what is not one in one line, and keeps both under a plain name', async () => {
    const listed = await cliJson<Conflict[]>(['--data-dir', dir, 'conflicts', 'Docs'])
    expect(listed).toEqual([expect.objectContaining({ original: '/doc.txt', copy: COPY, originalSize: 5, copySize: 15, device: 'abcd1234', deviceName: 'abcd1234' })])
    const table = await runCli(['--data-dir', dir, 'conflicts', 'Docs'])
    expect(table.stdout.split('\n')[1]).toMatch(/^\/doc\.txt\s+\/doc\.sync-conflict-20260101-100000-abcd1234\.txt\s+5\s/)

    const wrong = await runCli(['--data-dir', dir, 'resolve', 'Docs', '/doc.txt', '--keep', 'copy'])
    expect(wrong.code).toBe(1)
    expect(wrong.stderr).toBe('hyperfold: /doc.txt is not a conflict copy (its name has no ".sync-conflict-" part).\n')
    const json = await runCli(['--data-dir', dir, 'resolve', 'Docs', '/doc.txt', '--keep', 'copy', '--json'])
    expect(JSON.parse(json.stdout)).toMatchObject({ ok: false, error: { code: 'NOT_A_CONFLICT' } })
    const badKeep = await runCli(['--data-dir', dir, 'resolve', 'Docs', COPY, '--keep', 'neither', '--json'])
    expect(JSON.parse(badKeep.stdout)).toMatchObject({ ok: false, error: { code: 'BAD_INPUT' } })

    const resolved = await cliJson<ConflictResolved>(['--data-dir', dir, 'resolve', 'Docs', COPY, '--keep', 'both'])
    expect(resolved).toEqual({ kept: ['/doc.txt', '/doc (from abcd1234).txt'], conflicts: 0 })
    expect((await fs.readdir(root)).filter((n) => !n.startsWith('.hyperfold')).sort()).toEqual(['doc (from abcd1234).txt', 'doc.txt'])
    expect(await fs.readFile(path.join(root, 'doc (from abcd1234).txt'), 'utf8')).toBe('theirs, longer\n')
    await waitUntil(async () => ((await cliJson<{ folder: Folder }>(['--data-dir', dir, 'status', 'Docs'])).folder.conflicts === 0 ? true : undefined), 'no conflict left')
    expect(await cliJson<Conflict[]>(['--data-dir', dir, 'conflicts', 'Docs'])).toEqual([])
  })
})
