// The system Chromium, driven by playwright-core: Playwright's own browser
// download does not work on these machines, and a test must never fetch one.
import { existsSync } from 'fs'
import { type Browser, chromium } from 'playwright-core'

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'

const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run'
]

// Why the e2e tests cannot run here, or null when they can. In CI a missing
// Chromium is a failure, never a skip: a skipped e2e run proves nothing.
export function chromiumUnavailable(): { reason: string; fatal: boolean } | null {
  if (existsSync(CHROMIUM_PATH)) return null
  return {
    reason: `Chromium not found at ${CHROMIUM_PATH} (apt-get install chromium, or set CHROMIUM_PATH): the e2e tests need it`,
    fatal: process.env.CI === 'true'
  }
}

// Run at the start of each e2e test: skips it where Chromium is missing, fails it so in CI.
export function requireChromium(ctx: { skip(note?: string): void }): void {
  const unavailable = chromiumUnavailable()
  if (unavailable?.fatal) throw new Error(unavailable.reason)
  if (unavailable === null) return
  console.warn(`e2e skipped: ${unavailable.reason}`) // the default reporter does not print skip notes
  ctx.skip(unavailable.reason)
}

// Each launch gets a fresh temporary profile from Playwright, removed on close.
export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: ARGS })
}
