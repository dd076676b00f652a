// Selective sync from the folder browser: each row of a folder synced here
// offers "Keep on this device" when its bytes are fetched on demand and "Free
// up space" when they are here; a refusal (the last copy) reads as one line.
import fs from 'fs/promises'
import path from 'path'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { fireEvent, render, screen, within } from '@testing-library/svelte'
import type { HyperfoldNode } from '../../main/core/node'
import App from '../../renderer/src/App.svelte'
import { TestEnv } from '../helpers/env'
import { joinedNodes, waitOffered, writeTree } from '../helpers/folders'
import { appFor } from './helpers/in-process'

async function exists(file: string): Promise<boolean> {
  return (await fs.lstat(file).catch(() => null)) !== null
}

async function browse(folder: string): Promise<void> {
  await fireEvent.click(within(await screen.findByRole('article', { name: folder })).getByRole('button', { name: 'Browse files' }))
  await screen.findByRole('heading', { level: 1, name: folder })
}

describe('keep and free up space in the folder browser', () => {
  let env: TestEnv
  beforeAll(async () => {
    env = await TestEnv.create()
  })
  afterAll(async () => {
    await env.close()
  })

  test('a file not kept here is fetched with "Keep on this device", and its space freed again while a peer holds it', async () => {
    const { nodes } = await joinedNodes(env, 2)
    const [a, b] = nodes as [HyperfoldNode, HyperfoldNode]
    const [rootA, rootB] = [await env.tmpDir(), await env.tmpDir()]
    await writeTree(rootA, { 'docs/readme.txt': 'read me', 'photos/cat.jpg': 'a cat', 'top.txt': 'at the top' })
    await a.folders.share({ path: rootA, topic: 'family', name: 'Shared' })
    await waitOffered(b, 'Shared')
    await b.folders.sync({ folder: 'Shared', path: rootB, only: ['/docs'] })
    await b.folders.waitSynced('Shared', 60_000)

    render(App, { props: appFor(b) })
    await browse('Shared')
    const docs = await screen.findByRole('row', { name: /docs/ })
    expect(within(docs).getByRole('button', { name: 'Free up space: docs' })).toBeTruthy()
    expect(within(screen.getByRole('row', { name: /photos/ })).getByRole('button', { name: 'Keep on this device: photos' })).toBeTruthy()
    const top = screen.getByRole('row', { name: /top\.txt/ })
    expect(within(top).getByText('On demand')).toBeTruthy()

    await fireEvent.click(within(top).getByRole('button', { name: 'Keep on this device: top.txt' }))
    expect(await within(screen.getByRole('row', { name: /top\.txt/ })).findByText('Local')).toBeTruthy()
    expect(await fs.readFile(path.join(rootB, 'top.txt'), 'utf8')).toBe('at the top')

    await fireEvent.click(within(screen.getByRole('row', { name: /top\.txt/ })).getByRole('button', { name: 'Free up space: top.txt' }))
    expect(await within(screen.getByRole('row', { name: /top\.txt/ })).findByText('On demand')).toBeTruthy()
    expect(await exists(path.join(rootB, 'top.txt'))).toBe(false)
    expect(await exists(path.join(rootA, 'top.txt'))).toBe(true)
    expect(screen.queryByRole('alert')).toBeNull()
  }, 120_000)

  test('freeing the only copy is refused in one readable line, and the file stays', async () => {
    const node = await env.startNode()
    await node.joinTopic('a long private phrase for the free-space test', 'home')
    const root = await env.tmpDir()
    await writeTree(root, { 'only.txt': 'nowhere else' })
    await node.folders.share({ path: root, topic: 'home', name: 'Alone' })

    render(App, { props: appFor(node) })
    await screen.findByRole('heading', { level: 1, name: 'home' })
    await browse('Alone')
    const row = await screen.findByRole('row', { name: /only\.txt/ })
    await fireEvent.click(within(row).getByRole('button', { name: 'Free up space: only.txt' }))
    const alert = await screen.findByRole('alert')
    expect(alert.textContent).toMatch(/only\.txt/)
    expect(alert.textContent).not.toMatch(/\n/)
    expect(await fs.readFile(path.join(root, 'only.txt'), 'utf8')).toBe('nowhere else')
    expect(within(screen.getByRole('row', { name: /only\.txt/ })).getByText('Local')).toBeTruthy()
  }, 60_000)
})
