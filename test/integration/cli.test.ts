import fs from 'fs/promises'
import path from 'path'
import { afterAll, beforeAll, describe, expect, test, vi } from 'vitest'
import { TestEnv } from '../helpers/env'
import { cliJson, runCli, startServe, waitUntil } from '../helpers/cli'
import type { JoinedTopic, NodeStatus, Peer, Topic } from '../../contract'

// Real processes, and a CLI process per command: slower than in-process tests, so longer limits.
vi.setConfig({ testTimeout: 180_000, hookTimeout: 120_000 })

describe('the hyperfold CLI against serve processes', () => {
  let env: TestEnv
  let dirA: string
  let dirB: string

  beforeAll(async () => {
    env = await TestEnv.create()
    ;[dirA, dirB] = await Promise.all([env.tmpDir(), env.tmpDir()])
  })
  afterAll(async () => {
    await env.close()
  })

  test('name, create, join, then each lists the other as a peer', async () => {
    await Promise.all([startServe(env, dirA), startServe(env, dirB)])
    await cliJson(['--data-dir', dirA, 'name', 'set', 'laptop'])
    await cliJson(['--data-dir', dirB, 'name', 'set', 'desktop'])
    const created = await cliJson<JoinedTopic>(['--data-dir', dirA, 'topic', 'create', '--label', 'family'])
    expect(created.keyphrase?.split(' ')).toHaveLength(8)
    const joined = await cliJson<JoinedTopic>(['--data-dir', dirB, 'topic', 'join', created.keyphrase!])
    expect(joined.id).toBe(created.id)

    const peers = await waitUntil(async () => {
      const list = await cliJson<Peer[]>(['--data-dir', dirB, 'peers'])
      return list.length > 0 ? list : undefined
    }, 'B to list A')
    const statusA = await cliJson<NodeStatus>(['--data-dir', dirA, 'status'])
    expect(peers).toEqual([
      expect.objectContaining({ name: 'laptop', deviceId: statusA.device.id, topics: [created.id], connection: 'direct' })
    ])
    expect(peers[0]!.address).toMatch(/^127\.0\.0\.1:\d+$/)
    expect(peers[0]!.rttMs).toBeGreaterThanOrEqual(0)
    expect(Date.parse(peers[0]!.since)).not.toBeNaN()

    const onFamily = await waitUntil(async () => {
      const list = await cliJson<Peer[]>(['--data-dir', dirA, 'peers', '--topic', 'family'])
      return list.length > 0 ? list : undefined
    }, 'A to list B on family')
    expect(onFamily.map((p) => p.name)).toEqual(['desktop'])
    expect(await cliJson<Topic[]>(['--data-dir', dirA, 'topics'])).toEqual([expect.objectContaining({ label: 'family' })])

    const human = await runCli(['--data-dir', dirA, 'topics'])
    expect(human.stdout).toMatch(/^id\s+label\s+peers\s+joinedAt\n\S+\s+family\s+1\s/)
  })

  test('bad input answers one readable line and a non-zero exit', async () => {
    const second = await runCli(['--data-dir', dirA, '--bootstrap', env.bootstrapArg, 'serve'])
    expect(second.code).toBe(1)
    expect(second.stderr).toMatch(/^hyperfold: Another Hyperfold node \(pid \d+\) is already running on .+\.\n$/)

    const nowhere = await runCli(['--data-dir', path.join(dirA, 'none'), 'status', '--json'])
    expect(nowhere.code).toBe(1)
    expect(JSON.parse(nowhere.stdout).error.code).toBe('NODE_NOT_RUNNING')

    const bootstrap = await runCli(['--data-dir', await env.tmpDir(), '--bootstrap', 'nowhere', 'serve', '--json'])
    expect(JSON.parse(bootstrap.stdout).error.code).toBe('BAD_BOOTSTRAP')

    const empty = await runCli(['--data-dir', dirA, 'topic', 'join', '   ', '--json'])
    expect(JSON.parse(empty.stdout).error).toEqual({ code: 'KEYPHRASE_EMPTY', message: 'The keyphrase is empty.' })

    const unknown = await runCli(['--data-dir', dirA, 'frobnicate'])
    expect(unknown.code).not.toBe(0)
    expect(unknown.stderr).toMatch(/unknown command 'frobnicate'/)
  })

  test('SIGTERM shuts down cleanly and a restart rejoins the topics', async () => {
    const dir = await env.tmpDir()
    const first = await startServe(env, dir)
    await cliJson(['--data-dir', dir, 'topic', 'join', 'a long and private phrase for this one test'])
    expect(await first.stop()).toBe(0)
    expect((await fs.readdir(dir)).sort()).toEqual(['corestore', 'device.json', 'index', 'state.json'])

    await startServe(env, dir)
    const status = await cliJson<NodeStatus>(['--data-dir', dir, 'status'])
    expect(status.topics).toBe(1)
  })
})
