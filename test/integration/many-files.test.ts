// A 10,000-file tree between two `serve` processes, driven through the CLI:
// the synced copy matches byte for byte, and a rescan of it finds nothing to send.
import fs from 'fs/promises'
import path from 'path'
import { createHash } from 'crypto'
import { expect, onTestFinished, test, vi } from 'vitest'
import { TestEnv } from '../helpers/env'
import { cliJson, startServe, waitUntil } from '../helpers/cli'
import { treeHashes } from '../helpers/folders'
import type { FileVersion, Folder, JoinedTopic, NodeStatus } from '../../contract'

vi.setConfig({ testTimeout: 300_000 })

const FILES = 10_000
const DIRS = 100

// Every file's content differs (its own name in it), so a file written to the wrong path is caught.
async function writeManyFiles(root: string): Promise<void> {
  for (let d = 0; d < DIRS; d++) await fs.mkdir(path.join(root, `dir-${d}`), { recursive: true })
  const write = (i: number) => {
    const name = `dir-${i % DIRS}/file-${i}.txt`
    const body = createHash('sha256').update(name).digest('hex').repeat(20) // 1,280 bytes
    return fs.writeFile(path.join(root, name), `${name}\n${body}\n`)
  }
  for (let i = 0; i < FILES; i += 250) await Promise.all(Array.from({ length: Math.min(250, FILES - i) }, (_, j) => write(i + j)))
}

test('10,000 files in 100 folders sync and match byte for byte', async () => {
  const env = await TestEnv.create()
  onTestFinished(() => env.close())
  const [dirA, dirB, source] = await Promise.all([env.tmpDir(), env.tmpDir(), env.tmpDir()])
  const copy = path.join(await env.tmpDir(), 'Many')
  await writeManyFiles(source)
  await Promise.all([startServe(env, dirA), startServe(env, dirB)])
  const created = await cliJson<JoinedTopic>(['--data-dir', dirA, 'topic', 'create', '--label', 'work'])
  await cliJson(['--data-dir', dirB, 'topic', 'join', created.keyphrase!, '--label', 'work'])

  const shared = await cliJson<Folder>(['--data-dir', dirA, 'share', source, '--topic', 'work', '--name', 'Many'])
  expect(shared).toMatchObject({ name: 'Many', files: FILES })
  await waitUntil(async () => {
    const offered = (await cliJson<Folder[]>(['--data-dir', dirB, 'folders'])).find((f) => f.name === 'Many')
    return offered?.files === FILES ? offered : undefined
  }, 'B to see all of Many offered')

  await cliJson(['--data-dir', dirB, 'sync', 'Many', copy])
  const status = await cliJson<NodeStatus & { folder: Folder }>(['--data-dir', dirB, 'status', 'Many', '--wait-synced', '--timeout', '240'])
  expect(status.folder).toMatchObject({ state: 'idle', files: FILES, path: copy, lastError: null })
  const [want, got] = await Promise.all([treeHashes(source), treeHashes(copy)])
  expect(Object.keys(got)).toHaveLength(FILES)
  expect(got).toEqual(want)

  // Pause and resume rescan the whole copy: an unchanged tree publishes nothing, so every file keeps its one version.
  await cliJson(['--data-dir', dirB, 'pause', 'Many'])
  await cliJson(['--data-dir', dirB, 'resume', 'Many'])
  const after = await cliJson<NodeStatus & { folder: Folder }>(['--data-dir', dirB, 'status', 'Many', '--wait-synced', '--timeout', '120'])
  expect(after.folder).toMatchObject({ state: 'idle', files: FILES, conflicts: 0, lastError: null })
  for (const file of ['/dir-0/file-0.txt', `/dir-${DIRS - 1}/file-${FILES - 1}.txt`]) {
    const versions = await cliJson<FileVersion[]>(['--data-dir', dirB, 'history', 'Many', file])
    expect(versions.map((v) => [v.version, v.deleted])).toEqual([[1, false]])
  }
})
