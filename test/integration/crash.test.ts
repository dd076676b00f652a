import fs from 'fs/promises'
import path from 'path'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { TestEnv } from '../helpers/env'
import { cliJson, startServe, waitUntil } from '../helpers/cli'
import { treeHashes } from '../helpers/folders'
import type { Folder, JoinedTopic } from '../../contract'

const FILES = 8
const FILE_BYTES = 24 * 1024 * 1024

describe('a node killed mid-sync', () => {
  let env: TestEnv
  beforeAll(async () => {
    env = await TestEnv.create()
  })
  afterAll(async () => {
    await env.close()
  })

  test('kill -9 while syncing ~200 MB, restart: the sync completes, identical, with no temp files left', async () => {
    const [dirA, dirB, source] = await Promise.all([env.tmpDir(), env.tmpDir(), env.tmpDir()])
    const target = path.join(await env.tmpDir(), 'Big')
    for (let i = 0; i < FILES; i++) {
      const block = Buffer.alloc(1024 * 1024)
      const handle = await fs.open(path.join(source, `part-${i}.bin`), 'w')
      for (let mb = 0; mb < FILE_BYTES / block.length; mb++) await handle.write(block.fill((i * 31 + mb) % 251))
      await handle.close()
    }
    await startServe(env, dirA)
    const first = await startServe(env, dirB)
    const topic = await cliJson<JoinedTopic>(['--data-dir', dirA, 'topic', 'create', '--label', 'big'])
    await cliJson(['--data-dir', dirB, 'topic', 'join', topic.keyphrase!, '--label', 'big'])
    await cliJson(['--data-dir', dirA, 'share', source, '--topic', 'big', '--name', 'Big'])
    await waitUntil(async () => (await cliJson<Folder[]>(['--data-dir', dirB, 'folders'])).find((f) => f.name === 'Big'), 'the offer')
    await cliJson(['--data-dir', dirB, 'sync', 'Big', target])

    await waitUntil(async () => ((await fs.readdir(target)).some((name) => name.startsWith('part-')) ? true : undefined), 'a first file')
    first.proc.kill('SIGKILL')
    await first.stop()
    const arrived = (await fs.readdir(target)).filter((name) => name.startsWith('part-')).length
    expect(arrived).toBeLessThan(FILES) // it really died mid-sync

    await startServe(env, dirB)
    await cliJson(['--data-dir', dirB, 'status', 'Big', '--wait-synced', '--timeout', '240'])
    expect(await treeHashes(target)).toEqual(await treeHashes(source))
    const leftovers = (await fs.readdir(target, { recursive: true })).filter((name) => name.includes('.hyperfold-tmp-'))
    expect(leftovers).toEqual([])
  }, 300_000) // ~200 MB through two real processes on a 2-core box
})
