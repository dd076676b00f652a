// What a caller gets back for bad input to the API: a stable code (never
// INTERNAL) and one bounded line, and no path that leads into the data dir.
import { execFileSync } from 'child_process'
import fs from 'fs/promises'
import path from 'path'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { type ApiError, type ErrorCode } from '../../contract'
import { dispatch } from '../../main/api/dispatch'
import { type Handlers, createHandlers } from '../../main/api/handlers'
import type { HyperfoldNode } from '../../main/core/node'
import { TestEnv } from '../helpers/env'
import { ownDrive } from '../helpers/folders'

let env: TestEnv
let node: HyperfoldNode
let handlers: Handlers
let dataDir: string
let work: string
let shared: string

beforeAll(async () => {
  env = await TestEnv.create()
  dataDir = await env.tmpDir('hf-data-')
  node = await env.startNode({ dataDir })
  handlers = createHandlers(node)
  await node.createTopic('home')
  work = await env.tmpDir('hf-work-')
  shared = path.join(work, 'Shared')
  await fs.mkdir(shared)
  await fs.writeFile(path.join(shared, 'a.txt'), 'hello')
  await fs.writeFile(path.join(work, 'plain-file'), 'x')
  await fs.symlink(dataDir, path.join(work, 'to-data'))
  await fs.symlink(path.join(dataDir, 'corestore'), path.join(work, 'to-store'))
  expect(await call('share', { path: shared, topic: 'home', name: 'Shared' })).toMatchObject({ ok: true })
}, 60_000)

afterAll(() => env.close())

async function call(command: string, input: unknown): Promise<{ ok: true; result: unknown } | { ok: false; error: ApiError }> {
  return dispatch(handlers, command, input)
}

async function fails(command: string, input: unknown, code: ErrorCode): Promise<string> {
  const outcome = await call(command, input)
  expect(outcome).toMatchObject({ ok: false, error: { code } })
  const { message } = (outcome as { error: ApiError }).error
  expect(message).not.toMatch(/[\r\n\u2028\u2029]/)
  expect(message.length).toBeLessThanOrEqual(600)
  return message
}

describe('local paths', () => {
  test('a relative path for share, sync or get is refused with BAD_INPUT, never taken from the node\'s directory', async () => {
    expect(await fails('share', { path: 'Photos', topic: 'home' }, 'BAD_INPUT')).toBe('path: A path on this device must be absolute, like /home/me/Photos.')
    await fails('share', { path: './Photos', topic: 'home' }, 'BAD_INPUT')
    await fails('sync', { folder: 'Shared', path: 'copy' }, 'BAD_INPUT')
    await fails('get', { folder: 'Shared', path: '/a.txt', to: 'a.txt' }, 'BAD_INPUT')
    await expect(fs.access(path.resolve('a.txt'))).rejects.toThrow()
    // The core refuses too, for any caller that skips the schema.
    await expect(node.folders.share({ path: 'Photos', topic: 'home' })).rejects.toMatchObject({ code: 'BAD_INPUT' })
    await expect(node.folders.get('Shared', '/a.txt', 'a.txt')).rejects.toMatchObject({ code: 'BAD_INPUT' })
  })

  test('the data dir, anything in it, or a symlink to or into it cannot be shared, synced into or written by get', async () => {
    await fails('share', { path: dataDir, topic: 'home' }, 'FOLDER_PATH_INVALID')
    await fails('share', { path: path.join(dataDir, 'corestore'), topic: 'home' }, 'FOLDER_PATH_INVALID')
    await fails('share', { path: path.join(work, 'to-data'), topic: 'home' }, 'FOLDER_PATH_INVALID')
    await fails('share', { path: path.join(work, 'to-store'), topic: 'home' }, 'FOLDER_PATH_INVALID')
    await fails('share', { path: path.join(work, 'to-data', 'corestore'), topic: 'home' }, 'FOLDER_PATH_INVALID')
    await fails('get', { folder: 'Shared', path: '/a.txt', to: path.join(work, 'to-data', 'device.json') }, 'FOLDER_PATH_INVALID')
    await fails('get', { folder: 'Shared', path: '/a.txt', to: path.join(dataDir, 'stolen.txt') }, 'FOLDER_PATH_INVALID')
    await fails('get', { folder: 'Shared', path: '/a.txt', to: path.join(work, 'to-store', 'x') }, 'FOLDER_PATH_INVALID')
    expect(await fs.readFile(path.join(dataDir, 'device.json'), 'utf8')).toContain('{')
    expect((await fs.readdir(dataDir)).filter((n) => n.includes('stolen'))).toEqual([])
    // Nothing was shared: the one folder is the one shared before.
    expect(node.folders.list().map((f) => f.name)).toEqual(['Shared'])
  })

  test('sync into the data dir, through a symlink to it, is refused (the folder-root check sync uses)', async () => {
    const { checkFolderRoot } = await import('../../main/core/folder/folder-root')
    for (const dir of [path.join(work, 'to-data', 'new-folder'), path.join(dataDir, 'new-folder')]) {
      await expect(checkFolderRoot(dir, { create: true, dataDir, others: [] })).rejects.toMatchObject({ code: 'FOLDER_PATH_INVALID' })
    }
    await expect(fs.access(path.join(dataDir, 'new-folder'))).rejects.toThrow()
  })

  test('get writes where it is told, and refuses a folder or a missing parent with a line that says so', async () => {
    const to = path.join(work, 'copy.txt')
    expect(await call('get', { folder: 'Shared', path: '/a.txt', to })).toEqual({ ok: true, result: { path: to, bytes: 5 } })
    expect(await fs.readFile(to, 'utf8')).toBe('hello')
    await fails('get', { folder: 'Shared', path: '/a.txt', to: work }, 'BAD_INPUT')
    expect(await fails('get', { folder: 'Shared', path: '/a.txt', to: path.join(work, 'no-such-dir', 'a.txt') }, 'FOLDER_PATH_INVALID')).toBe(
      `${path.join(work, 'no-such-dir')} does not exist; create that folder first.`
    )
  })
})

describe('system errors become codes', () => {
  test('ENOTDIR, ENAMETOOLONG and a NUL byte', async () => {
    const underFile = path.join(work, 'plain-file', 'x')
    expect(await fails('share', { path: underFile, topic: 'home' }, 'FOLDER_PATH_INVALID')).toBe(`Part of ${underFile} is a file, not a folder.`)
    const { checkFolderRoot } = await import('../../main/core/folder/folder-root')
    await expect(checkFolderRoot(underFile, { create: true, dataDir, others: [] })).rejects.toMatchObject({ code: 'FOLDER_PATH_INVALID' })
    await fails('get', { folder: 'Shared', path: '/a.txt', to: path.join(underFile, 'y') }, 'FOLDER_PATH_INVALID')
    const long = path.join(work, 'n'.repeat(300))
    expect(await fails('share', { path: long, topic: 'home' }, 'FOLDER_PATH_INVALID')).toMatch(/is too long, or a name in it is\.$/)
    await fails('get', { folder: 'Shared', path: '/a.txt', to: path.join(long, 'x') }, 'FOLDER_PATH_INVALID')
    await fails('get', { folder: 'Shared', path: '/a.txt', to: long }, 'FOLDER_PATH_INVALID')
    await fails('share', { path: `${work}/a\0b`, topic: 'home' }, 'BAD_INPUT')
    await fails('get', { folder: 'Shared', path: '/a.txt', to: `${work}/a\0b` }, 'BAD_INPUT')
    await fails('ls', { folder: 'Shared', path: '/a\0b' }, 'PATH_UNSAFE')
  })

  // Root writes anywhere, so immutability (chattr +i, which stops root too) stands in for a folder without write permission.
  test('a folder that cannot be written (EPERM) gives PERMISSION_DENIED; a data dir that cannot, DATA_DIR_NOT_WRITABLE', async (ctx) => {
    const locked = path.join(work, 'locked')
    await fs.mkdir(locked)
    if (!immutable(locked, true)) ctx.skip('this file system or user cannot make a folder immutable')
    env.defer(async () => immutable(locked, false))
    await fails('share', { path: locked, topic: 'home' }, 'PERMISSION_DENIED')
    await fails('share', { path: path.join(locked, 'new'), topic: 'home' }, 'FOLDER_PATH_INVALID')
    await fails('get', { folder: 'Shared', path: '/a.txt', to: path.join(locked, 'a.txt') }, 'PERMISSION_DENIED')
    immutable(locked, false)

    immutable(dataDir, true)
    try {
      expect(await fails('topic.join', { keyphrase: 'a keyphrase only this test uses here' }, 'DATA_DIR_NOT_WRITABLE')).toBe(
        `Cannot use ${dataDir} as data dir: permission denied.`
      )
      await fails('name.set', { name: 'laptop' }, 'DATA_DIR_NOT_WRITABLE')
    } finally {
      immutable(dataDir, false)
    }
  })
})

describe('echoed input', () => {
  test('a huge or multi-line reference comes back cut to one short line', async () => {
    const huge = 'x'.repeat(900_000)
    for (const [command, input, code] of [
      ['ls', { folder: huge }, 'FOLDER_NOT_FOUND'],
      ['peers', { topic: huge }, 'TOPIC_NOT_FOUND'],
      ['share', { path: shared, topic: huge }, 'TOPIC_NOT_FOUND'],
      [huge, {}, 'UNKNOWN_COMMAND']
    ] as const) {
      expect((await fails(command, input, code)).length).toBeLessThan(200)
    }
    const message = await fails('ls', { folder: 'evil\r\n\x1b[31mred\u2028' }, 'FOLDER_NOT_FOUND')
    expect(message).toBe('No folder named or with id "evil\\x0d\\x0a\\x1b[31mred\\u{2028}" here or offered by a peer (see the folder list).')
    expect(await fails('topic.leave', { topic: 'a\nb' }, 'TOPIC_NOT_FOUND')).toContain('"a\\x0ab"')
    expect(await fails('no\nsuch', {}, 'UNKNOWN_COMMAND')).toBe('Unknown command "no\\x0asuch".')
  })
})

describe('mtimes out of range', () => {
  test('an entry with mtime 2^53-1 from a writer leaves ls and history of the folder working', async () => {
    const folder = node.folders.list().find((f) => f.name === 'Shared')!
    const meta = { device: 'evil', size: 1, executable: false, kind: 'file', vv: { evil: 1 } }
    const drive = ownDrive(node, folder.id)
    await drive.put('/far-future.txt', Buffer.from('x'), { metadata: { ...meta, mtime: Number.MAX_SAFE_INTEGER } })
    const listed = await call('ls', { folder: 'Shared', path: '/' })
    expect(listed.ok).toBe(true)
    const files = (listed as { result: { name: string; kind: string; mtime: string }[] }).result
    expect(files.find((f) => f.name === 'a.txt')).toMatchObject({ kind: 'file', size: 5 })
    for (const file of files) expect(Number.isNaN(Date.parse(file.mtime))).toBe(false)
    const history = await call('history', { folder: 'Shared', path: '/a.txt' })
    expect(history).toMatchObject({ ok: true })
    expect((history as { result: unknown[] }).result).toHaveLength(1)
    expect(await call('history', { folder: 'Shared', path: '/far-future.txt' })).toMatchObject({ ok: true, result: [] })
  })
})

function immutable(file: string, on: boolean): boolean {
  try {
    execFileSync('chattr', [on ? '+i' : '-i', file], { stdio: 'ignore' })
    return true
  } catch {
    return false
  }
}
