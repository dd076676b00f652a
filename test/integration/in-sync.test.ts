import fs from 'fs/promises'
import path from 'path'
import { afterEach, beforeEach, describe, expect, test } from 'vitest'
import { TestEnv } from '../helpers/env'
import { joinedNodes, sharedFolder, treeHashes, waitOffered, writeTree } from '../helpers/folders'
import type { HyperfoldNode } from '../../main/core/node'

// "In sync" is a promise about the peers online: a device that has not heard
// from them yet, or has not yet had what they said they hold, must not make it.
describe('in sync with the peers online', () => {
  let env: TestEnv
  beforeEach(async () => {
    env = await TestEnv.create()
  })
  afterEach(async () => {
    await env.close()
  })

  test('a device back from being offline is in sync only once it has what a peer made meanwhile', async () => {
    const { nodes } = await joinedNodes(env, 2)
    const [a, b] = nodes as [HyperfoldNode, HyperfoldNode]
    const [source, target] = [await env.tmpDir(), path.join(await env.tmpDir(), 'Docs')]
    await writeTree(source, { 'notes.txt': 'first' })
    await a.folders.share({ path: source, topic: 'family', name: 'Docs' })
    await waitOffered(b, 'Docs')
    await b.folders.sync({ folder: 'Docs', path: target })
    await b.folders.waitSynced('Docs', 60_000)
    const dirB = b.status().dataDir
    await b.close()

    // Made while B is away; A publishes it (its own drive grows) before B comes back.
    await writeTree(source, { 'notes.txt': 'second, longer', 'new/plan.txt': 'made while B was away' })
    await fs.rm(path.join(source, 'notes.txt'))
    await writeTree(source, { 'renamed.txt': 'second, longer' })
    await sharedFolder(a, 'Docs').scan()
    await a.folders.waitSynced('Docs', 60_000)

    const back = await env.startNode({ dataDir: dirB })
    await back.folders.waitSynced('Docs', 60_000)
    expect(await treeHashes(target)).toEqual(await treeHashes(source))
  }, 120_000)
})
