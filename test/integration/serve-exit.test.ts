import fs from 'fs/promises'
import path from 'path'
import { spawn } from 'child_process'
import { once } from 'events'
import { createInterface } from 'readline'
import createTestnet from 'hyperdht/testnet.js'
import { afterEach, describe, expect, test } from 'vitest'
import { TestEnv } from '../helpers/env'
import { cliJson } from '../helpers/cli'
import { writeTree } from '../helpers/folders'
import type { Folder, JoinedTopic } from '../../contract'

const BIN = path.resolve(import.meta.dirname, '../../bin/hyperfold.js')
// Before, a node whose DHT bootstrap had gone took 3 to 13 s to exit while it
// tried to tell the vanished DHT it was leaving. A user pressing Ctrl-C, or a
// service manager's stop, must not wait for that.
const PROMPT_EXIT_MS = 2_500

describe('hyperfold serve stops promptly', () => {
  let env: TestEnv | null = null
  afterEach(async () => {
    await env?.close()
  })

  test('SIGTERM after the DHT bootstrap is gone: exits at once, storage closed and the data dir free', async () => {
    env = await TestEnv.create() // temp dirs and a second node; the serve process gets its own testnet below
    const testnet = await createTestnet(3, { host: '127.0.0.1' })
    const bootstrap = testnet.bootstrap.map((n) => `${n.host}:${n.port}`).join(',')
    const [dataDir, root] = [await env.tmpDir(), await env.tmpDir()]
    await writeTree(root, { 'a.txt': 'a\n' })
    const proc = spawn(process.execPath, [BIN, '--data-dir', dataDir, '--bootstrap', bootstrap, 'serve', '--json'], { stdio: ['ignore', 'pipe', 'pipe'] })
    const exited = once(proc, 'exit').then(([code]) => code as number | null)
    env.defer(async () => {
      if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGKILL')
      await exited
    })
    await once(createInterface({ input: proc.stdout! }), 'line')
    const topic = await cliJson<JoinedTopic>(['--data-dir', dataDir, 'topic', 'create', '--label', 'family'])
    await cliJson<Folder>(['--data-dir', dataDir, 'share', root, '--topic', 'family', '--name', 'Docs'])

    await testnet.destroy()
    const start = Date.now()
    proc.kill('SIGTERM')
    const code = await exited
    expect(Date.now() - start).toBeLessThan(PROMPT_EXIT_MS)
    expect(code).toBe(0)
    expect(await fs.readdir(dataDir)).not.toContain('node.lock')

    const again = await env.startNode({ dataDir })
    expect(again.listTopics().map((t) => t.id)).toEqual([topic.id])
    expect(again.folders.info('Docs').files).toBe(1)
  }, 60_000)
})
