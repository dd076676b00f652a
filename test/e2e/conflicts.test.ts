// A conflict made by two nodes editing one file apart, settled in the web UI:
// both versions side by side as a line diff, one kept, and the choice reaches
// the other node as an ordinary edit.
import fs from 'fs/promises'
import path from 'path'
import { expect, test } from 'vitest'
import { cliJson, waitUntil } from '../helpers/cli'
import type { Conflict, JoinedTopic, NodeStatus } from '../../contract'
import { requireChromium } from './chromium'
import { SCREENSHOTS, twoServesAndChromium } from './two-serves'

const ORIGINAL = 'Shopping\n- bread\n- milk\n- eggs\n- apples\n'
const EDIT_A = 'Shopping\n- bread\n- oat milk\n- eggs\n- apples\n- coffee\n'
const EDIT_B = 'Shopping\n- bread\n- milk\n- apples\n- cheese\n'

test('the conflict view shows both versions of a text file side by side and keeps one of them on every device', async (ctx) => {
  requireChromium(ctx)

  const { env, dirA, dirB, nodeB, browser } = await twoServesAndChromium()

  const [rootA, rootB] = [path.join(await env.tmpDir(), 'Lists'), path.join(await env.tmpDir(), 'Lists')]
  await fs.mkdir(rootA, { recursive: true })
  await fs.writeFile(path.join(rootA, 'shopping.txt'), ORIGINAL)
  const cli = (dir: string, ...args: string[]) => cliJson<unknown>(['--data-dir', dir, ...args])
  await cli(dirA, 'name', 'set', 'laptop')
  await cli(dirB, 'name', 'set', 'desktop')
  const created = (await cli(dirA, 'topic', 'create', '--label', 'family')) as JoinedTopic
  await cli(dirB, 'topic', 'join', created.keyphrase!, '--label', 'family')
  await cli(dirA, 'share', rootA, '--topic', 'family', '--name', 'Lists')
  await waitUntil(async () => ((await cli(dirB, 'folders')) as { name: string }[]).some((f) => f.name === 'Lists') || undefined, 'Lists offered to B')
  await cli(dirB, 'sync', 'Lists', rootB)
  await cli(dirB, 'status', 'Lists', '--wait-synced')

  // Both edit apart; the laptop's edit is older and loses.
  await Promise.all([cli(dirA, 'pause', 'Lists'), cli(dirB, 'pause', 'Lists')])
  await fs.writeFile(path.join(rootA, 'shopping.txt'), EDIT_A)
  await fs.utimes(path.join(rootA, 'shopping.txt'), new Date(), new Date('2026-01-01T10:00:00Z'))
  await fs.writeFile(path.join(rootB, 'shopping.txt'), EDIT_B)
  await fs.utimes(path.join(rootB, 'shopping.txt'), new Date(), new Date('2026-01-01T11:00:00Z'))
  await Promise.all([cli(dirA, 'resume', 'Lists'), cli(dirB, 'resume', 'Lists')])
  const deviceA = ((await cli(dirA, 'status')) as NodeStatus).device.id
  const copy = `shopping.sync-conflict-20260101-100000-${deviceA}.txt`
  await waitUntil(async () => ((await cli(dirB, 'conflicts', 'Lists')) as Conflict[]).length === 1 || undefined, 'the conflict on B')

  const page = await browser.newPage({ viewport: { width: 1180, height: 800 }, colorScheme: 'light' })
  await page.goto(nodeB.url)
  await page.getByRole('navigation', { name: 'Hyperfold' }).getByRole('button', { name: 'Home' }).click()
  await page.getByRole('article', { name: 'Lists' }).getByText('1 conflict copy').waitFor()
  await page.screenshot({ path: path.join(SCREENSHOTS, 'home.png'), fullPage: true })
  await page.getByRole('navigation', { name: 'Hyperfold' }).getByRole('button', { name: /family/ }).click()
  const card = page.getByRole('article', { name: 'Lists' })
  await card.getByRole('button', { name: 'Resolve conflicts' }).click()
  await page.getByRole('heading', { level: 1, name: 'Conflicts in Lists' }).waitFor()
  await page.getByRole('list', { name: 'Conflict copies' }).getByRole('button', { name: /shopping\.txt/ }).click()

  const diff = page.getByRole('table', { name: 'Differences, line by line' })
  await diff.waitFor()
  const rows = await diff.getByRole('row').evaluateAll((els) => els.map((el) => [...el.children].map((c) => c.textContent ?? '')))
  expect(rows).toEqual([
    ['Shopping', 'Shopping'],
    ['- bread', '- bread'],
    ['- milk', '- oat milk'],
    ['', '- eggs'],
    ['- apples', '- apples'],
    ['- cheese', '- coffee']
  ])
  await page.screenshot({ path: path.join(SCREENSHOTS, 'conflict-diff.png'), fullPage: true })

  await page.getByRole('button', { name: 'Keep the copy from laptop' }).click()
  await page.getByText('Kept /shopping.txt.').waitFor()
  await page.getByText('No conflicts.').waitFor()
  await page.screenshot({ path: path.join(SCREENSHOTS, 'conflict-resolved.png'), fullPage: true })

  for (const root of [rootA, rootB]) {
    await waitUntil(async () => {
      const names = (await fs.readdir(root)).filter((n) => !n.startsWith('.hyperfold')).sort()
      return names.join() === 'shopping.txt' && (await fs.readFile(path.join(root, 'shopping.txt'), 'utf8')) === EDIT_A ? true : undefined
    }, `the copy's content kept in ${root}`)
  }
  expect(await fs.stat(path.join(rootA, copy)).catch(() => null)).toBeNull()
}, 240_000)
