import fs from 'fs/promises'
import path from 'path'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { fireEvent, render, screen, waitFor, within } from '@testing-library/svelte'
import { TestEnv } from '../helpers/env'
import type { HyperfoldNode } from '../../main/core/node'
import App from '../../renderer/src/App.svelte'
import { appFor } from './helpers/in-process'

async function writeFiles(root: string, files: Record<string, string | Buffer>): Promise<void> {
  for (const [rel, content] of Object.entries(files)) {
    await fs.mkdir(path.dirname(path.join(root, rel)), { recursive: true })
    await fs.writeFile(path.join(root, rel), content)
  }
}

async function openTopic(name: string): Promise<void> {
  await screen.findByRole('heading', { level: 1, name })
}

describe('folders of a topic: cards, sharing, syncing, pause, resume, remove', () => {
  let env: TestEnv
  beforeAll(async () => {
    env = await TestEnv.create()
  })
  afterAll(async () => {
    await env.close()
  })

  test('sharing a folder: the empty state, a readable error for a wrong path, the card; pause, resume and remove after a confirm', async () => {
    const node = await env.startNode()
    await node.joinTopic('a long private phrase for the folder card test', 'home')
    const dir = await env.tmpDir('hf-share-')
    await writeFiles(dir, { 'a.txt': 'hello', 'notes/b.md': '# b\n' })
    render(App, { props: appFor(node) })
    await openTopic('home')
    expect(await screen.findByText('No folders yet.')).toBeTruthy()

    await fireEvent.click(screen.getByRole('button', { name: 'Share a folder' }))
    const field = screen.getByLabelText('Folder on this device')
    expect(document.activeElement).toBe(field)
    await fireEvent.input(field, { target: { value: `${dir}-missing` } })
    await fireEvent.click(screen.getByRole('button', { name: 'Share folder' }))
    expect((await screen.findByRole('alert')).textContent).toBe(`${dir}-missing does not exist.`)

    await fireEvent.input(field, { target: { value: dir } })
    await fireEvent.input(screen.getByLabelText(/^Name/), { target: { value: 'Notes' } })
    await fireEvent.click(screen.getByRole('button', { name: 'Share folder' }))
    const card = await screen.findByRole('article', { name: 'Notes' })
    await within(card).findByText('Up to date')
    expect(within(card).getByText(dir)).toBeTruthy()
    expect(within(card).getByText('2 files · 9 B')).toBeTruthy()
    expect(within(card).getByText('No peer online has it yet · Send & receive')).toBeTruthy()
    expect(screen.queryByText('No folders yet.')).toBeNull()
    expect(document.activeElement).toBe(screen.getByRole('button', { name: 'Share a folder' }))

    await writeFiles(dir, { 'c.txt': 'scanned' })
    await fireEvent.click(within(card).getByRole('button', { name: 'Rescan' }))
    expect(await within(card).findByText('3 files · 16 B')).toBeTruthy()

    await fireEvent.click(within(card).getByRole('button', { name: 'Pause' }))
    expect(await within(card).findByText('Paused')).toBeTruthy()
    // The button stays disabled until the pause command has fully settled.
    const resume = within(card).getByRole('button', { name: 'Resume' }) as HTMLButtonElement
    await waitFor(() => expect(resume.disabled).toBe(false))
    await fireEvent.click(resume)
    expect(await within(card).findByText('Up to date')).toBeTruthy()

    await fireEvent.click(within(card).getByRole('button', { name: 'Remove…' }))
    const question = within(card).getByRole('group', { name: /Stop syncing “Notes” on this device\?/ })
    expect(question.textContent).toMatch(/Its files stay in/)
    await fireEvent.click(within(question).getByRole('button', { name: 'Cancel' }))
    expect(within(card).queryByRole('group')).toBeNull()
    expect(document.activeElement).toBe(within(card).getByRole('button', { name: 'Remove…' }))
    expect(node.folders.list()).toHaveLength(1)

    await fireEvent.click(within(card).getByRole('button', { name: 'Remove…' }))
    await fireEvent.click(within(card).getByRole('button', { name: 'Remove' }))
    expect(await screen.findByText('No folders yet.')).toBeTruthy()
    expect(node.folders.list()).toHaveLength(0)
    expect(await fs.readFile(path.join(dir, 'a.txt'), 'utf8')).toBe('hello')
  })

  test('a folder whose disk went away shows the problem in one readable line, on its card and in the feed', async () => {
    const node = await env.startNode()
    const topic = await node.joinTopic('a long private phrase for the folder error test', 'work')
    const dir = await env.tmpDir('hf-gone-')
    await writeFiles(dir, { 'report.txt': 'draft' })
    await node.folders.share({ path: dir, topic: topic.id, name: 'Reports' })
    render(App, { props: appFor(node) })
    await openTopic('work')
    const card = await screen.findByRole('article', { name: 'Reports' })

    await fireEvent.click(await within(card).findByRole('button', { name: 'Pause' }))
    await within(card).findByText('Paused')
    await fs.rm(dir, { recursive: true, force: true })
    // The badge can say Paused before the pause call has answered; until then the button is disabled.
    const resume = within(card).getByRole('button', { name: 'Resume' }) as HTMLButtonElement
    await waitFor(() => expect(resume.disabled).toBe(false))
    await fireEvent.click(resume)
    expect(await within(card).findByText('Error')).toBeTruthy()
    expect(within(card).getByText(/is missing or not mounted/).textContent).toBe(
      `Problem: ${dir} is missing or not mounted (no .hyperfold marker in it); it stays untouched until it is back.`
    )

    await fireEvent.click(within(screen.getByRole('navigation')).getByRole('button', { name: 'Activity' }))
    const feed = await screen.findByRole('list', { name: 'Activity' })
    expect(within(feed).getByText(/^Reports stopped syncing: .* is missing or not mounted/)).toBeTruthy()
  })

  test('a folder a peer offers: offered by name, browsable before syncing, then synced here with its progress until up to date', async () => {
    const [laptop, desktop] = await Promise.all([env.startNode(), env.startNode()])
    await Promise.all([laptop.setName('laptop'), desktop.setName('desktop')])
    const family = await laptop.createTopic('family')
    await desktop.joinTopic(family.keyphrase!, 'family')
    const shared = await env.tmpDir('hf-photos-')
    // Enough bytes that the pull takes several progress updates, even on a fast machine.
    const photos = Object.fromEntries(Array.from({ length: 160 }, (_, i) => [`album/photo-${String(i).padStart(3, '0')}.jpg`, Buffer.alloc(64 * 1024, i)]))
    await writeFiles(shared, { 'index.txt': 'my photos\n', ...photos })
    await laptop.folders.share({ path: shared, topic: family.id, name: 'Photos' })
    render(App, { props: appFor(desktop) })
    await openTopic('family')

    const card = await screen.findByRole('article', { name: 'Photos' })
    expect(within(card).getByText('Available')).toBeTruthy()
    expect(within(card).getByText('Offered by laptop')).toBeTruthy()
    expect(within(card).getByText('161 files · 10 MB')).toBeTruthy()
    expect(within(card).queryByRole('button', { name: 'Pause' })).toBeNull()

    // Browsing the peer's copy, before syncing it.
    await fireEvent.click(within(card).getByRole('button', { name: 'Browse files' }))
    expect(await screen.findByRole('heading', { level: 1, name: 'Photos' })).toBeTruthy()
    expect(screen.getByRole('note').textContent).toMatch(/You are browsing a peer's copy/)
    const index = await screen.findByRole('row', { name: /index\.txt/ })
    expect(within(index).getByText('10 B')).toBeTruthy()
    expect(within(index).getByText('laptop')).toBeTruthy()
    await fireEvent.click(within(screen.getByRole('navigation', { name: 'Breadcrumb' })).getByRole('button', { name: 'family' }))
    const offered = await screen.findByRole('article', { name: 'Photos' })

    await fireEvent.click(within(offered).getByRole('button', { name: 'Sync into a folder…' }))
    const target = path.join(await env.tmpDir('hf-synced-'), 'Photos')
    await fireEvent.input(within(offered).getByLabelText('Into this folder on this device'), { target: { value: target } })
    await fireEvent.change(within(offered).getByLabelText('Mode'), { target: { value: 'receive-only' } })
    expect(within(offered).getByText(/^Receive only: changes from others come in/)).toBeTruthy()
    await fireEvent.click(within(offered).getByRole('button', { name: 'Start syncing' }))

    const progress = await within(offered).findByRole('progressbar', { name: 'Sync progress of Photos' })
    expect(progress.getAttribute('aria-valuetext')).toMatch(/^\d+%: \d+ of 16\d files · /)
    expect(await within(offered).findByText('Up to date', {}, { timeout: 60_000 })).toBeTruthy()
    await waitFor(() => expect(within(offered).queryByRole('progressbar')).toBeNull())
    expect(within(offered).getByText('Also on laptop · Receive only')).toBeTruthy()
    expect(within(offered).getByText(target)).toBeTruthy()
    expect(within(offered).getByText('161 files · 10 MB')).toBeTruthy()
    expect(await fs.readFile(path.join(target, 'album/photo-007.jpg'))).toEqual(photos['album/photo-007.jpg'])

    await fireEvent.click(within(screen.getByRole('navigation', { name: 'Hyperfold' })).getByRole('button', { name: 'Activity' }))
    const feed = await screen.findByRole('list', { name: 'Activity' })
    expect(within(feed).getByText(/^Received 161 files in Photos, the latest \//)).toBeTruthy()
  }, 120_000)
})

describe('the folder browser: breadcrumb, files, history, restore, save a copy', () => {
  let env: TestEnv
  let node: HyperfoldNode
  beforeAll(async () => {
    env = await TestEnv.create()
    node = await env.startNode()
  })
  afterAll(async () => {
    await env.close()
  })

  test('a file opened from its directory shows every version; restoring one makes it the newest, on disk too', async () => {
    await node.setName('laptop')
    const topic = await node.joinTopic('a long private phrase for the browser test', 'home')
    const dir = await env.tmpDir('hf-browse-')
    await writeFiles(dir, { 'README.txt': 'read me first', 'notes/todo.txt': 'v1' })
    const folder = await node.folders.share({ path: dir, topic: topic.id, name: 'Notes' })
    await fs.writeFile(path.join(dir, 'notes/todo.txt'), 'version two')
    await until(async () => (await node.folders.history(folder.id, '/notes/todo.txt')).length === 2)
    render(App, { props: appFor(node) })
    await openTopic('home')

    await fireEvent.click(within(await screen.findByRole('article', { name: 'Notes' })).getByRole('button', { name: 'Browse files' }))
    const heading = await screen.findByRole('heading', { level: 1, name: 'Notes' })
    expect(document.activeElement).toBe(heading)
    const readme = await screen.findByRole('row', { name: /README\.txt/ })
    expect(within(readme).getByText('13 B')).toBeTruthy()
    expect(within(readme).getByText('laptop (this device)')).toBeTruthy()
    expect(screen.getByRole('button', { name: '↑ Up' }).hasAttribute('disabled')).toBe(true)

    await fireEvent.click(screen.getByRole('button', { name: 'notes, folder' }))
    const crumbs = screen.getByRole('navigation', { name: 'Breadcrumb' })
    expect(await within(crumbs).findByText('notes')).toBeTruthy()
    expect(within(crumbs).getByText('notes').getAttribute('aria-current')).toBe('location')
    const todo = await screen.findByRole('button', { name: 'todo.txt' })
    expect(document.activeElement?.textContent).toBe('Files in /notes')

    await fireEvent.click(todo)
    const panel = await screen.findByRole('complementary', { name: 'todo.txt' })
    const versions = await within(panel).findByRole('list', { name: 'History' })
    expect(within(versions).getAllByRole('listitem').map((item) => item.querySelector('strong')?.textContent)).toEqual(['Version 2', 'Version 1'])
    expect(within(versions).getAllByRole('listitem')[0]!.textContent).toMatch(/Current.*11 B · laptop \(this device\)/)
    expect(within(versions).queryByRole('button', { name: 'Restore version 2' })).toBeNull()

    await fireEvent.click(within(versions).getByRole('button', { name: 'Restore version 1' }))
    expect((await within(panel).findByRole('status')).textContent).toMatch(/Restored version 1: it is now the newest version/)
    await waitFor(() => expect(within(versions).getAllByRole('listitem')).toHaveLength(3))
    expect(within(versions).getAllByRole('listitem')[0]!.textContent).toMatch(/Version 3\s*Current.*2 B/)
    expect(await fs.readFile(path.join(dir, 'notes/todo.txt'), 'utf8')).toBe('v1')
    expect(await within(screen.getByRole('row', { name: /todo\.txt/ })).findByText('2 B')).toBeTruthy()

    // Save a copy: a path ending in "/" keeps the file's name.
    const out = await env.tmpDir('hf-copy-')
    await fireEvent.input(within(panel).getByLabelText('Save to'), { target: { value: `${out}/` } })
    await fireEvent.click(within(panel).getByRole('button', { name: 'Save' }))
    expect(await within(panel).findByText(`${out}/todo.txt`)).toBeTruthy()
    expect(within(panel).getByText(/^Saved 2 B to/)).toBeTruthy()
    expect(await fs.readFile(path.join(out, 'todo.txt'), 'utf8')).toBe('v1')

    await fireEvent.keyDown(within(panel).getByLabelText('Save to'), { key: 'Escape' })
    expect(screen.queryByRole('complementary')).toBeNull()
    await fireEvent.click(within(crumbs).getByRole('button', { name: 'Notes' }))
    expect(await screen.findByRole('row', { name: /README\.txt/ })).toBeTruthy()
    await fireEvent.click(within(crumbs).getByRole('button', { name: 'home' }))
    expect(await screen.findByRole('article', { name: 'Notes' })).toBeTruthy()
  })

  test('an empty folder says so', async () => {
    const topic = await node.joinTopic('another long private phrase for the browser', 'empty')
    const dir = await env.tmpDir('hf-empty-')
    await node.folders.share({ path: dir, topic: topic.id, name: 'Empty' })
    render(App, { props: appFor(node) })
    await fireEvent.click(within(await screen.findByRole('navigation', { name: 'Hyperfold' })).getByRole('button', { name: /empty/ }))
    await fireEvent.click(within(await screen.findByRole('article', { name: 'Empty' })).getByRole('button', { name: 'Browse files' }))
    expect(await screen.findByText('This folder is empty.')).toBeTruthy()
  })
})

async function until(probe: () => Promise<boolean>): Promise<void> {
  await waitFor(async () => expect(await probe()).toBe(true), { timeout: 20_000, interval: 100 })
}
