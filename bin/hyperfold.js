#!/usr/bin/env node
// Runs the TypeScript CLI through tsx, so the installed command needs no build step.
// `serve` first starts itself again with the memory settings of ./tuning.js when
// they are missing, before tsx is loaded: the process that waits for it stays small.
import process from 'process'
import { isServe, relaunchNeeded, relaunchTuned } from './tuning.js'

if (isServe(process.argv.slice(2)) && relaunchNeeded()) {
  await relaunchTuned()
} else {
  const { register } = await import('tsx/esm/api')
  register()
  await import('../main/cli/index.ts')
}
