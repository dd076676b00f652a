// Two `hyperfold serve` processes on a local testnet, and a Chromium to drive
// the second one's web UI: all closed with the test.
import fs from 'fs/promises'
import path from 'path'
import { onTestFinished } from 'vitest'
import type { Browser } from 'playwright-core'
import { TestEnv } from '../helpers/env'
import { type ServeProcess, startServe } from '../helpers/cli'
import { launchChromium } from './chromium'

export const SCREENSHOTS = path.resolve(import.meta.dirname, 'screenshots')

export interface TwoServes {
  env: TestEnv
  dirA: string
  dirB: string
  nodeB: ServeProcess
  browser: Browser
}

export async function twoServesAndChromium(): Promise<TwoServes> {
  const env = await TestEnv.create()
  onTestFinished(() => env.close())
  const [dirA, dirB] = await Promise.all([env.tmpDir(), env.tmpDir()])
  const [, nodeB] = await Promise.all([startServe(env, dirA), startServe(env, dirB)])
  const browser = await launchChromium()
  env.defer(() => browser.close())
  await fs.mkdir(SCREENSHOTS, { recursive: true })
  return { env, dirA, dirB, nodeB, browser }
}
