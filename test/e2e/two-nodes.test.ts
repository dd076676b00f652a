import fs from 'fs/promises'
import path from 'path'
import { expect, onTestFinished, test } from 'vitest'
import type { Page } from 'playwright-core'
import { TestEnv } from '../helpers/env'
import { startServe } from '../helpers/cli'
import { chromiumUnavailable, launchChromium } from './chromium'

const SCREENSHOTS = path.resolve(import.meta.dirname, '../../test-output/screenshots')

async function snap(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`), fullPage: true })
}

async function nameDevice(page: Page, name: string): Promise<void> {
  await page.getByLabel('Device name').fill(name)
  await page.getByRole('button', { name: 'Save name' }).click()
  await page.getByText(`Your peers now see “${name}”`).waitFor()
}

test('two people on two nodes: one creates a topic, the other joins by keyphrase, each sees the other by name', async (ctx) => {
  const unavailable = chromiumUnavailable()
  if (unavailable?.fatal) throw new Error(unavailable.reason)
  if (unavailable) {
    console.warn(`e2e skipped: ${unavailable.reason}`) // the default reporter does not print skip notes
    ctx.skip(unavailable.reason)
  }

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
}, 120_000)
