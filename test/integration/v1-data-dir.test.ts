// A data dir written by Hyperfold before chunks, where a file version's blob
// is its bytes, keeps working after the upgrade: the files on disk stay as they
// are, every old version is listed and restorable, a new device syncs it all,
// and what is edited after the upgrade is published in the chunked format.
//
// How test/fixtures/v1-data-dir.tar.gz was made, with the code at cd2c45d (the
// last before chunks), from a throwaway script run beside that checkout:
//   - a local testnet (hyperdht/testnet.js on 127.0.0.1), one HyperfoldNode on
//     /tmp/hfv1/data, setName('old-device'), createTopic('family');
//   - /tmp/hfv1/Docs holding notes.txt (a short line), photo.bin (300 KiB of
//     xorshift32 nibbles from seed 42, so it packs to half) and sub/deep.txt,
//     shared as "Docs"; waitSynced;
//   - notes.txt written twice more, photo.bin once (5000 bytes of seed 7 at
//     offset 100000), sub/deep.txt deleted, each waited for until history()
//     listed it; waitSynced; history() of each path recorded; node closed;
//   - rocksdb's LOG files and node.lock dropped; `tar --format=posix -czf`
//     (pax keeps sub-second mtimes) of data/ and Docs/.
// v1-data-dir.json holds the topic's keyphrase, the paths the state file
// names, each file's sha256 and mtime at the end, the sha256 of every version
// and the history as the old node listed it.
import { execFileSync } from 'child_process'
import { createHash } from 'crypto'
import fs from 'fs/promises'
import path from 'path'
import { isDeepStrictEqual } from 'util'
import { afterEach, beforeEach, describe, expect, test } from 'vitest'
import { parseEntryMeta } from '../../main/core/folder/entry-meta'
import type { HyperfoldNode } from '../../main/core/node'
import type { FileVersion } from '../../contract/types'
import { waitUntil } from '../helpers/cli'
import { TestEnv } from '../helpers/env'
import { ownDrive, treeHashes, waitOffered } from '../helpers/folders'

const FIXTURE = path.join(__dirname, '../fixtures/v1-data-dir.tar.gz')

interface Fixture {
  folder: { name: string; id: string }
  topic: { keyphrase: string }
  paths: { dataDir: string; root: string; rootAbs: string }
  files: Record<string, { sha256: string; mtimeMs: number; size: number }>
  versions: Record<string, string[]>
  history: Record<string, FileVersion[]>
}

function sha256(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex')
}

async function fileHash(file: string): Promise<string> {
  return sha256(await fs.readFile(file).catch(() => Buffer.alloc(0))) // a missing file hashes as empty
}

async function mtimes(root: string, files: string[]): Promise<Record<string, number>> {
  const out: Record<string, number> = {}
  for (const f of files) out[f] = (await fs.stat(path.join(root, f))).mtimeMs
  return out
}

// Restores one version on a node and waits until the file holds its bytes.
async function restore(node: HyperfoldNode, root: string, file: string, version: number, expected: string): Promise<void> {
  await node.folders.restore('Docs', file, version)
  await waitUntil(async () => ((await fileHash(path.join(root, file))) === expected ? true : undefined), `${file} v${version} restored`)
}

// The fixture unpacked in a temp dir, its state file naming the root where it now is.
async function unpack(env: TestEnv): Promise<{ fixture: Fixture; dataDir: string; root: string }> {
  const fixture = JSON.parse(await fs.readFile(FIXTURE.replace(/\.tar\.gz$/, '.json'), 'utf8')) as Fixture
  const base = await env.tmpDir('hf-v1-')
  execFileSync('tar', ['-xzf', FIXTURE, '-C', base])
  const dataDir = path.join(base, fixture.paths.dataDir)
  const root = path.join(base, fixture.paths.root)
  // Corestore's device file pins the store to the inode and xattr it was made
  // on, and refuses a copy ("was moved unsafely"); an unpacked copy is this
  // device's only one, so it gets a fresh device file, as a first open writes.
  await fs.rm(path.join(dataDir, 'corestore/CORESTORE'))
  const stateFile = path.join(dataDir, 'state.json')
  const state = JSON.parse(await fs.readFile(stateFile, 'utf8')) as { folders: { path: string }[] }
  expect(state.folders.map((f) => f.path)).toEqual([fixture.paths.rootAbs])
  state.folders[0]!.path = root
  await fs.writeFile(stateFile, JSON.stringify(state, null, 2) + '\n', { mode: 0o600 })
  return { fixture, dataDir, root }
}

describe('a data dir from before chunks', () => {
  let env: TestEnv
  beforeEach(async () => {
    env = await TestEnv.create()
  })
  afterEach(async () => {
    await env.close()
  })

  test('keeps its files and history, syncs to a new device, and publishes new edits as chunks', { timeout: 240_000 }, async () => {
    const { fixture, dataDir, root } = await unpack(env)
    const files = Object.keys(fixture.files).map((f) => f.slice(1))
    const unpacked = await mtimes(root, files)
    expect(unpacked).toEqual(Object.fromEntries(files.map((f) => [f, fixture.files[`/${f}`]!.mtimeMs])))
    const current = Object.fromEntries(files.map((f) => [f, fixture.files[`/${f}`]!.sha256]))
    expect(await treeHashes(root)).toEqual(current)

    // The upgraded node: the folder is there and in sync, and nothing on disk moved.
    const a = await env.startNode({ dataDir })
    expect(a.folders.list()).toEqual([expect.objectContaining({ id: fixture.folder.id, name: 'Docs', path: root, files: 2 })])
    await a.folders.waitSynced('Docs', 60_000)
    expect(a.folders.info('Docs')).toMatchObject({ state: 'idle', files: 2 })
    expect(await treeHashes(root)).toEqual(current)
    expect(await mtimes(root, files)).toEqual(unpacked)
    await expect(fs.stat(path.join(root, 'sub/deep.txt'))).rejects.toThrow()

    // Every old version is listed as the old node listed it, and republishing nothing.
    for (const file of Object.keys(fixture.history)) expect(await a.folders.history('Docs', file)).toEqual(fixture.history[file])

    // A new device joins the topic by its keyphrase and gets the files as they are, old-format versions all.
    const b = await env.startNode()
    await b.joinTopic(fixture.topic.keyphrase)
    await waitOffered(b, 'Docs')
    const rootB = path.join(await env.tmpDir(), 'Docs')
    await b.folders.sync({ folder: 'Docs', path: rootB })
    await b.folders.waitSynced('Docs', 90_000)
    expect(await treeHashes(rootB)).toEqual(current)
    for (const file of Object.keys(fixture.history)) expect(await b.folders.history('Docs', file)).toEqual(fixture.history[file])

    // Old versions, read from their blobs, come back byte for byte, a deleted file too, and reach B.
    const v = fixture.versions
    await restore(a, root, '/notes.txt', 1, v['/notes.txt']![0]!)
    await restore(a, root, '/notes.txt', 2, v['/notes.txt']![1]!)
    await restore(a, root, '/photo.bin', 1, v['/photo.bin']![0]!)
    await restore(a, root, '/sub/deep.txt', 1, v['/sub/deep.txt']![0]!)
    await a.folders.waitSynced('Docs', 60_000)
    expect((await a.folders.history('Docs', '/notes.txt')).slice(0, 3)).toEqual(fixture.history['/notes.txt'])
    expect(await a.folders.history('Docs', '/notes.txt')).toHaveLength(5)
    const folderId = fixture.folder.id
    for (const file of ['/notes.txt', '/photo.bin', '/sub/deep.txt']) {
      const entry = await ownDrive(a, folderId).entry(file)
      expect(parseEntryMeta(entry?.value.metadata)?.format, `${file} as restored`).toBe(2)
    }

    await waitUntil(async () => (isDeepStrictEqual(await treeHashes(rootB), await treeHashes(root)) ? true : undefined), 'the restored files on B')
    expect(await treeHashes(rootB)).toEqual({ 'notes.txt': v['/notes.txt']![1], 'photo.bin': v['/photo.bin']![0], 'sub/deep.txt': v['/sub/deep.txt']![0] })
    expect(await b.folders.history('Docs', '/photo.bin')).toEqual(await a.folders.history('Docs', '/photo.bin'))

    // B restores an old version, whose bytes are a blob of the old device's drive, and both get it.
    await restore(b, rootB, '/photo.bin', 2, v['/photo.bin']![1]!)
    await waitUntil(async () => ((await fileHash(path.join(root, 'photo.bin'))) === v['/photo.bin']![1] ? true : undefined), 'photo.bin v2 on A')

    // An edit after the upgrade goes out as chunks and reaches B.
    const edited = Buffer.from('notes, written after the upgrade\n')
    await fs.writeFile(path.join(root, 'notes.txt'), edited)
    await waitUntil(async () => ((await fileHash(path.join(rootB, 'notes.txt'))) === sha256(edited) ? true : undefined), 'the edit on B')
    const entry = await ownDrive(a, folderId).entry('/notes.txt')
    expect(parseEntryMeta(entry?.value.metadata)).toMatchObject({ format: 2, size: edited.byteLength })
    expect(await a.folders.history('Docs', '/notes.txt')).toHaveLength(6)
  })

  test('still knows the files it indexed: deletions made while it was stopped are published, before and after its first restart', { timeout: 120_000 }, async () => {
    const { dataDir, root } = await unpack(env)
    // Only a recorded file that is missing is a deletion (an unrecorded one was never
    // applied here), so these reach the drive only if the old index was carried over.
    await fs.rm(path.join(root, 'photo.bin'))
    const a = await env.startNode({ dataDir })
    await waitUntil(async () => ((await a.folders.history('Docs', '/photo.bin')).at(-1)?.deleted === true ? true : undefined), 'photo.bin deleted')
    await a.folders.waitSynced('Docs', 60_000)
    expect(a.folders.info('Docs')).toMatchObject({ state: 'idle', files: 1 })
    await expect(fs.stat(path.join(root, 'photo.bin'))).rejects.toThrow()
    await a.close()

    // Restarted, it reads its index from where the first start moved it.
    await fs.rm(path.join(root, 'notes.txt'))
    const again = await env.startNode({ dataDir })
    await waitUntil(async () => ((await again.folders.history('Docs', '/notes.txt')).at(-1)?.deleted === true ? true : undefined), 'notes.txt deleted')
    await again.folders.waitSynced('Docs', 60_000)
    expect(again.folders.info('Docs')).toMatchObject({ state: 'idle', files: 0 })
    expect(await treeHashes(root)).toEqual({})
  })
})
