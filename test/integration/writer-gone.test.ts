import fs from 'fs/promises'
import path from 'path'
import { afterEach, beforeEach, describe, expect, test } from 'vitest'
import { TestEnv } from '../helpers/env'
import { joinedNodes, treeHashes, waitOffered } from '../helpers/folders'
import type { HyperfoldNode } from '../../main/core/node'

// More files than a pull applies at once, so that the first ones land well before the last.
const FILES = 48
const FILE_BYTES = 2 * 1024 * 1024

describe('the only writer leaves mid-sync', () => {
  let env: TestEnv
  beforeEach(async () => {
    env = await TestEnv.create()
  })
  afterEach(async () => {
    await env.close()
  })

  // A shares, B syncs; A closes once B has its first file: B's pull now waits on blocks no peer will send.
  async function writerGoneMidSync(): Promise<{ dirA: string; b: HyperfoldNode; source: string; target: string }> {
    const { nodes } = await joinedNodes(env, 2)
    const [a, b] = nodes as [HyperfoldNode, HyperfoldNode]
    const [source, target] = [await env.tmpDir(), path.join(await env.tmpDir(), 'Big')]
    for (let i = 0; i < FILES; i++) await fs.writeFile(path.join(source, `part-${i}.bin`), Buffer.alloc(FILE_BYTES, (i % 250) + 1))
    await a.folders.share({ path: source, topic: 'family', name: 'Big' })
    await waitOffered(b, 'Big')
    await b.folders.sync({ folder: 'Big', path: target })
    while (!(await fs.readdir(target)).some((name) => name.startsWith('part-'))) await new Promise((r) => setTimeout(r, 20))
    const dirA = a.status().dataDir
    await a.close()
    const arrived = (await fs.readdir(target)).filter((name) => name.startsWith('part-')).length
    expect(arrived).toBeLessThan(FILES) // it really left mid-sync
    return { dirA, b, source, target }
  }

  test('the receiver still shuts down, and completes the sync once both are back', async () => {
    const { dirA, b, source, target } = await writerGoneMidSync()
    const dirB = b.status().dataDir
    await b.close()

    await env.startNode({ dataDir: dirA })
    const b2 = await env.startNode({ dataDir: dirB })
    await b2.folders.waitSynced('Big', 120_000)
    expect(await treeHashes(target)).toEqual(await treeHashes(source))
  }, 180_000)

  test('the receiver can still pause, shows no error, and completes the sync on resume', async () => {
    const { dirA, b, source, target } = await writerGoneMidSync()
    await b.folders.pause('Big')
    expect(b.folders.info('Big')).toMatchObject({ state: 'paused', lastError: null })

    await env.startNode({ dataDir: dirA })
    await b.folders.resume('Big')
    await b.folders.waitSynced('Big', 120_000)
    expect(await treeHashes(target)).toEqual(await treeHashes(source))
  }, 180_000)
})
