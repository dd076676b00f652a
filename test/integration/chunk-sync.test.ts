// Bytes live once and move once: a file version is a list of chunks, and a
// device fetches only the chunks it does not hold, from any peer that does.
// Measured with each node's own per-peer byte counters (what `peers` shows).
import fs from 'fs/promises'
import path from 'path'
import { createHash, randomBytes } from 'crypto'
import { afterEach, beforeEach, describe, expect, test } from 'vitest'
import { waitUntil } from '../helpers/cli'
import { TestEnv } from '../helpers/env'
import { joinedNodes, sharedFolder, waitOffered } from '../helpers/folders'
import type { FolderActivity } from '../../contract/types'
import type { HyperfoldNode } from '../../main/core/node'
import { FolderFs } from '../../main/core/folder/folder-fs'

const MiB = 1 << 20

function sha(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex')
}

async function holds(file: string, hash: string): Promise<true | undefined> {
  const bytes = await fs.readFile(file).catch(() => null)
  return bytes !== null && sha(bytes) === hash ? true : undefined
}

// What `node` has received from `from` on their connection so far.
function received(node: HyperfoldNode, from: HyperfoldNode): number {
  const id = from.status().device.id
  return node.listPeers().find((p) => p.deviceId === id)?.bytesIn ?? 0
}

// The folder activity the node reports from now on.
function recorded(node: HyperfoldNode): FolderActivity[] {
  const seen: FolderActivity[] = []
  node.onEvent((message) => {
    if (message.event === 'folder.activity') seen.push(message.payload as FolderActivity)
  })
  return seen
}

// The files the node opens to publish them from now on (white box: the folder's disk access).
function filesRead(node: HyperfoldNode, name: string): string[] {
  const disk = (sharedFolder(node, name) as unknown as { local: { fs: FolderFs } }).local.fs
  const openFile = disk.openFile.bind(disk)
  const opened: string[] = []
  disk.openFile = async (p) => {
    opened.push(p)
    return openFile(p)
  }
  return opened
}

async function synced(node: HyperfoldNode, name: string): Promise<void> {
  await node.folders.waitSynced(name, 90_000)
}

// A shares `name` holding `file`; B syncs it and holds it in sync.
async function shareAndSync(env: TestEnv, a: HyperfoldNode, b: HyperfoldNode, name: string, file: string, bytes: Buffer): Promise<[string, string]> {
  const [rootA, rootB] = [await env.tmpDir(), await env.tmpDir()]
  await fs.writeFile(path.join(rootA, file), bytes)
  await a.folders.share({ path: rootA, topic: 'family', name })
  await waitOffered(b, name)
  await b.folders.sync({ folder: name, path: rootB })
  await waitUntil(() => holds(path.join(rootB, file), sha(bytes)), `${file} on the second device`)
  await synced(b, name)
  return [rootA, rootB]
}

describe('chunked sync', () => {
  let env: TestEnv
  beforeEach(async () => {
    env = await TestEnv.create()
  })
  afterEach(async () => {
    await env.close()
  })

  test('an edit moves the chunks it changed, a rename or a copy moves none (a rename moves the file itself), and the replaced version stays restorable offline', async () => {
    const { nodes } = await joinedNodes(env, 2)
    const [a, b] = nodes as [HyperfoldNode, HyperfoldNode]
    const original = randomBytes(16 * MiB)
    const [rootA, rootB] = await shareAndSync(env, a, b, 'Big', 'big.bin', original)

    // 1 MiB overwritten in the middle.
    const edited = Buffer.from(original)
    randomBytes(MiB).copy(edited, 8 * MiB)
    let before = received(b, a)
    await fs.writeFile(path.join(rootA, 'big.bin'), edited)
    await waitUntil(() => holds(path.join(rootB, 'big.bin'), sha(edited)), 'the edit on B')
    const editBytes = received(b, a) - before
    expect(editBytes).toBeGreaterThan(MiB / 2)
    expect(editBytes).toBeLessThan(4 * MiB) // the changed chunks, not the 16 MiB file
    await synced(b, 'Big')

    // The renamed file is not read again on A, and it is moved on B (the same inode), not written again.
    before = received(b, a)
    const inode = (await fs.stat(path.join(rootB, 'big.bin'))).ino
    const activity = recorded(b)
    const readOnA = filesRead(a, 'Big')
    await fs.rename(path.join(rootA, 'big.bin'), path.join(rootA, 'moved.bin'))
    await waitUntil(() => holds(path.join(rootB, 'moved.bin'), sha(edited)), 'the renamed file on B')
    await waitUntil(async () => ((await fs.stat(path.join(rootB, 'big.bin')).catch(() => null)) === null ? true : undefined), 'the old name gone on B')
    expect(received(b, a) - before).toBeLessThan(MiB / 2)
    expect((await fs.stat(path.join(rootB, 'moved.bin'))).ino).toBe(inode)
    expect(readOnA).toEqual([])
    await synced(b, 'Big')
    expect(activity.filter((e) => e.kind === 'deleted').map((e) => [e.path, e.message])).toEqual([['/big.bin', 'moved to /moved.bin']])

    // A copy is a copy: the file it came from stays where it is.
    before = received(b, a)
    await fs.copyFile(path.join(rootA, 'moved.bin'), path.join(rootA, 'copy.bin'))
    await waitUntil(() => holds(path.join(rootB, 'copy.bin'), sha(edited)), 'the copy on B')
    expect(received(b, a) - before).toBeLessThan(MiB / 2)
    await synced(b, 'Big')
    expect((await fs.stat(path.join(rootB, 'moved.bin'))).ino).toBe(inode)
    expect((await fs.stat(path.join(rootB, 'copy.bin'))).ino).not.toBe(inode)
    expect(readOnA).toEqual(['/copy.bin'])

    // B kept what the edit replaced: with A gone, the first version still comes back whole.
    await a.close()
    const versions = await b.folders.history('Big', '/big.bin')
    const first = versions.find((v) => !v.deleted && v.size === 16 * MiB)!
    await b.folders.restore('Big', '/big.bin', first.version)
    expect(await holds(path.join(rootB, 'big.bin'), sha(original))).toBe(true)
  })

  test('a directory renamed is moved on the other device, file by file, and read again on neither', async () => {
    const { nodes } = await joinedNodes(env, 2)
    const [a, b] = nodes as [HyperfoldNode, HyperfoldNode]
    const [one, two] = [randomBytes(2 * MiB), randomBytes(3 * MiB)]
    const [rootA, rootB] = await shareAndSync(env, a, b, 'Photos', 'top.bin', randomBytes(64))
    await fs.mkdir(path.join(rootA, 'album'))
    await fs.writeFile(path.join(rootA, 'album', 'one.jpg'), one)
    await fs.writeFile(path.join(rootA, 'album', 'two.jpg'), two)
    await waitUntil(() => holds(path.join(rootB, 'album', 'two.jpg'), sha(two)), 'the album on B')
    await synced(b, 'Photos')
    const inodes = await Promise.all(['one.jpg', 'two.jpg'].map(async (f) => (await fs.stat(path.join(rootB, 'album', f))).ino))
    const readOnA = filesRead(a, 'Photos')
    const before = received(b, a)

    await fs.rename(path.join(rootA, 'album'), path.join(rootA, 'photos'))
    await waitUntil(() => holds(path.join(rootB, 'photos', 'one.jpg'), sha(one)), 'the renamed album on B')
    await waitUntil(() => holds(path.join(rootB, 'photos', 'two.jpg'), sha(two)), 'the renamed album on B')
    await waitUntil(async () => ((await fs.stat(path.join(rootB, 'album')).catch(() => null)) === null ? true : undefined), 'the old directory gone on B')
    await synced(b, 'Photos')
    expect(await Promise.all(['one.jpg', 'two.jpg'].map(async (f) => (await fs.stat(path.join(rootB, 'photos', f))).ino))).toEqual(inodes)
    expect(readOnA).toEqual([])
    expect(received(b, a) - before).toBeLessThan(MiB / 2)
  })

  test('a file renamed while its folder was paused is found moved by the rescan: read again on neither device', async () => {
    const { nodes } = await joinedNodes(env, 2)
    const [a, b] = nodes as [HyperfoldNode, HyperfoldNode]
    const bytes = randomBytes(4 * MiB)
    const [rootA, rootB] = await shareAndSync(env, a, b, 'Clips', 'clip.mp4', bytes)
    const inode = (await fs.stat(path.join(rootB, 'clip.mp4'))).ino
    await a.folders.pause('Clips')
    await fs.mkdir(path.join(rootA, 'old'))
    await fs.rename(path.join(rootA, 'clip.mp4'), path.join(rootA, 'old', 'clip.mp4'))
    // Resuming makes a new local side, whose first rescan runs before resume returns: watched from the class.
    const readOnA: string[] = []
    const openFile = FolderFs.prototype.openFile
    FolderFs.prototype.openFile = function (this: FolderFs, p: string) {
      if (this.root === rootA) readOnA.push(p)
      return openFile.call(this, p)
    }
    try {
      await a.folders.resume('Clips')
    } finally {
      FolderFs.prototype.openFile = openFile
    }
    await waitUntil(() => holds(path.join(rootB, 'old', 'clip.mp4'), sha(bytes)), 'the moved file on B')
    await synced(b, 'Clips')
    expect(await fs.stat(path.join(rootB, 'clip.mp4')).catch(() => null)).toBe(null)
    expect((await fs.stat(path.join(rootB, 'old', 'clip.mp4'))).ino).toBe(inode)
    expect(readOnA).toEqual([])
  })

  test('a third device takes chunks from both devices that hold the file, and refuses the one that lies', async () => {
    const { nodes } = await joinedNodes(env, 3)
    const [a, b, c] = nodes as [HyperfoldNode, HyperfoldNode, HyperfoldNode]
    const bytes = randomBytes(24 * MiB)
    const [rootA] = await shareAndSync(env, a, b, 'Data', 'data.bin', bytes)
    const rootC = await env.tmpDir()

    await waitOffered(c, 'Data')
    const [fromA, fromB] = [received(c, a), received(c, b)]
    await c.folders.sync({ folder: 'Data', path: rootC })
    await waitUntil(() => holds(path.join(rootC, 'data.bin'), sha(bytes)), 'the file on C')
    expect(received(c, a) - fromA).toBeGreaterThan(2 * MiB)
    expect(received(c, b) - fromB).toBeGreaterThan(2 * MiB)

    // B now serves bytes that do not match what it is asked for, as a modified client could.
    const liar = sharedFolder(b, 'Data')
    liar.content.serve = async (ref) => randomBytes(ref.size)
    const activity = recorded(c)
    const next = randomBytes(8 * MiB)
    await fs.writeFile(path.join(rootA, 'next.bin'), next)
    await waitUntil(() => holds(path.join(rootC, 'next.bin'), sha(next)), 'the next file on C, despite the liar')
    expect(activity.some((r) => r.kind === 'refused' && r.path === '/next.bin' && r.message.includes(b.status().device.id.slice(0, 8)))).toBe(true)
  })

  test('a version this device never held is restored from the peer that keeps it, and one no peer online holds is refused in one line', async () => {
    const { nodes } = await joinedNodes(env, 2)
    const [a, b] = nodes as [HyperfoldNode, HyperfoldNode]
    const [rootA, rootB] = [await env.tmpDir(), await env.tmpDir()]
    const v1 = randomBytes(2 * MiB)
    await fs.writeFile(path.join(rootA, 'doc.bin'), v1)
    await a.folders.share({ path: rootA, topic: 'family', name: 'Docs' })
    await a.folders.waitSynced('Docs', 30_000)
    const v2 = randomBytes(2 * MiB)
    await fs.writeFile(path.join(rootA, 'doc.bin'), v2)
    await waitUntil(async () => ((await a.folders.history('Docs', '/doc.bin')).length === 2 ? true : undefined), 'two versions on A')

    await waitOffered(b, 'Docs')
    await b.folders.sync({ folder: 'Docs', path: rootB })
    await waitUntil(() => holds(path.join(rootB, 'doc.bin'), sha(v2)), 'v2 on B')
    await synced(b, 'Docs')
    const [first] = await b.folders.history('Docs', '/doc.bin')
    await b.folders.restore('Docs', '/doc.bin', first!.version) // its chunks only in A's own history
    expect(await holds(path.join(rootB, 'doc.bin'), sha(v1))).toBe(true)
    await waitUntil(() => holds(path.join(rootA, 'doc.bin'), sha(v1)), 'the restored version back on A')

    // Paused, B learns of other.bin's versions but fetches none of their bytes.
    await b.folders.pause('Docs')
    await fs.writeFile(path.join(rootA, 'other.bin'), randomBytes(2 * MiB))
    await waitUntil(async () => ((await a.folders.history('Docs', '/other.bin')).length === 1 ? true : undefined), 'other.bin published on A')
    await fs.writeFile(path.join(rootA, 'other.bin'), randomBytes(MiB))
    await waitUntil(async () => ((await b.folders.history('Docs', '/other.bin')).length === 2 ? true : undefined), 'both entries of other.bin on B')
    await a.close()
    await b.folders.resume('Docs')
    const error = await b.folders.restore('Docs', '/other.bin', 1).catch((err: unknown) => err)
    expect(error).toMatchObject({ code: 'BYTES_UNAVAILABLE' })
    expect((error as Error).message).toMatch(/version 1 of \/other\.bin/i)
    expect((error as Error).message).not.toMatch(/\n/)
  })
  test('a version pruned here by the history setting is restored from the peer that keeps it', async () => {
    const { nodes } = await joinedNodes(env, 2)
    const [a, b] = nodes as [HyperfoldNode, HyperfoldNode]
    const v1 = randomBytes(3 * MiB)
    const [rootA, rootB] = await shareAndSync(env, a, b, 'Docs', 'doc.bin', v1)
    const v2 = randomBytes(3 * MiB)
    await fs.writeFile(path.join(rootA, 'doc.bin'), v2)
    await waitUntil(() => holds(path.join(rootB, 'doc.bin'), sha(v2)), 'v2 on B')
    await synced(b, 'Docs')
    const store = (sharedFolder(b, 'Docs') as unknown as { chunks: { usage(): Promise<{ bytes: number }> } }).chunks
    expect((await store.usage()).bytes).toBeGreaterThanOrEqual(3 * MiB) // v1, archived as v2 replaced it

    await b.folders.setHistory('Docs', { retention: 'off' })
    await waitUntil(async () => ((await store.usage()).bytes === 0 ? true : undefined), 'the archive swept on B')
    const before = received(b, a)
    await b.folders.restore('Docs', '/doc.bin', 1)
    expect(await holds(path.join(rootB, 'doc.bin'), sha(v1))).toBe(true)
    expect(received(b, a) - before).toBeGreaterThan(2 * MiB) // from A's own history
  })
})
