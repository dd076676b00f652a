import fs from 'fs/promises'
import path from 'path'
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest'
import { fireEvent, render, screen, within } from '@testing-library/svelte'
import type { HyperfoldBridge } from '../../preload/bridge'
import type { Conflict, ConflictKeep } from '../../contract'
import App from '../../renderer/src/App.svelte'
import ConflictCompare from '../../renderer/src/components/conflicts/ConflictCompare.svelte'
import { waitUntil } from '../helpers/cli'
import { conflictedPair } from '../helpers/conflict'
import { TestEnv } from '../helpers/env'
import { writeTree } from '../helpers/folders'
import { appFor } from './helpers/in-process'
import { restoreFetch, routeFileScheme } from './helpers/file-scheme'

describe('the home view and the conflict view', () => {
  let env: TestEnv
  beforeAll(async () => {
    env = await TestEnv.create()
  })
  afterAll(async () => {
    await env.close()
  })

  test('home shows each folder with its state, a file that failed with its reason and its conflicts; a conflict is settled by keeping the copy', async () => {
    const { nodes, roots, copy } = await conflictedPair(env)
    const [, b] = nodes
    // A path B's disk cannot take: a symlink where A has a directory.
    await fs.symlink(await env.tmpDir(), path.join(roots[1], 'dir'))
    await writeTree(roots[0], { 'dir/x.txt': 'x' })
    await waitUntil(async () => (b.folders.info('Docs').unapplied.length > 0 ? true : undefined), 'B out of sync')

    render(App, { props: appFor(b) })
    await fireEvent.click(await screen.findByRole('button', { name: 'Home' }))
    await screen.findByRole('heading', { level: 1, name: 'Home' })
    expect(screen.getByText('1 folder · 0 up to date · 1 needs attention')).toBeTruthy()
    const topic = screen.getByRole('region', { name: /^Topic / })
    const folder = within(topic).getByRole('article', { name: 'Docs' })
    expect(within(folder).getByText('Out of sync')).toBeTruthy()
    const failed = within(folder).getByRole('list', { name: 'Files not synced in Docs' })
    expect(within(failed).getByText('/dir/x.txt')).toBeTruthy()
    expect(failed.textContent).toMatch(/symlink/)
    expect(within(folder).getByText(/· \d+ files? not synced/)).toBeTruthy()
    expect(within(folder).getByText(/1 conflict copy/)).toBeTruthy()

    await fireEvent.click(within(folder).getByRole('button', { name: 'Resolve conflicts' }))
    await screen.findByRole('heading', { level: 1, name: 'Conflicts in Docs' })
    const list = await screen.findByRole('list', { name: 'Conflict copies' })
    const row = within(list).getByRole('button', { name: /\/doc\.txt/ })
    expect(row.textContent).toMatch(/copy from device-0/)
    await fireEvent.click(row)
    const choice = await screen.findByRole('group', { name: 'Keep which version' })
    expect(within(choice).getAllByRole('button').map((button) => button.textContent)).toEqual([
      'Keep this version',
      'Keep the copy from device-0',
      'Keep both'
    ])
    await fireEvent.click(within(choice).getByRole('button', { name: 'Keep the copy from device-0' }))
    expect((await screen.findByText('Kept /doc.txt.')).getAttribute('role')).toBe('status')
    expect(await screen.findByText('No conflicts.')).toBeTruthy()
    expect(await fs.readFile(path.join(roots[1], 'doc.txt'), 'utf8')).toBe('edit from A\n')
    await expect(fs.stat(path.join(roots[1], copy))).rejects.toMatchObject({ code: 'ENOENT' })
  }, 120_000)
})

describe('the conflict view in the desktop app', () => {
  let env: TestEnv
  beforeAll(async () => {
    env = await TestEnv.create()
  })
  afterAll(async () => {
    await env.close()
  })
  afterEach(() => {
    delete window.hyperfold
    restoreFetch()
  })

  // The desktop app has no HTTP route: its page reads the node through the app's file scheme, answered by the same handler.
  test('shows a line diff of both versions, read through the file scheme, and hands on the choice', async () => {
    const node = await env.startNode()
    await node.joinTopic('a long private phrase for the desktop conflict test', 'home')
    const root = await env.tmpDir()
    const copy = '/notes.sync-conflict-20260101-100000-abcd1234.md'
    await writeTree(root, { 'notes.md': 'one\ntwo\nthree\n', [copy.slice(1)]: 'one\nTWO\nthree\n' })
    const folder = await node.folders.share({ path: root, topic: 'home', name: 'Notes' })
    window.hyperfold = {} as HyperfoldBridge
    routeFileScheme(node)
    const conflict: Conflict = {
      ...{ original: '/notes.md', copy, originalSize: 14, originalMtime: '2026-01-01T11:00:00.000Z' },
      ...{ copySize: 14, copyMtime: '2026-01-01T10:00:00.000Z', device: 'abcd1234', deviceName: 'laptop' }
    }
    const chosen: ConflictKeep[] = []
    render(ConflictCompare, { props: { folderId: folder.id, conflict, onresolve: async (keep: ConflictKeep) => void chosen.push(keep) } })
    expect(screen.getByText('Conflict copy from laptop')).toBeTruthy()
    expect(screen.getAllByText(/^14 B · changed/)).toHaveLength(2)
    expect(await screen.findByText('1 line differs.')).toBeTruthy()
    const diff = screen.getByRole('table', { name: 'Differences, line by line' })
    expect(within(diff).getByText('TWO')).toBeTruthy()
    await fireEvent.click(screen.getByRole('button', { name: 'Keep both' }))
    expect(chosen).toEqual(['both'])
  })
})
