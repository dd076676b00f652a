import { expect, onTestFinished, test } from 'vitest'
import { formatJoinLink } from '../../contract/join-link'
import { TestEnv } from '../helpers/env'
import { startServe } from '../helpers/cli'
import { launchChromium, requireChromium } from './chromium'

test('a join link pasted into the join form fills in the keyphrase and label, and joins only when the user presses Join', async (ctx) => {
  requireChromium(ctx)

  const env = await TestEnv.create()
  onTestFinished(() => env.close())
  const node = await startServe(env, await env.tmpDir())
  const browser = await launchChromium()
  env.defer(() => browser.close())
  const page = await browser.newPage({ viewport: { width: 1180, height: 740 } })

  await page.goto(node.url)
  await page.getByRole('heading', { name: 'Welcome to Hyperfold' }).waitFor()
  const join = page.getByRole('region', { name: 'Join a topic' })
  const keyphrase = 'orbit velvet canyon pilot maple ember quartz lagoon'
  await join.getByLabel('Keyphrase').fill(formatJoinLink({ keyphrase, label: 'family' }))

  await join.getByText('Filled in from a join link for “family”. Check it, then press Join topic.').waitFor()
  expect(await join.getByLabel('Keyphrase').inputValue()).toBe(keyphrase)
  expect(await join.getByLabel(/^Label/).inputValue()).toBe('family')
  expect(await page.getByRole('navigation').count()).toBe(0) // still the welcome page: nothing joined yet

  await join.getByLabel('Keyphrase').fill('hyperfold://join?label=family')
  await join.getByRole('alert').getByText('This join link carries no keyphrase (no k=…): ask for it again.').waitFor()
  expect(await join.getByRole('button', { name: 'Join topic' }).isDisabled()).toBe(true)

  await join.getByLabel('Keyphrase').fill(formatJoinLink({ keyphrase, label: 'family' }))
  await join.getByRole('button', { name: 'Join topic' }).click()
  await page.getByRole('navigation').getByRole('button', { name: /family/ }).waitFor({ timeout: 30_000 })
})
