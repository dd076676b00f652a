// Selective sync: a device keeps only the paths it chose; the rest stays
// listed and readable on demand, and is never read as deleted. "Free up
// space" removes a file here only once another online device holds it.
import fs from 'fs/promises'
import path from 'path'
import { randomBytes } from 'crypto'
import { afterEach, beforeEach, describe, expect, test } from 'vitest'
import { cliJson, runCli, startServe, waitUntil } from '../helpers/cli'
import { TestEnv } from '../helpers/env'
import { joinedNodes, ownDrive, sharedFolder, treeHashes, waitOffered, writeTree } from '../helpers/folders'
import { HyperfoldError } from '../../contract/errors'
import type { FileEntry, Folder, JoinedTopic } from '../../contract'
import type { HyperfoldNode } from '../../main/core/node'

const BIG = randomBytes(3 << 20) // several chunks

const TREE = {
  'docs/readme.txt': 'read me',
  'docs/notes/today.txt': 'notes of today',
  'photos/cat.jpg': BIG,
  'photos/dog.jpg': 'a dog',
  'top.txt': 'at the top'
}

async function exists(file: string): Promise<boolean> {
  return (await fs.lstat(file).catch(() => null)) !== null
}

async function readAll(node: HyperfoldNode, folder: string, file: string): Promise<Buffer> {
  const parts: Buffer[] = []
  for await (const part of (await node.folders.openFile(folder, file)).read()) parts.push(Buffer.from(part))
  return Buffer.concat(parts)
}

// What a device itself wrote under a directory, as path and kind (a deletion is an entry of kind deleted).
async function ownEntries(node: HyperfoldNode, folderId: string, dir: string): Promise<string[]> {
  const entries: string[] = []
  const range = dir === '/' ? {} : { gt: dir + '/', lt: dir + '0' } // '0' follows '/'
  for await (const entry of ownDrive(node, folderId).entries(range)) entries.push(`${entry.key} ${(entry.value.metadata as { kind: string }).kind}`)
  return entries
}

async function codeOf(work: Promise<unknown>): Promise<string> {
  const err = await work.then(() => null, (e: unknown) => e)
  return err instanceof HyperfoldError ? err.code : `no error (${String(err)})`
}

describe('selective sync', () => {
  let env: TestEnv
  beforeEach(async () => {
    env = await TestEnv.create()
  })
  afterEach(async () => {
    await env.close()
  })

  async function sharedTree(): Promise<{ a: HyperfoldNode; b: HyperfoldNode; rootA: string; rootB: string }> {
    const { nodes } = await joinedNodes(env, 2)
    const [a, b] = nodes as [HyperfoldNode, HyperfoldNode]
    const [rootA, rootB] = [await env.tmpDir(), await env.tmpDir()]
    await writeTree(rootA, TREE)
    await a.folders.share({ path: rootA, topic: 'family', name: 'Shared' })
    await waitOffered(b, 'Shared')
    return { a, b, rootA, rootB }
  }

  test('keeps only the chosen paths, lists the rest, reads it on demand, and fetches a path kept later', async () => {
    const { a, b, rootA, rootB } = await sharedTree()
    const folder = await b.folders.sync({ folder: 'Shared', path: rootB, only: ['/docs'] })
    expect(folder.selection).toEqual({ everything: false, only: ['/docs'], except: [] })
    await b.folders.waitSynced('Shared', 60_000)
    expect(Object.keys(await treeHashes(rootB)).sort()).toEqual(['docs/notes/today.txt', 'docs/readme.txt'])
    const fromA = b.listPeers().find((peer) => peer.deviceId === a.status().device.id)!.bytesIn
    expect(fromA).toBeLessThan(BIG.byteLength / 3) // the photo's bytes did not move

    const top = await b.folders.ls('Shared', '/')
    expect(top.map((e) => [e.name, e.local])).toEqual([['docs', true], ['photos', false], ['top.txt', false]])
    expect((await b.folders.ls('Shared', '/photos')).map((e) => [e.name, e.local])).toEqual([['cat.jpg', false], ['dog.jpg', false]])
    expect((await b.folders.ls('Shared', '/docs')).find((e) => e.name === 'readme.txt')?.local).toBe(true)
    expect((await readAll(b, 'Shared', '/photos/cat.jpg')).equals(BIG)).toBe(true)

    // A full scan on B publishes no deletion of what it does not keep.
    await sharedFolder(b, 'Shared').scan()
    expect(await ownEntries(b, folder.id, '/')).toEqual([])
    await a.folders.waitSynced('Shared', 60_000)
    expect(await exists(path.join(rootA, 'photos/cat.jpg'))).toBe(true)
    expect((await a.folders.ls('Shared', '/')).map((e) => e.name)).toEqual(['docs', 'photos', 'top.txt'])

    // A new file outside the kept paths is not fetched; one inside is.
    await writeTree(rootA, { 'photos/bird.jpg': 'a bird', 'docs/new.txt': 'new' })
    await waitUntil(async () => ((await exists(path.join(rootB, 'docs/new.txt'))) ? true : undefined), 'docs/new.txt on B')
    await b.folders.waitSynced('Shared', 60_000)
    expect(await exists(path.join(rootB, 'photos'))).toBe(false)

    // A file made by hand where B keeps nothing is a real change, and is published;
    // its removal from B later is a path not kept here, not a deletion.
    await writeTree(rootB, { 'photos/mine.txt': 'made on B' })
    await waitUntil(async () => ((await exists(path.join(rootA, 'photos/mine.txt'))) ? true : undefined), 'mine.txt on A')
    await fs.rm(path.join(rootB, 'photos'), { recursive: true })
    await sharedFolder(b, 'Shared').scan()
    await b.folders.waitSynced('Shared', 60_000)
    expect(await ownEntries(b, folder.id, '/')).toEqual(['/photos directory', '/photos/mine.txt file'])
    await a.folders.waitSynced('Shared', 60_000)
    expect(await exists(path.join(rootA, 'photos/mine.txt'))).toBe(true)

    const kept = await b.folders.keep('Shared', '/photos/cat.jpg')
    expect(kept.selection.only).toEqual(['/docs', '/photos/cat.jpg'])
    await waitUntil(async () => ((await exists(path.join(rootB, 'photos/cat.jpg'))) ? true : undefined), 'cat.jpg kept on B')
    await b.folders.waitSynced('Shared', 60_000)
    expect((await fs.readFile(path.join(rootB, 'photos/cat.jpg'))).equals(BIG)).toBe(true)
    expect(await exists(path.join(rootB, 'photos/dog.jpg'))).toBe(false)
    expect(await exists(path.join(rootB, 'top.txt'))).toBe(false)
  })

  test('free up space refuses while no other online device holds the file, and deletes nothing', async () => {
    const { a, b, rootA, rootB } = await sharedTree()
    await b.folders.sync({ folder: 'Shared', path: rootB })
    await b.folders.waitSynced('Shared', 60_000)
    // B edits a file: its new version is on B alone.
    await fs.writeFile(path.join(rootB, 'top.txt'), 'edited on B')
    await waitUntil(async () => ((await fs.readFile(path.join(rootA, 'top.txt'), 'utf8')) === 'edited on B' ? true : undefined), 'the edit on A')
    await a.close()

    expect(await codeOf(b.folders.free('Shared', '/photos'))).toBe('LAST_COPY')
    expect(await codeOf(b.folders.free('Shared', '/top.txt'))).toBe('LAST_COPY')
    expect(await exists(path.join(rootB, 'photos/cat.jpg'))).toBe(true)
    expect(await fs.readFile(path.join(rootB, 'top.txt'), 'utf8')).toBe('edited on B')
    expect(b.folders.info('Shared').selection).toEqual({ everything: true, only: [], except: [] })
    expect((await b.folders.ls('Shared', '/photos')).every((e) => e.local)).toBe(true)
  })

  test('free up space with a peer online removes the files here only, and both stay in sync; the setting survives a restart', async () => {
    const { a, b, rootA, rootB } = await sharedTree()
    await b.folders.sync({ folder: 'Shared', path: rootB })
    await b.folders.waitSynced('Shared', 60_000)
    const everything = await treeHashes(rootA)

    const freed = await b.folders.free('Shared', '/photos')
    expect(freed.selection).toEqual({ everything: true, only: [], except: ['/photos'] })
    expect(await exists(path.join(rootB, 'photos/cat.jpg'))).toBe(false)
    expect(await exists(path.join(rootB, 'photos'))).toBe(false) // emptied, the directory goes too
    expect((await b.folders.ls('Shared', '/photos')).map((e) => [e.name, e.local])).toEqual([['cat.jpg', false], ['dog.jpg', false]])
    expect((await b.folders.ls('Shared', '/')).find((e) => e.name === 'photos')?.local).toBe(false)
    expect((await readAll(b, 'Shared', '/photos/cat.jpg')).equals(BIG)).toBe(true)

    await sharedFolder(b, 'Shared').scan()
    expect(await ownEntries(b, freed.id, '/photos')).toEqual([]) // nothing published: no deletion
    await b.folders.waitSynced('Shared', 60_000)
    await a.folders.waitSynced('Shared', 60_000)
    expect(await treeHashes(rootA)).toEqual(everything) // no deletion reached A
    expect((await b.folders.ls('Shared', '/')).map((e) => e.name)).toEqual(['docs', 'photos', 'top.txt'])

    // Restarted, B still keeps everything but /photos: a new photo stays on A alone, a new doc comes down.
    const dataDir = b.status().dataDir
    await b.close()
    await writeTree(rootA, { 'photos/bird.jpg': 'a bird', 'docs/new.txt': 'new' })
    const b2 = await env.startNode({ dataDir })
    expect(b2.folders.info('Shared').selection).toEqual({ everything: true, only: [], except: ['/photos'] })
    await waitUntil(async () => ((await exists(path.join(rootB, 'docs/new.txt'))) ? true : undefined), 'docs/new.txt on B after restart')
    await b2.folders.waitSynced('Shared', 60_000)
    expect(await exists(path.join(rootB, 'photos/bird.jpg'))).toBe(false)
    expect(await exists(path.join(rootA, 'photos/cat.jpg'))).toBe(true)

    // Kept again, a freed path comes back.
    await b2.folders.keep('Shared', '/photos')
    await waitUntil(async () => ((await exists(path.join(rootB, 'photos/bird.jpg'))) ? true : undefined), 'photos back on B')
    await b2.folders.waitSynced('Shared', 60_000)
    expect(await treeHashes(rootB)).toEqual(await treeHashes(rootA))
  })

  test('the CLI: sync --only, ls shows what is local, keep, free, and LAST_COPY once the only other device is gone', { timeout: 180_000 }, async () => {
    const [dirA, dirB, rootA, rootB] = [await env.tmpDir(), await env.tmpDir(), await env.tmpDir(), await env.tmpDir()]
    await writeTree(rootA, TREE)
    const serveA = await startServe(env, dirA)
    await startServe(env, dirB)
    const created = await cliJson<JoinedTopic>(['--data-dir', dirA, 'topic', 'create', '--label', 'family'])
    await cliJson(['--data-dir', dirB, 'topic', 'join', created.keyphrase!, '--label', 'family'])
    await cliJson(['--data-dir', dirA, 'share', rootA, '--topic', 'family', '--name', 'Shared'])
    await waitUntil(async () => (await cliJson<Folder[]>(['--data-dir', dirB, 'folders'])).find((f) => f.name === 'Shared'), 'the offer on B')

    const synced = await cliJson<Folder>(['--data-dir', dirB, 'sync', 'Shared', rootB, '--only', '/docs,/top.txt'])
    expect(synced.selection).toEqual({ everything: false, only: ['/docs', '/top.txt'], except: [] })
    await cliJson(['--data-dir', dirB, 'status', 'Shared', '--wait-synced', '--timeout', '60'])
    expect(Object.keys(await treeHashes(rootB)).sort()).toEqual(['docs/notes/today.txt', 'docs/readme.txt', 'top.txt'])
    const listing = await cliJson<FileEntry[]>(['--data-dir', dirB, 'ls', 'Shared', '/'])
    expect(listing.map((e) => [e.name, e.local])).toEqual([['docs', true], ['photos', false], ['top.txt', true]])
    expect((await runCli(['--data-dir', dirB, 'ls', 'Shared', '/'])).stdout).toMatch(/local[\s\S]*top\.txt.*true/)

    await cliJson(['--data-dir', dirB, 'keep', 'Shared', '/photos/dog.jpg'])
    await waitUntil(async () => ((await exists(path.join(rootB, 'photos/dog.jpg'))) ? true : undefined), 'dog.jpg kept on B')
    const freed = await cliJson<Folder>(['--data-dir', dirB, 'free', 'Shared', '/top.txt'])
    expect(freed.selection.only).toEqual(['/docs', '/photos/dog.jpg'])
    expect(await exists(path.join(rootB, 'top.txt'))).toBe(false)

    await serveA.stop()
    const refused = await runCli(['--data-dir', dirB, 'free', 'Shared', '/docs', '--json'])
    expect(refused.code).not.toBe(0)
    expect(JSON.parse(refused.stdout)).toMatchObject({ ok: false, error: { code: 'LAST_COPY' } })
    expect(await exists(path.join(rootB, 'docs/readme.txt'))).toBe(true)
    expect(await exists(path.join(rootA, 'top.txt'))).toBe(true)
  })
})
