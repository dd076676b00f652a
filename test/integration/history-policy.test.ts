import fs from 'fs/promises'
import path from 'path'
import { afterAll, beforeAll, describe, expect, test, vi } from 'vitest'
import { TestEnv, nextEvent } from '../helpers/env'
import { cliJson, runCli, startServe } from '../helpers/cli'
import { writeTree } from '../helpers/folders'
import type { Folder, JoinedTopic } from '../../contract'

// Real processes, and a CLI process per command: slower than in-process tests, so longer limits.
vi.setConfig({ testTimeout: 180_000, hookTimeout: 120_000 })

describe('hyperfold folder history-policy <folder> --retention --own', () => {
  let env: TestEnv
  beforeAll(async () => {
    env = await TestEnv.create()
  })
  afterAll(async () => {
    await env.close()
  })

  test('a new folder keeps staggered history and its own versions; a change survives a restart of the node', async () => {
    const [dataDir, notes] = await Promise.all([env.tmpDir(), env.tmpDir()])
    await writeTree(notes, { 'todo.txt': 'one\n' })
    const serve = await startServe(env, dataDir)
    await cliJson<JoinedTopic>(['--data-dir', dataDir, 'topic', 'create', '--label', 'home'])
    const shared = await cliJson<Folder>(['--data-dir', dataDir, 'share', notes, '--topic', 'home', '--name', 'Notes'])
    expect(shared.history).toEqual({ retention: 'staggered', own: true })

    const set = await cliJson<Folder>(['--data-dir', dataDir, 'folder', 'history-policy', 'Notes', '--retention', 'all', '--own', 'off'])
    expect(set).toMatchObject({ name: 'Notes', history: { retention: 'all', own: false } })
    // One key alone leaves the other as it was; the human output says both.
    const human = await runCli(['--data-dir', dataDir, 'folder', 'history-policy', 'notes', '--retention', 'off'])
    expect(human.stdout).toMatch(/^history\.retention: off$/m)
    expect(human.stdout).toMatch(/^history\.own: false$/m)

    expect(await serve.stop()).toBe(0)
    await startServe(env, dataDir)
    const [after] = await cliJson<Folder[]>(['--data-dir', dataDir, 'folders'])
    expect(after).toMatchObject({ name: 'Notes', history: { retention: 'off', own: false } })
    const back = await cliJson<Folder>(['--data-dir', dataDir, 'folder', 'history-policy', 'Notes', '--own', 'on'])
    expect(back.history).toEqual({ retention: 'off', own: true })
  })

  test('a bad value is BAD_INPUT in one line, and the setting stays as it was', async () => {
    const [dataDir, notes] = await Promise.all([env.tmpDir(), env.tmpDir()])
    await startServe(env, dataDir)
    await cliJson<JoinedTopic>(['--data-dir', dataDir, 'topic', 'create', '--label', 'home'])
    await cliJson<Folder>(['--data-dir', dataDir, 'share', notes, '--topic', 'home', '--name', 'Notes'])

    const retention = await runCli(['--data-dir', dataDir, 'folder', 'history-policy', 'Notes', '--retention', 'forever', '--json'])
    expect(retention.code).toBe(1)
    expect(JSON.parse(retention.stdout).error).toEqual({ code: 'BAD_INPUT', message: 'retention: The retention is one of staggered, all, off.' })
    const own = await runCli(['--data-dir', dataDir, 'folder', 'history-policy', 'Notes', '--own', 'maybe'])
    expect(own.stderr).toBe('hyperfold: own: Expected on or off.\n')
    const missing = await runCli(['--data-dir', dataDir, 'folder', 'history-policy', 'Nope', '--retention', 'all', '--json'])
    expect(JSON.parse(missing.stdout).error.code).toBe('FOLDER_NOT_FOUND')

    const [folder] = await cliJson<Folder[]>(['--data-dir', dataDir, 'folders'])
    expect(folder!.history).toEqual({ retention: 'staggered', own: true })
  })
})

describe('the history setting in the state file', () => {
  let env: TestEnv
  beforeAll(async () => {
    env = await TestEnv.create()
  })
  afterAll(async () => {
    await env.close()
  })

  test('a state file from before the setting loads its folders with the default', async () => {
    const [dataDir, notes] = await Promise.all([env.tmpDir(), env.tmpDir()])
    const first = await env.startNode({ dataDir })
    const topic = await first.joinTopic('a long private phrase for the old state file', 'home')
    await first.folders.share({ path: notes, topic: topic.id, name: 'Notes' })
    await first.close()
    const file = path.join(dataDir, 'state.json')
    const state = JSON.parse(await fs.readFile(file, 'utf8')) as { folders: Record<string, unknown>[] }
    for (const folder of state.folders) delete folder.history
    await fs.writeFile(file, JSON.stringify(state))

    const again = await env.startNode({ dataDir })
    expect(again.folders.list()).toMatchObject([{ name: 'Notes', history: { retention: 'staggered', own: true } }])
    const updated = nextEvent(again, 'folder.updated', (f) => f.history.retention === 'all')
    await again.folders.setHistory('Notes', { retention: 'all' })
    expect((await updated).history).toEqual({ retention: 'all', own: true })
  })
})
