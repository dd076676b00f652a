// Entries no device would write, from a member's modified client: each is
// refused and reported with its path, never applied, never listed; the rest syncs.
import fs from 'fs/promises'
import path from 'path'
import { afterEach, beforeEach, describe, expect, test } from 'vitest'
import { waitUntil } from '../helpers/cli'
import { TestEnv } from '../helpers/env'
import { joinedNodes, ownDrive, treeHashes, waitOffered, writeTree } from '../helpers/folders'
import type { FolderActivity } from '../../contract'

describe('hostile entries in a member drive', () => {
  let env: TestEnv
  beforeEach(async () => {
    env = await TestEnv.create()
  })
  afterEach(async () => {
    await env.close()
  })

  test('a non-canonical key, garbage metadata, a garbage blob id and a symlink are each reported, and ls lists none of them', async () => {
    const { nodes: [attacker, victim] } = await joinedNodes(env, 2)
    const [rootA, rootB] = [await env.tmpDir(), await env.tmpDir()]
    await writeTree(rootA, { 'ok.txt': 'fine\n' })
    const folder = await attacker!.folders.share({ path: rootA, topic: 'family', name: 'Trap' })
    const drive = ownDrive(attacker!, folder.id)
    const legit = (await drive.entry('/ok.txt'))!
    await drive.db.put(Buffer.from('files\0//tmp/x') as unknown as string, legit.value)
    await drive.put('/garbage.txt', Buffer.from('junk'), { metadata: { junk: true } })
    await drive.db.put(Buffer.from('files\0/badblob.txt') as unknown as string, { ...legit.value, blob: { byteOffset: -1 } as unknown as typeof legit.value.blob })
    await drive.symlink('/link', '/etc')

    const refused: FolderActivity[] = []
    victim!.onEvent((m) => {
      if (m.event === 'folder.activity' && (m.payload as FolderActivity).kind === 'refused') refused.push(m.payload as FolderActivity)
    })
    await waitOffered(victim!, 'Trap')
    await victim!.folders.sync({ folder: 'Trap', path: rootB })
    const paths = await waitUntil(async () => {
      const seen = new Set(refused.map((r) => r.path))
      return ['//tmp/x', '/garbage.txt', '/badblob.txt', '/link'].every((p) => seen.has(p)) ? [...seen].sort() : undefined
    }, 'every hostile entry reported')
    expect(paths).toEqual(['//tmp/x', '/badblob.txt', '/garbage.txt', '/link'])
    expect(refused.find((r) => r.path === '/link')!.message).toMatch(/symlink/)
    await victim!.folders.waitSynced('Trap', 30_000)

    expect(Object.keys(await treeHashes(rootB))).toEqual(['ok.txt'])
    expect(await fs.readdir(path.join(rootB))).not.toContain('tmp')
    expect((await victim!.folders.ls('Trap', '/')).map((e) => e.name)).toEqual(['ok.txt'])
  }, 120_000)
})
