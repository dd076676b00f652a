#!/usr/bin/env node
// `npm run serve`: the built CLI, started again with the memory settings of
// ./tuning.js when they are missing, before the bundle (which loads the whole
// P2P stack) is imported: the process that waits for the node stays bare.
import { relaunchNeeded, relaunchTuned } from './tuning.js'

if (relaunchNeeded()) await relaunchTuned()
else await import('../out/cli/index.mjs')
