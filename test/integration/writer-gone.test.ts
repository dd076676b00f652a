import fs from 'fs/promises'
import path from 'path'
import { afterEach, beforeEach, describe, expect, test } from 'vitest'
import { TestEnv } from '../helpers/env'
import { joinedNodes, treeHashes, waitOffered } from '../helpers/folders'

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

  test('the receiver still shuts down, and completes the sync once both are back', async () => {
    const { nodes } = await joinedNodes(env, 2)
    const [a, b] = nodes as [(typeof nodes)[0], (typeof nodes)[0]]
    const [dirA, dirB, idA] = [a.status().dataDir, b.status().dataDir, a.status().device.id]
    const [source, target] = [await env.tmpDir(), path.join(await env.tmpDir(), 'Big')]
    for (let i = 0; i < FILES; i++) await fs.writeFile(path.join(source, `part-${i}.bin`), Buffer.alloc(FILE_BYTES, (i % 250) + 1))
    await a.folders.share({ path: source, topic: 'family', name: 'Big' })
    await waitOffered(b, 'Big')
    await b.folders.sync({ folder: 'Big', path: target })
    while (!(await fs.readdir(target)).some((name) => name.startsWith('part-'))) await new Promise((r) => setTimeout(r, 20))

    // A pull now waits on blocks that no peer will send: closing must not wait with it.
    await a.close()
    const arrived = (await fs.readdir(target)).filter((name) => name.startsWith('part-')).length
    expect(arrived).toBeLessThan(FILES)
    await b.close()

    const a2 = await env.startNode({ dataDir: dirA })
    const b2 = await env.startNode({ dataDir: dirB })
    expect(a2.status().device.id).toBe(idA)
    await b2.folders.waitSynced('Big', 120_000)
    expect(await treeHashes(target)).toEqual(await treeHashes(source))
  }, 180_000)
})
