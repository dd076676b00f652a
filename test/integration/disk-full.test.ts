import fs from 'fs/promises'
import path from 'path'
import { execFileSync } from 'child_process'
import { afterEach, beforeEach, describe, expect, test } from 'vitest'
import { waitUntil } from '../helpers/cli'
import { TestEnv } from '../helpers/env'
import { joinedNodes, treeHashes, waitOffered } from '../helpers/folders'
import type { HyperfoldNode } from '../../main/core/node'

const FILE_BYTES = 600 * 1024

describe('a disk that fills up while a folder syncs', () => {
  let env: TestEnv
  beforeEach(async () => {
    env = await TestEnv.create()
  })
  afterEach(async () => {
    await env.close()
  })

  // A real full disk: a 1 MiB tmpfs, which only root may mount.
  test('stops with a readable error, leaves no partial file, and finishes by itself once there is room', async (ctx) => {
    const small = await env.tmpDir()
    try {
      execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', small], { stdio: 'ignore' })
    } catch {
      ctx.skip('mounting a small tmpfs needs root')
    }
    env.defer(async () => execFileSync('umount', ['-l', small], { stdio: 'ignore' }))

    const { nodes } = await joinedNodes(env, 2)
    const [a, b] = nodes as [HyperfoldNode, HyperfoldNode]
    const source = await env.tmpDir()
    for (let i = 0; i < 4; i++) await fs.writeFile(path.join(source, `part-${i}.bin`), Buffer.alloc(FILE_BYTES, i + 1))
    await a.folders.share({ path: source, topic: 'family', name: 'Big' })
    await waitOffered(b, 'Big')
    const target = path.join(small, 'Big')
    await b.folders.sync({ folder: 'Big', path: target })

    await waitUntil(async () => (b.folders.info('Big').state === 'error' ? true : undefined), 'the disk-full error')
    expect(b.folders.info('Big').lastError).toMatch(/^The disk is full: could not write /)
    const names = await fs.readdir(target)
    expect(names.filter((n) => n.startsWith('.hyperfold-tmp-'))).toEqual([])
    for (const name of names.filter((n) => n.startsWith('part-'))) expect((await fs.stat(path.join(target, name))).size).toBe(FILE_BYTES)

    execFileSync('mount', ['-o', 'remount,size=16m', small])
    await waitUntil(async () => (b.folders.info('Big').state === 'idle' ? true : undefined), 'the retried pull')
    await b.folders.waitSynced('Big', 60_000)
    expect(b.folders.info('Big').lastError).toBeNull()
    expect(await treeHashes(target)).toEqual(await treeHashes(source))
  }, 120_000)
})
