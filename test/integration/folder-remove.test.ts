// A folder removed from a device and synced there again starts afresh: what
// the device knew of the old copy's disk is gone with it, so the files missing
// from the new, empty root are fetched, not taken for deletions.
import path from 'path'
import { afterEach, beforeEach, describe, expect, test } from 'vitest'
import { TestEnv } from '../helpers/env'
import { joinedNodes, treeHashes, waitOffered, writeTree } from '../helpers/folders'

describe('a folder removed and synced again', () => {
  let env: TestEnv
  beforeEach(async () => {
    env = await TestEnv.create()
  })
  afterEach(async () => {
    await env.close()
  })

  test('to a new empty path gets every file again and deletes nothing on the other device', { timeout: 120_000 }, async () => {
    const { nodes: [a, b] } = await joinedNodes(env, 2)
    const rootA = await env.tmpDir()
    await writeTree(rootA, { 'notes.txt': 'hello', 'sub/deep.txt': 'deep', 'photo.bin': Buffer.alloc(50_000, 3) })
    await a!.folders.share({ path: rootA, topic: 'family', name: 'Docs' })
    const want = await treeHashes(rootA)

    await waitOffered(b!, 'Docs')
    const first = path.join(await env.tmpDir(), 'Docs')
    await b!.folders.sync({ folder: 'Docs', path: first })
    await b!.folders.waitSynced('Docs', 30_000)
    expect(await treeHashes(first)).toEqual(want)

    expect(await b!.folders.remove('Docs')).toMatchObject({ state: 'available', path: null })
    expect(await treeHashes(first)).toEqual(want) // the files stay where they were

    await waitOffered(b!, 'Docs')
    const second = path.join(await env.tmpDir(), 'Docs')
    await b!.folders.sync({ folder: 'Docs', path: second })
    await b!.folders.waitSynced('Docs', 30_000)
    expect(await treeHashes(second)).toEqual(want)
    expect(b!.folders.info('Docs')).toMatchObject({ state: 'idle', files: 3 })
    await a!.folders.waitSynced('Docs', 30_000)
    expect(await treeHashes(rootA)).toEqual(want)
    for (const file of ['/notes.txt', '/sub/deep.txt', '/photo.bin']) {
      expect((await a!.folders.history('Docs', file)).map((v) => v.deleted)).toEqual([false])
    }
  })
})
