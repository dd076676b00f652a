// `hyperfold serve` runs its node with the memory settings of bin/tuning.js,
// however it was started, and the process the user started still stands for it:
// its exit code, its signals, and when it is killed outright the node goes too.
import fs from 'fs/promises'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { TestEnv } from '../helpers/env'
import { startServe, waitUntil } from '../helpers/cli'
import { MALLOC_ARENA_MAX, V8_FLAGS } from '../../bin/tuning.js'

describe.runIf(process.platform === 'linux')('hyperfold serve with the memory settings', () => {
  let env: TestEnv
  beforeAll(async () => {
    env = await TestEnv.create()
  })
  afterAll(async () => {
    await env.close()
  })

  test('started without them, the node runs with them; SIGTERM to the command stops it with code 0', async () => {
    const dataDir = await env.tmpDir()
    const serve = await startServe(env, dataDir)
    const node = await nodePid(dataDir)
    expect(node).not.toBe(serve.proc.pid)
    const environ = (await fs.readFile(`/proc/${node}/environ`, 'utf8')).split('\0')
    expect(environ).toContain(`MALLOC_ARENA_MAX=${MALLOC_ARENA_MAX}`)
    const cmdline = (await fs.readFile(`/proc/${node}/cmdline`, 'utf8')).split('\0')
    for (const flag of V8_FLAGS) expect(cmdline).toContain(flag)
    expect(await serve.stop()).toBe(0)
    expect(await alive(node)).toBe(false)
  }, 120_000)

  test('kill -9 of the command takes the node with it: the data dir is free for the next serve', async () => {
    const dataDir = await env.tmpDir()
    const first = await startServe(env, dataDir)
    const node = await nodePid(dataDir)
    first.proc.kill('SIGKILL')
    await first.stop()
    await waitUntil(async () => ((await alive(node)) ? undefined : true), 'the node to go')
    const again = await startServe(env, dataDir)
    expect(await nodePid(dataDir)).not.toBe(node)
    expect(await again.stop()).toBe(0)
  }, 120_000)
})

// The node writes its own pid into the API file the CLI reads.
async function nodePid(dataDir: string): Promise<number> {
  return (JSON.parse(await fs.readFile(`${dataDir}/api.json`, 'utf8')) as { pid: number }).pid
}

async function alive(pid: number): Promise<boolean> {
  const stat = await fs.readFile(`/proc/${pid}/stat`, 'utf8').catch(() => null)
  return stat !== null && !/^\d+ \(.*\) Z/.test(stat)
}
