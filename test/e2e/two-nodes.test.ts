import fs from 'fs/promises'
import path from 'path'
import { expect, onTestFinished, test } from 'vitest'
import type { Page } from 'playwright-core'
import { TestEnv } from '../helpers/env'
import { startServe } from '../helpers/cli'
import { launchChromium, requireChromium } from './chromium'

const SCREENSHOTS = path.resolve(import.meta.dirname, '../../test-output/screenshots')

async function snap(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`), fullPage: true })
}

async function nameDevice(page: Page, name: string): Promise<void> {
  await page.getByLabel('Device name').fill(name)
  await page.getByRole('button', { name: 'Save name' }).click()
  await page.getByText(`Your peers now see “${name}”`).waitFor()
}

test('two people on two nodes: one creates a topic, the other joins by keyphrase, each sees the other by name; one shares a folder, the other syncs, browses it and opens a file\'s history', async (ctx) => {
  requireChromium(ctx)

  const env = await TestEnv.create()
  onTestFinished(() => env.close())
  const [dirA, dirB] = await Promise.all([env.tmpDir(), env.tmpDir()])
  const [nodeA, nodeB] = await Promise.all([startServe(env, dirA), startServe(env, dirB)])
  const browser = await launchChromium()
  env.defer(() => browser.close())
  await fs.mkdir(SCREENSHOTS, { recursive: true })

  // Two browser contexts: two people, no shared cookies. One likes light mode, the other dark.
  const viewport = { width: 1180, height: 740 }
  const laptop = await browser.newPage({ viewport, colorScheme: 'light' })
  const desktop = await browser.newPage({ viewport, colorScheme: 'dark' })

  await laptop.goto(nodeA.url)
  await laptop.getByRole('heading', { name: 'Welcome to Hyperfold' }).waitFor()
  await snap(laptop, 'welcome-light')
  await nameDevice(laptop, 'laptop')
  await laptop.getByRole('region', { name: 'Create a topic' }).getByLabel('Label').fill('family')
  await laptop.getByRole('button', { name: 'Create topic' }).click()
  await laptop.getByRole('heading', { name: 'Topic “family” is ready' }).waitFor()
  const keyphrase = await laptop.getByLabel('Keyphrase').inputValue()
  expect(keyphrase).toMatch(/^[a-z]+( [a-z]+){7}$/)
  expect(await laptop.getByRole('note').textContent()).toMatch(/Share this only with people you trust/)
  await snap(laptop, 'keyphrase-light')
  await laptop.getByRole('button', { name: 'Done, I saved it' }).click()
  await laptop.getByText('No peers yet.').waitFor()

  await desktop.goto(nodeB.url)
  await desktop.getByRole('heading', { name: 'Welcome to Hyperfold' }).waitFor()
  await snap(desktop, 'welcome-dark')
  await nameDevice(desktop, 'desktop')
  await desktop.getByLabel('Keyphrase').fill(keyphrase)
  await desktop.getByRole('button', { name: 'Join topic' }).click()

  const laptopRow = desktop.getByRole('row', { name: /laptop/ })
  const desktopRow = laptop.getByRole('row', { name: /desktop/ })
  await Promise.all([laptopRow.waitFor({ timeout: 30_000 }), desktopRow.waitFor({ timeout: 30_000 })])
  for (const row of [laptopRow, desktopRow]) {
    expect(await row.textContent()).toMatch(/online.*Direct/)
  }
  expect(await laptop.getByRole('navigation').getByRole('button', { name: /family/ }).textContent()).toMatch(/1 peer online/)
  await snap(laptop, 'topic-peers-light')
  await snap(desktop, 'topic-peers-dark')

  await laptop.getByRole('button', { name: 'Activity' }).click()
  await laptop.getByText('desktop connected on family').waitFor()
  await snap(laptop, 'activity-light')
  await desktop.getByRole('button', { name: 'Settings' }).click()
  await desktop.getByText(dirB).waitFor()
  await snap(desktop, 'settings-dark')

  // The laptop shares a folder by typing its path.
  const holiday = path.join(await env.tmpDir('hf-e2e-a-'), 'Holiday')
  await writeFiles(holiday, { 'plan.txt': 'fly on friday\n', 'photos/beach.jpg': 'not really a jpeg', 'photos/hotel.jpg': 'nor this' })
  await laptop.getByRole('navigation', { name: 'Hyperfold' }).getByRole('button', { name: /family/ }).click()
  await laptop.getByText('No folders yet.').waitFor()
  await laptop.getByRole('button', { name: 'Share a folder' }).click()
  await laptop.getByLabel('Folder on this device').fill(holiday)
  await laptop.getByRole('button', { name: 'Share folder' }).click()
  const laptopCard = laptop.getByRole('article', { name: 'Holiday' })
  await laptopCard.getByText('Up to date').waitFor()
  expect(await laptopCard.textContent()).toMatch(/3 files · 39 B/)

  // The desktop sees it offered, and syncs it into a folder of its own.
  // The desktop joined without a label: its one topic is named after the topic's id.
  await desktop.getByRole('list', { name: 'Topics' }).getByRole('button').click()
  const desktopCard = desktop.getByRole('article', { name: 'Holiday' })
  await desktopCard.getByText('Offered by laptop').waitFor({ timeout: 30_000 })
  expect(await desktopCard.getByText('Available').isVisible()).toBe(true)
  await snap(desktop, 'folder-offered-dark')
  const synced = path.join(await env.tmpDir('hf-e2e-b-'), 'Holiday')
  await desktopCard.getByRole('button', { name: 'Sync into a folder…' }).click()
  await desktopCard.getByLabel('Into this folder on this device').fill(synced)
  await desktopCard.getByRole('button', { name: 'Start syncing' }).click()
  await desktopCard.getByText('Up to date').waitFor({ timeout: 60_000 })
  await desktopCard.getByText('3 files · 39 B').waitFor()
  expect(await desktopCard.getByRole('progressbar').count()).toBe(0)
  expect(await desktopCard.textContent()).toMatch(/Also on laptop · Send & receive/)
  expect(await fs.readFile(path.join(synced, 'photos/beach.jpg'), 'utf8')).toBe('not really a jpeg')
  await laptopCard.getByText(/Also on desktop/).waitFor({ timeout: 30_000 })
  await laptopCard.screenshot({ path: path.join(SCREENSHOTS, 'folder-card-light.png') })
  await desktopCard.screenshot({ path: path.join(SCREENSHOTS, 'folder-card-dark.png') })
  await snap(desktop, 'topic-folders-dark')

  // The desktop browses it: a directory, then a file and its history.
  await desktopCard.getByRole('button', { name: 'Browse files' }).click()
  await desktop.getByRole('heading', { level: 1, name: 'Holiday' }).waitFor()
  expect(await desktop.getByRole('row', { name: /plan\.txt/ }).textContent()).toMatch(/14 B.*laptop/)
  await desktop.getByRole('button', { name: 'photos, folder' }).click()
  await desktop.getByRole('navigation', { name: 'Breadcrumb' }).getByText('photos').waitFor()
  await desktop.getByRole('button', { name: 'hotel.jpg', exact: true }).waitFor()
  await snap(desktop, 'folder-browser-dark')
  await desktop.getByRole('button', { name: 'beach.jpg', exact: true }).click()
  const history = desktop.getByRole('complementary', { name: 'beach.jpg' })
  await history.getByText('Version 1').waitFor()
  expect(await history.getByRole('listitem').textContent()).toMatch(/Current.*17 B · laptop/)
  await snap(desktop, 'folder-history-dark')

  // An edit on the laptop reaches the desktop; the laptop's history of the file offers the older version back.
  await fs.writeFile(path.join(holiday, 'plan.txt'), 'fly on saturday instead\n')
  await desktop.getByRole('navigation', { name: 'Breadcrumb' }).getByRole('button', { name: 'Holiday' }).click()
  await desktop.getByRole('row', { name: /plan\.txt/ }).getByText('24 B').waitFor({ timeout: 30_000 })
  await laptopCard.getByRole('button', { name: 'Browse files' }).click()
  await laptop.getByRole('button', { name: 'plan.txt', exact: true }).click()
  const laptopHistory = laptop.getByRole('complementary', { name: 'plan.txt' })
  await laptopHistory.getByText('Version 2').waitFor()
  expect(await laptopHistory.getByRole('listitem').allTextContents()).toEqual([
    expect.stringMatching(/^Version 2\s*Current.*24 B · laptop \(this device\)/),
    expect.stringMatching(/^Version 1.*14 B · laptop \(this device\)/)
  ])
  expect(await laptopHistory.getByRole('button', { name: 'Restore version 1' }).isEnabled()).toBe(true)
  await snap(laptop, 'folder-history-light')

  await desktop.getByRole('navigation', { name: 'Hyperfold' }).getByRole('button', { name: 'Activity' }).click()
  await desktop.getByText(/^Received 3 files in Holiday/).waitFor()
  await snap(desktop, 'activity-folders-dark')
}, 240_000)

async function writeFiles(root: string, files: Record<string, string>): Promise<void> {
  for (const [rel, content] of Object.entries(files)) {
    await fs.mkdir(path.dirname(path.join(root, rel)), { recursive: true })
    await fs.writeFile(path.join(root, rel), content)
  }
}
