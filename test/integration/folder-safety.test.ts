import fs from 'fs/promises'
import path from 'path'
import { execFileSync } from 'child_process'
import { afterEach, beforeEach, describe, expect, test } from 'vitest'
import { waitUntil } from '../helpers/cli'
import { TestEnv, nextEvent } from '../helpers/env'
import { joinedNodes, ownDrive, treeHashes, waitOffered, writeTree } from '../helpers/folders'
import type { HyperfoldNode } from '../../main/core/node'

describe('folder safety and modes', () => {
  let env: TestEnv
  beforeEach(async () => {
    env = await TestEnv.create()
  })
  afterEach(async () => {
    await env.close()
  })

  test('a hostile peer cannot write outside the folder; the rest still syncs', async () => {
    const { nodes: [attacker, victim] } = await joinedNodes(env, 2)
    const outside = await env.tmpDir()
    const [rootA, rootB] = [await env.tmpDir(), path.join(outside, 'synced')]
    await writeTree(rootA, { 'ok.txt': 'fine\n' })
    const folder = await attacker!.folders.share({ path: rootA, topic: 'family', name: 'Trap' })
    const drive = ownDrive(attacker!, folder.id)
    const legit = (await drive.entry('/ok.txt'))!
    // Raw keys, past hyperdrive's own path normalisation, as a modified client could write them.
    for (const key of ['/../escape.txt', '/a/../../escape2.txt', '/x\0y', 'C:/windows.txt']) {
      await drive.db.put(Buffer.from(`files\0${key}`) as unknown as string, legit.value)
    }
    await drive.symlink('/link-to-root', '/')
    // Written as before chunks (no format: the blob is the bytes), which every device still reads.
    const legacy = { ...(legit.value.metadata as object), format: undefined, manifest: undefined, size: 17 }
    await drive.put('/etc/x', Buffer.from('inside, not /etc\n'), { metadata: legacy })

    await waitOffered(victim!, 'Trap')
    const refused = nextEvent(victim!, 'folder.activity', (a) => a.kind === 'refused')
    await victim!.folders.sync({ folder: 'Trap', path: rootB })
    await victim!.folders.waitSynced('Trap', 30_000)
    await refused

    expect((await fs.readdir(outside)).sort()).toEqual(['synced'])
    await expect(fs.stat('/escape.txt')).rejects.toThrow()
    const tree = await treeHashes(rootB)
    expect(Object.keys(tree).sort()).toEqual(['etc/x', 'ok.txt'])
    expect(await fs.readFile(path.join(rootB, 'etc/x'), 'utf8')).toBe('inside, not /etc\n')
    expect(victim!.folders.info('Trap').lastError).toMatch(/\.\./)
  })

  test('send-only never applies remote changes; receive-only never publishes local ones', async () => {
    const { nodes: [a, b, c] } = await joinedNodes(env, 3)
    const [rootA, rootB, rootC] = await Promise.all([env.tmpDir(), env.tmpDir(), env.tmpDir()])
    await writeTree(rootA, { 'a.txt': 'from A\n' })
    await a!.folders.share({ path: rootA, topic: 'family', name: 'Modes', mode: 'send-only' })
    await waitOffered(b!, 'Modes')
    await waitOffered(c!, 'Modes')
    await b!.folders.sync({ folder: 'Modes', path: rootB })
    await c!.folders.sync({ folder: 'Modes', path: rootC, mode: 'receive-only' })
    await b!.folders.waitSynced('Modes', 30_000)
    await c!.folders.waitSynced('Modes', 30_000)
    expect(await fs.readFile(path.join(rootC, 'a.txt'), 'utf8')).toBe('from A\n')

    const fromB = nextEvent(c!, 'folder.activity', (act) => act.path === '/b.txt' && act.kind === 'synced')
    await fs.writeFile(path.join(rootB, 'b.txt'), 'from B\n')
    await fromB
    await fs.writeFile(path.join(rootC, 'c.txt'), 'local to C\n')
    await c!.folders.pause('Modes')
    await c!.folders.resume('Modes')
    await c!.folders.waitSynced('Modes', 30_000)
    await a!.folders.waitSynced('Modes', 30_000)

    await expect(fs.stat(path.join(rootA, 'b.txt'))).rejects.toThrow() // send-only: not applied
    expect(c!.folders.info('Modes').localChanges).toBe(1)
    expect((await b!.folders.ls('Modes', '/')).map((e) => e.name)).toEqual(['a.txt', 'b.txt'])
  })

  test('sharing a bad path, or a name already used, changes nothing', async () => {
    const { nodes: [a] } = await joinedNodes(env, 1)
    const root = await env.tmpDir()
    const file = path.join(root, 'file.txt')
    await writeTree(root, { 'file.txt': 'x', 'inner/y.txt': 'y' })
    const dataDir = (a as unknown as { opts: { dataDir: string } }).opts.dataDir
    await a!.folders.share({ path: path.join(root, 'inner'), topic: 'family', name: 'Inner' })
    const attempts: [Parameters<HyperfoldNode['folders']['share']>[0], string][] = [
      [{ path: path.join(root, 'missing'), topic: 'family' }, 'FOLDER_PATH_INVALID'],
      [{ path: file, topic: 'family' }, 'FOLDER_PATH_INVALID'],
      [{ path: dataDir, topic: 'family' }, 'FOLDER_PATH_INVALID'],
      [{ path: root, topic: 'family' }, 'FOLDER_PATH_INVALID'],
      [{ path: await env.tmpDir(), topic: 'family', name: 'inner' }, 'FOLDER_NAME_TAKEN'],
      [{ path: await env.tmpDir(), topic: 'nope' }, 'TOPIC_NOT_FOUND']
    ]
    for (const [input, code] of attempts) await expect(a!.folders.share(input)).rejects.toMatchObject({ code })
    expect(a!.folders.list().map((f) => f.name)).toEqual(['Inner'])
    await expect(a!.folders.sync({ folder: 'Nothing', path: root })).rejects.toMatchObject({ code: 'FOLDER_NOT_FOUND' })
  })

  // Root may write anywhere, so the file is made immutable (chattr +i), which stops root too.
  test('a file that cannot be written is skipped and reported, untouched, the rest still syncs, and it follows once it can be', async (ctx) => {
    const { nodes: [a, b] } = await joinedNodes(env, 2)
    const [rootA, rootB] = [await env.tmpDir(), await env.tmpDir()]
    await writeTree(rootA, { 'a.txt': 'a1', 'locked.txt': 'old' })
    await a!.folders.share({ path: rootA, topic: 'family', name: 'Docs' })
    await waitOffered(b!, 'Docs')
    await b!.folders.sync({ folder: 'Docs', path: rootB })
    await b!.folders.waitSynced('Docs', 30_000)
    const locked = path.join(rootB, 'locked.txt')
    try {
      execFileSync('chattr', ['+i', locked], { stdio: 'ignore' })
    } catch {
      ctx.skip('this file system or user cannot make a file immutable')
    }
    env.defer(async () => execFileSync('chattr', ['-i', locked], { stdio: 'ignore' }))

    const reported = nextEvent(b!, 'folder.activity', (act) => act.path === '/locked.txt' && act.kind === 'error')
    await writeTree(rootA, { 'a.txt': 'a2', 'locked.txt': 'new', 'c.txt': 'c' })
    expect((await reported).message).toBe(`Permission denied on ${locked}: check its owner and mode.`)
    await waitUntil(() => fileHolds(path.join(rootB, 'c.txt'), 'c'), 'c.txt on B')
    await waitUntil(() => fileHolds(path.join(rootB, 'a.txt'), 'a2'), 'the edit of a.txt on B')
    expect(await fs.readFile(locked, 'utf8')).toBe('old')
    expect((await fs.readdir(rootB)).filter((n) => n.startsWith('.hyperfold-tmp-'))).toEqual([])
    expect(b!.folders.info('Docs').lastError).toMatch(/^Permission denied on /)

    execFileSync('chattr', ['-i', locked])
    await waitUntil(() => fileHolds(locked, 'new'), 'the retry of locked.txt') // tried again by itself
    await b!.folders.waitSynced('Docs', 60_000)
    expect(b!.folders.info('Docs').lastError).toBeNull()
  }, 120_000)
})

async function fileHolds(file: string, content: string): Promise<true | undefined> {
  return (await fs.readFile(file, 'utf8').catch(() => null)) === content ? true : undefined
}
