// Renders the app icon set (16-1024 px, for the installers and the window) and
// the tray icons (one per sync state, for light and dark panels, at 1x and 2x)
// from SVG with the system Chromium; nothing is fetched. The PNGs are committed:
// run this again after changing an icon (`npx tsx main/electron/render-icons.ts`; a tool, not part of the app).
import fs from 'fs/promises'
import path from 'path'
import { chromium } from 'playwright-core'
import { TRAY_STATES, TRAY_THEMES, type TrayIconState, type TrayTheme, trayIconFile } from './tray-icons'

const ASSETS = path.resolve(import.meta.dirname, '../../assets')
const APP_SIZES = [16, 24, 32, 48, 64, 128, 256, 512, 1024]
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'

// A monochrome folder that reads on the panel, and a badge that says the state.
function traySvg(state: TrayIconState, theme: TrayTheme): string {
  const ink = theme === 'dark' ? '#f3f4f6' : '#1f2937'
  const badges: Record<TrayIconState, string> = {
    idle: '',
    syncing: '<circle cx="25" cy="25" r="7" fill="#2563eb"/><path d="M21.5 25a3.5 3.5 0 0 1 6-2.5M28.5 25a3.5 3.5 0 0 1-6 2.5" stroke="#fff" stroke-width="1.8" fill="none"/>',
    paused: '<circle cx="25" cy="25" r="7" fill="#6b7280"/><path d="M23 21.5v7M27 21.5v7" stroke="#fff" stroke-width="2"/>',
    error: '<circle cx="25" cy="25" r="7" fill="#dc2626"/><path d="M25 20.5v5.5" stroke="#fff" stroke-width="2.2"/><circle cx="25" cy="29" r="1.3" fill="#fff"/>'
  }
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32">
  <path fill="${ink}" d="M3 9a3 3 0 0 1 3-3h6.5l3 3H26a3 3 0 0 1 3 3v12a3 3 0 0 1-3 3H6a3 3 0 0 1-3-3z"/>
  <circle fill="${theme === 'dark' ? '#1f2937' : '#ffffff'}" cx="11" cy="18.5" r="2.6"/>
  <circle fill="${theme === 'dark' ? '#1f2937' : '#ffffff'}" cx="21" cy="18.5" r="2.6"/>
  ${badges[state]}
</svg>`
}

async function main(): Promise<void> {
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu'] })
  try {
    const page = await browser.newPage()
    const render = async (svg: string, size: number, file: string) => {
      await page.setViewportSize({ width: size, height: size })
      const body = `<style>html,body{margin:0;background:transparent}svg{display:block;width:${size}px;height:${size}px}</style>${svg}`
      await page.setContent(body)
      await fs.mkdir(path.dirname(file), { recursive: true })
      await page.screenshot({ path: file, omitBackground: true })
    }
    const icon = await fs.readFile(path.join(ASSETS, 'icon.svg'), 'utf8')
    for (const size of APP_SIZES) await render(icon, size, path.join(ASSETS, 'icons', `${size}x${size}.png`))
    await render(icon, 1024, path.join(ASSETS, 'icon.png'))
    for (const state of TRAY_STATES) {
      for (const theme of TRAY_THEMES) {
        await render(traySvg(state, theme), 16, path.join(ASSETS, trayIconFile(state, theme, 1)))
        await render(traySvg(state, theme), 32, path.join(ASSETS, trayIconFile(state, theme, 2)))
      }
    }
  } finally {
    await browser.close()
  }
}

await main()
