import fs from 'fs/promises'
import path from 'path'
import b4a from 'b4a'
import { afterEach, beforeEach, describe, expect, test } from 'vitest'
import { waitUntil } from '../helpers/cli'
import { TestEnv } from '../helpers/env'
import { fileHolds, joinedNodes, ownDrive, sharedFolder, waitOffered, writeTree } from '../helpers/folders'
import type { FolderActivity } from '../../contract/types'
import type { HyperfoldNode } from '../../main/core/node'

describe('a peer whose entry points at bytes it does not have', () => {
  let env: TestEnv
  beforeEach(async () => {
    env = await TestEnv.create()
  })
  afterEach(async () => {
    await env.close()
  })

  test('costs only that file: reported once, and every other file, writer and local edit still syncs', async () => {
    const { nodes } = await joinedNodes(env, 3)
    const [liar, victim, honest] = nodes as [HyperfoldNode, HyperfoldNode, HyperfoldNode]
    const [rootL, rootV, rootH] = [await env.tmpDir(), await env.tmpDir(), await env.tmpDir()]
    await writeTree(rootL, { 'ok.txt': 'fine\n' })
    const folder = await liar.folders.share({ path: rootL, topic: 'family', name: 'Docs' })

    // A signed entry in the liar's own drive, as a modified client could write
    // it, whose blob (its chunk list) lies past the end of its blobs core.
    const drive = ownDrive(liar, folder.id)
    const legit = (await drive.entry('/ok.txt'))!
    const length = (await drive.getBlobs()).core.length
    const meta = legit.value.metadata as { device: string }
    await drive.db.put(Buffer.from('files\0/lie.bin') as unknown as string, {
      ...legit.value,
      blob: { byteOffset: 1 << 20, blockOffset: length + 50, blockLength: 2, byteLength: 20 },
      metadata: { ...meta, manifest: undefined, size: 20, vv: { [meta.device]: 1 } } // its chunk list "in the blob"
    })
    const liarId = b4a.toString(drive.key, 'hex').slice(0, 8)

    const reports: FolderActivity[] = []
    victim.onEvent((message) => {
      if (message.event !== 'folder.activity') return
      const activity = message.payload as FolderActivity
      if (activity.path === '/lie.bin') reports.push(activity)
    })
    await waitOffered(victim, 'Docs')
    await waitOffered(honest, 'Docs')
    await victim.folders.sync({ folder: 'Docs', path: rootV })
    await honest.folders.sync({ folder: 'Docs', path: rootH })
    await waitUntil(() => fileHolds(path.join(rootV, 'ok.txt'), 'fine\n'), 'ok.txt on the victim')
    await waitUntil(async () => (reports.length > 0 ? true : undefined), 'the report of lie.bin')

    await fs.writeFile(path.join(rootL, 'later.txt'), 'honest, later\n')
    await fs.writeFile(path.join(rootH, 'other.txt'), 'from another writer\n')
    await waitUntil(() => fileHolds(path.join(rootV, 'later.txt'), 'honest, later\n'), 'the liar’s later file on the victim')
    await waitUntil(() => fileHolds(path.join(rootV, 'other.txt'), 'from another writer\n'), 'the other writer’s file on the victim')
    await fs.writeFile(path.join(rootV, 'mine.txt'), 'the victim’s own edit\n')
    await waitUntil(() => fileHolds(path.join(rootH, 'mine.txt'), 'the victim’s own edit\n'), 'the victim’s edit on the other writer')
    await waitUntil(() => fileHolds(path.join(rootL, 'mine.txt'), 'the victim’s own edit\n'), 'the victim’s edit on the liar')

    expect(reports).toHaveLength(1)
    expect(reports[0]).toMatchObject({ kind: 'error', path: '/lie.bin' })
    expect(reports[0]!.message).toContain(`Writer ${liarId}`)
    await expect(fs.stat(path.join(rootV, 'lie.bin'))).rejects.toThrow()
    // Held back, the file keeps the folder from saying it is in sync.
    const shared = sharedFolder(victim, 'Docs')
    expect(victim.folders.info('Docs').unapplied).toEqual([{ path: '/lie.bin', reason: expect.stringContaining(`Writer ${liarId}`) as unknown }])
    expect(shared.isSynced()).toBe(false)
  }, 120_000)
})
