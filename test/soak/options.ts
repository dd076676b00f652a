// `npm run test:soak -- [options]`: what a run does, from the command line.
import { parseArgs } from 'util'
import { DEFAULT_WEIGHTS, OP_KINDS, type OpKind } from './ops'
import type { SoakOptions } from './soak'

// Each --no-<group> turns off the operations that might hide or cause a bug.
const GROUPS: Record<string, OpKind[]> = {
  'type-changes': ['file-to-dir', 'dir-to-file'],
  kills: ['kill', 'restart'],
  pauses: ['pause', 'resume'],
  conflicts: ['conflict'],
  renames: ['rename-file', 'rename-dir'],
  deletes: ['delete', 'rmdir'],
  'rm-root': ['rm-root']
}

export const USAGE = `Usage: npm run test:soak -- [--seed N] [--rounds N] [--devices N] [--ops N]
  [--settle-timeout S] [--max-failed-rounds N] [--time-limit MIN] [--only kind,kind] [--weight kind=N,kind=N] [--verbose] [--keep] [--no-build]
  ${Object.keys(GROUPS).map((g) => `[--no-${g}]`).join(' ')}
Operation kinds: ${OP_KINDS.join(', ')}`

export function parseOptions(argv: string[], log: (line: string) => void): SoakOptions {
  const flags = Object.fromEntries(Object.keys(GROUPS).map((g) => [`no-${g}`, { type: 'boolean' as const }]))
  const { values } = parseArgs({
    args: argv,
    options: {
      seed: { type: 'string' },
      rounds: { type: 'string', default: '6' },
      devices: { type: 'string', default: '3' },
      ops: { type: 'string', default: '16' },
      'settle-timeout': { type: 'string', default: '90' },
      'max-failed-rounds': { type: 'string', default: '1000' },
      'time-limit': { type: 'string', default: '60' },
      only: { type: 'string' },
      weight: { type: 'string' },
      verbose: { type: 'boolean', default: false },
      keep: { type: 'boolean', default: false },
      'no-build': { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
      ...flags
    }
  })
  if (values.help === true) {
    log(USAGE)
    process.exit(0)
  }
  const weights = { ...DEFAULT_WEIGHTS }
  if (typeof values.only === 'string') {
    const only = values.only.split(',') as OpKind[]
    const unknown = only.filter((k) => !OP_KINDS.includes(k))
    if (unknown.length > 0) throw new Error(`unknown operation kind(s): ${unknown.join(', ')}\n${USAGE}`)
    for (const k of OP_KINDS) if (!only.includes(k)) weights[k] = 0
  }
  for (const pair of typeof values.weight === 'string' ? values.weight.split(',') : []) {
    const [kind, n] = pair.split('=') as [OpKind, string | undefined]
    if (!OP_KINDS.includes(kind)) throw new Error(`unknown operation kind: ${kind}\n${USAGE}`)
    weights[kind] = int(n ?? '', `weight ${kind}`, 0)
  }
  for (const [group, kinds] of Object.entries(GROUPS)) if ((values as Record<string, unknown>)[`no-${group}`] === true) for (const k of kinds) weights[k] = 0
  if (Object.values(weights).every((w) => w === 0)) throw new Error('every operation kind is turned off')
  return {
    seed: values.seed === undefined ? Math.floor(Math.random() * 2 ** 31) : int(values.seed as string, 'seed', 0),
    rounds: int(values.rounds as string, 'rounds', 1),
    devices: int(values.devices as string, 'devices', 2),
    opsPerRound: int(values.ops as string, 'ops', 1),
    weights,
    settleMs: int(values['settle-timeout'] as string, 'settle-timeout', 5) * 1000,
    rmRootHoldMs: 4_000,
    maxFailedRounds: int(values['max-failed-rounds'] as string, 'max-failed-rounds', 1),
    timeLimitMs: int(values['time-limit'] as string, 'time-limit', 1) * 60_000,
    build: values['no-build'] !== true,
    keep: values.keep === true,
    verbose: values.verbose === true,
    log
  }
}

function int(text: string, name: string, min: number): number {
  const n = Number(text)
  if (!Number.isInteger(n) || n < min) throw new Error(`--${name} takes a whole number >= ${min}, not ${text}`)
  return n
}
