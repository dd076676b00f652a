import fs from 'fs/promises'
import path from 'path'
import { afterAll, beforeAll, describe, expect, test, vi } from 'vitest'
import { TestEnv } from '../helpers/env'
import { cliJson, runCli, startServe, waitUntil } from '../helpers/cli'
import { treeHashes, writeTree } from '../helpers/folders'
import type { FileEntry, FileVersion, Folder, JoinedTopic, NodeStatus } from '../../contract'

// Real processes, and a CLI process per command: slower than in-process tests, so longer limits.
vi.setConfig({ testTimeout: 180_000, hookTimeout: 120_000 })

describe('shared folders driven through the CLI', () => {
  let env: TestEnv
  let dirA: string
  let dirB: string
  let photos: string
  let copy: string

  beforeAll(async () => {
    env = await TestEnv.create()
    ;[dirA, dirB, photos] = await Promise.all([env.tmpDir(), env.tmpDir(), env.tmpDir()])
    copy = path.join(await env.tmpDir(), 'Photos')
    await writeTree(photos, { 'notes.txt': 'line one\n', '2024/a.jpg': Buffer.alloc(64_000, 3) })
    await Promise.all([startServe(env, dirA), startServe(env, dirB)])
    const created = await cliJson<JoinedTopic>(['--data-dir', dirA, 'topic', 'create', '--label', 'family'])
    await cliJson(['--data-dir', dirB, 'topic', 'join', created.keyphrase!, '--label', 'family'])
  })
  afterAll(async () => {
    await env.close()
  })

  test('share, see the offer, browse, get one file, sync, edit, history, restore', async () => {
    const shared = await cliJson<Folder>(['--data-dir', dirA, 'share', photos, '--topic', 'family', '--name', 'Photos'])
    expect(shared).toMatchObject({ name: 'Photos', files: 2, bytes: 64_009 })

    const offered = await waitUntil(async () => {
      const list = await cliJson<Folder[]>(['--data-dir', dirB, 'folders'])
      return list.find((f) => f.name === 'Photos')
    }, 'B to see Photos offered')
    expect(offered).toMatchObject({ state: 'available', files: 2, bytes: 64_009 })

    const listing = await cliJson<FileEntry[]>(['--data-dir', dirB, 'ls', 'Photos', '/2024'])
    expect(listing.map((e) => [e.name, e.size])).toEqual([['a.jpg', 64_000]])
    const fetched = path.join(await env.tmpDir(), 'a.jpg')
    await cliJson(['--data-dir', dirB, 'get', 'Photos', '/2024/a.jpg', fetched])
    expect((await fs.readFile(fetched)).equals(Buffer.alloc(64_000, 3))).toBe(true)

    const api = JSON.parse(await fs.readFile(path.join(dirB, 'api.json'), 'utf8')) as { port: number; token: string }
    const fileUrl = `http://127.0.0.1:${api.port}/api/file?folder=Photos&path=${encodeURIComponent('/2024/a.jpg')}`
    expect((await fetch(fileUrl)).status).toBe(401)
    const download = await fetch(fileUrl, { headers: { authorization: `Bearer ${api.token}` } })
    expect(download.headers.get('content-disposition')).toMatch(/filename\*=UTF-8''a\.jpg/)
    expect(Buffer.from(await download.arrayBuffer()).equals(Buffer.alloc(64_000, 3))).toBe(true)

    await cliJson(['--data-dir', dirB, 'sync', 'Photos', copy])
    const status = await cliJson<NodeStatus & { folder: Folder }>(['--data-dir', dirB, 'status', 'Photos', '--wait-synced', '--timeout', '60'])
    expect(status.folder).toMatchObject({ state: 'idle', files: 2, path: copy })
    expect(await treeHashes(copy)).toEqual(await treeHashes(photos))

    await fs.appendFile(path.join(copy, 'notes.txt'), 'line two\n')
    await waitUntil(async () => ((await fs.readFile(path.join(photos, 'notes.txt'), 'utf8')).includes('two') ? true : undefined), 'the edit on A')
    const history = await cliJson<FileVersion[]>(['--data-dir', dirA, 'history', 'Photos', '/notes.txt'])
    expect(history.map((v) => [v.version, v.size, v.deleted])).toEqual([[1, 9, false], [2, 18, false]])

    await cliJson(['--data-dir', dirA, 'restore', 'Photos', '/notes.txt', '--version', '1'])
    await waitUntil(async () => ((await fs.readFile(path.join(copy, 'notes.txt'), 'utf8')) === 'line one\n' ? true : undefined), 'the restore on B')
  })

  test('pause, resume and remove; a folder is addressed by name or id; bad input is one line', async () => {
    const folders = await cliJson<Folder[]>(['--data-dir', dirB, 'folders'])
    const id = folders.find((f) => f.name === 'Photos')!.id
    await fs.writeFile(path.join(copy, 'late.txt'), 'found by the scan\n')
    expect(await cliJson<Folder>(['--data-dir', dirB, 'rescan', 'Photos'])).toMatchObject({ files: 3, bytes: 64_000 + 9 + 18 })
    expect((await cliJson<Folder>(['--data-dir', dirB, 'pause', id])).state).toBe('paused')
    const pausedScan = await runCli(['--data-dir', dirB, 'rescan', 'Photos', '--json'])
    expect(JSON.parse(pausedScan.stdout).error).toMatchObject({ code: 'FOLDER_NOT_LOCAL', message: 'Photos is paused: resume it to scan it.' })
    expect((await cliJson<Folder>(['--data-dir', dirB, 'resume', 'photos'])).state).not.toBe('paused')

    const missing = await runCli(['--data-dir', dirB, 'ls', 'Nope', '--json'])
    expect(JSON.parse(missing.stdout).error.code).toBe('FOLDER_NOT_FOUND')
    const unsafe = await runCli(['--data-dir', dirB, 'ls', 'Photos', '/../etc'])
    expect(unsafe.stderr).toMatch(/^hyperfold: .*\.\..*\n$/)
    const badMode = await runCli(['--data-dir', dirB, 'share', photos, '--topic', 'family', '--mode', 'sideways', '--json'])
    expect(JSON.parse(badMode.stdout).error).toMatchObject({ code: 'BAD_INPUT' })

    const removed = await cliJson<Folder>(['--data-dir', dirB, 'remove', 'Photos'])
    expect(removed.path).toBeNull()
    expect(await treeHashes(copy)).toEqual(await treeHashes(photos)) // files stay on disk
  })
})
