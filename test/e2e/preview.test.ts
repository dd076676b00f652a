// Previews of a peer's files in the web UI, before this device syncs the
// folder: an image renders, a video reaches `canplay` and seeks, text shows
// as text. The media are made by Chromium itself (a canvas as PNG, and
// recorded as WebM through MediaRecorder): there is no ffmpeg here.
import fs from 'fs/promises'
import path from 'path'
import { expect, test } from 'vitest'
import type { Browser, Page } from 'playwright-core'
import { cliJson } from '../helpers/cli'
import type { JoinedTopic } from '../../contract'
import { requireChromium } from './chromium'
import { SCREENSHOTS, twoServesAndChromium } from './two-serves'


test("a peer's image, video and text preview in the folder browser without syncing the folder", async (ctx) => {
  requireChromium(ctx)

  const { env, dirA, dirB, nodeB, browser } = await twoServesAndChromium()

  const media = await makeMedia(browser)
  const root = path.join(await env.tmpDir('hf-e2e-a-'), 'Clips')
  await fs.mkdir(root, { recursive: true })
  await fs.writeFile(path.join(root, 'sunset.png'), media.png)
  await fs.writeFile(path.join(root, 'clip.webm'), media.webm)
  await fs.writeFile(path.join(root, 'index.html'), '<h1>Not a page</h1><script>document.title = "ran"</script>\n')

  const created = await cliJson<JoinedTopic>(['--data-dir', dirA, 'topic', 'create', '--label', 'family'])
  await cliJson(['--data-dir', dirB, 'topic', 'join', created.keyphrase!, '--label', 'family'])
  await cliJson(['--data-dir', dirA, 'share', root, '--topic', 'family', '--name', 'Clips'])

  const page = await browser.newPage({ viewport: { width: 1180, height: 800 }, colorScheme: 'dark' })
  await page.goto(nodeB.url)
  await page.getByRole('navigation', { name: 'Hyperfold' }).getByRole('button', { name: /family/ }).click()
  const card = page.getByRole('article', { name: 'Clips' })
  await card.getByText('Offered by').waitFor({ timeout: 60_000 })
  await card.getByRole('button', { name: 'Browse files' }).click()
  await page.getByRole('heading', { level: 1, name: 'Clips' }).waitFor()

  await page.getByRole('button', { name: 'sunset.png', exact: true }).click()
  const image = page.getByRole('img', { name: 'Preview of sunset.png' })
  await image.waitFor()
  await page.waitForFunction("(() => { const img = document.querySelector('figure img'); return img !== null && img.complete && img.naturalWidth === 160 })()")
  await page.screenshot({ path: path.join(SCREENSHOTS, 'preview-image.png'), fullPage: true })

  await page.getByRole('button', { name: 'clip.webm', exact: true }).click()
  await page.locator('figure video').waitFor()
  const played = await page.evaluate<{ canplay: boolean; at: number; width: number }>(PLAY_AND_SEEK)
  expect(played).toEqual({ canplay: true, at: expect.closeTo(1, 0) as number, width: 160 })
  await page.screenshot({ path: path.join(SCREENSHOTS, 'preview-video.png'), fullPage: true })

  await page.getByRole('button', { name: 'index.html', exact: true }).click()
  await page.locator('figure pre').getByText('<h1>Not a page</h1>', { exact: false }).waitFor()
  expect(await page.locator('figure h1').count()).toBe(0)
  expect(await page.title()).not.toBe('ran')
  await page.screenshot({ path: path.join(SCREENSHOTS, 'preview-text.png'), fullPage: true })

  // Browsed, never synced: the folder is still only offered to this device.
  expect(await card.count()).toBe(0) // the browser view replaced the card list
  const folders = await cliJson<{ name: string; path: string | null }[]>(['--data-dir', dirB, 'folders'])
  expect(folders.find((f) => f.name === 'Clips')?.path).toBeNull()
}, 240_000)

// The preview's video: until it can play, then seeked to its second second.
const PLAY_AND_SEEK = `(async () => {
  const video = document.querySelector('figure video')
  if (video.readyState < 3) await new Promise((resolve, reject) => {
    video.addEventListener('canplay', resolve, { once: true })
    video.addEventListener('error', () => reject(new Error('video error ' + video.error?.code)), { once: true })
  })
  const canplay = video.readyState >= 3
  const seeked = new Promise((resolve) => video.addEventListener('seeked', resolve, { once: true }))
  video.currentTime = 1
  await seeked
  return { canplay, at: video.currentTime, width: video.videoWidth }
})()`

// A 160x90 PNG and 2.5 seconds of 160x90 WebM video, drawn and recorded by Chromium.
const MAKE_MEDIA = `(async () => {
  const canvas = document.createElement('canvas')
  canvas.width = 160
  canvas.height = 90
  const g = canvas.getContext('2d')
  const draw = (t) => {
    g.fillStyle = 'hsl(' + ((t * 90) % 360) + ' 70% 50%)'
    g.fillRect(0, 0, 160, 90)
    g.fillStyle = '#fff'
    g.fillRect(10 + ((t * 40) % 120), 30, 30, 30)
  }
  draw(0)
  const asBase64 = async (blob) => {
    const bytes = new Uint8Array(await blob.arrayBuffer())
    let text = ''
    for (const b of bytes) text += String.fromCharCode(b)
    return btoa(text)
  }
  const png = await new Promise((resolve) => canvas.toBlob(resolve, 'image/png'))
  const recorder = new MediaRecorder(canvas.captureStream(25), { mimeType: 'video/webm' })
  const parts = []
  recorder.ondataavailable = (e) => parts.push(e.data)
  const stopped = new Promise((resolve) => (recorder.onstop = resolve))
  recorder.start()
  const started = performance.now()
  await new Promise((resolve) => {
    const frame = () => {
      const t = (performance.now() - started) / 1000
      draw(t)
      if (t < 2.5) setTimeout(frame, 40)
      else resolve()
    }
    frame()
  })
  recorder.stop()
  await stopped
  return [await asBase64(png), await asBase64(new Blob(parts, { type: 'video/webm' }))]
})()`

async function makeMedia(browser: Browser): Promise<{ png: Buffer; webm: Buffer }> {
  const page: Page = await browser.newPage()
  try {
    const [png, webm] = await page.evaluate<[string, string]>(MAKE_MEDIA)
    return { png: Buffer.from(png, 'base64'), webm: Buffer.from(webm, 'base64') }
  } finally {
    await page.close()
  }
}
