// The CLI makes every local path absolute from its own directory, and shows
// what peers chose (names) and what callers typed (references) escaped, on one line.
import { execFile } from 'child_process'
import fs from 'fs/promises'
import path from 'path'
import { afterAll, beforeAll, describe, expect, test, vi } from 'vitest'
import type { Folder, JoinedTopic } from '../../contract'
import { type CliResult, cliJson, startServe, waitUntil } from '../helpers/cli'
import { TestEnv } from '../helpers/env'
import { writeTree } from '../helpers/folders'

vi.setConfig({ testTimeout: 180_000, hookTimeout: 120_000 })

const BIN = path.resolve(import.meta.dirname, '../../bin/hyperfold.js')

// `hyperfold` run from a directory of its own, not the node's.
function cliIn(cwd: string, args: string[]): Promise<CliResult> {
  return new Promise((resolve) => {
    execFile(process.execPath, [BIN, ...args], { cwd, timeout: 60_000 }, (err, stdout, stderr) => {
      resolve({ code: err === null ? 0 : typeof err.code === 'number' ? err.code : 1, stdout, stderr })
    })
  })
}

async function jsonIn<T>(cwd: string, args: string[]): Promise<T> {
  const result = await cliIn(cwd, [...args, '--json'])
  if (result.code !== 0) throw new Error(`hyperfold ${args.join(' ')} failed: ${result.stdout}${result.stderr}`)
  return JSON.parse(result.stdout) as T
}

describe('the CLI and local paths', () => {
  let env: TestEnv
  let dataA: string
  let dataB: string
  let workA: string
  let workB: string

  beforeAll(async () => {
    env = await TestEnv.create()
    ;[dataA, dataB, workA, workB] = await Promise.all([env.tmpDir(), env.tmpDir(), env.tmpDir(), env.tmpDir()])
    await writeTree(path.join(workA, 'Photos'), { 'a.txt': 'from A\n' })
    await Promise.all([startServe(env, dataA), startServe(env, dataB)])
    const created = await cliJson<JoinedTopic>(['--data-dir', dataA, 'topic', 'create', '--label', 'family'])
    await cliJson(['--data-dir', dataB, 'topic', 'join', created.keyphrase!, '--label', 'family'])
  })
  afterAll(async () => {
    await env.close()
  })

  test('share, sync and get take a relative path from where the CLI runs', async () => {
    const shared = await jsonIn<Folder>(workA, ['--data-dir', dataA, 'share', 'Photos', '--topic', 'family'])
    expect(shared.path).toBe(path.join(workA, 'Photos'))
    await waitUntil(async () => (await jsonIn<Folder[]>(workB, ['--data-dir', dataB, 'folders'])).find((f) => f.name === 'Photos'), 'the offer on B')

    const got = await jsonIn<{ path: string }>(workB, ['--data-dir', dataB, 'get', 'Photos', '/a.txt', 'a-copy.txt'])
    expect(got.path).toBe(path.join(workB, 'a-copy.txt'))
    expect(await fs.readFile(path.join(workB, 'a-copy.txt'), 'utf8')).toBe('from A\n')

    const synced = await jsonIn<Folder>(workB, ['--data-dir', dataB, 'sync', 'Photos', './Copy'])
    expect(synced.path).toBe(path.join(workB, 'Copy'))
  })

  test("a peer's device name with terminal escapes and a line break is printed escaped in `peers`", async () => {
    await cliJson(['--data-dir', dataA, 'name', 'set', 'evil\x1b[2J\x1b[31m\nfake'])
    const out = await waitUntil(async () => {
      const result = await cliIn(workB, ['--data-dir', dataB, 'peers'])
      return result.stdout.includes('evil') ? result.stdout : undefined
    }, 'the new name on B')
    expect(out).toContain('evil\\x1b[2J\\x1b[31m\\x0afake')
    expect(out).not.toContain('\x1b')
    expect(out.trimEnd().split('\n')).toHaveLength(2) // the header and one peer
  })

  test('an error that echoes what was typed is one line', async () => {
    const result = await cliIn(workB, ['--data-dir', dataB, 'ls', 'no\r\nsuch'])
    expect(result.code).toBe(1)
    expect(result.stderr).toBe('hyperfold: No folder named or with id "no\\x0d\\x0asuch" here or offered by a peer (see the folder list).\n')
  })
})
