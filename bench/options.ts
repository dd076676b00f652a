// Command-line options and the sizes of each scenario.
import path from 'path'

export const SCENARIOS = ['big-file', 'many-files', 'edit', 'join', 'rescan', 'delta-edit', 'delta-insert', 'rename-copy', 'swarm', 'offline-history', 'stream', 'selective'] as const
export type ScenarioName = (typeof SCENARIOS)[number]

export interface Sizes {
  bigFileBytes: number
  manyFiles: number
  manyDirs: number
  manyFileBytes: number
  edits: number
  editLines: number
  joins: number
  // Scenario 6; null: skipped.
  hugeFiles: number | null
  hugeDirs: number
  hugeFileBytes: number
  // Scenarios 7-10: the file changed on A, and the one a third device takes from two.
  deltaFileBytes: number
  // Scenario 11: a file edited `historyEdits` times by 1 MiB while a device is offline.
  historyFileBytes: number
  historyEdits: number
  // Longest a single sync may take before the run fails.
  timeoutMs: number
}

const MiB = 1 << 20

export const FULL: Sizes = {
  bigFileBytes: 1024 * MiB,
  manyFiles: 10_000,
  manyDirs: 100,
  manyFileBytes: 4096,
  edits: 20,
  editLines: 200,
  joins: 10,
  hugeFiles: 100_000,
  hugeDirs: 100,
  hugeFileBytes: 1024,
  deltaFileBytes: 1024 * MiB,
  historyFileBytes: 64 * MiB,
  historyEdits: 10,
  timeoutMs: 3_600_000
}

export const QUICK: Sizes = {
  bigFileBytes: 8 * MiB,
  manyFiles: 500,
  manyDirs: 100,
  manyFileBytes: 4096,
  edits: 5,
  editLines: 200,
  joins: 3,
  hugeFiles: null,
  hugeDirs: 100,
  hugeFileBytes: 1024,
  deltaFileBytes: 32 * MiB,
  historyFileBytes: 8 * MiB,
  historyEdits: 10,
  timeoutMs: 300_000
}

export interface Options {
  quick: boolean
  vs: 'syncthing' | null
  scenarios: ScenarioName[]
  outDir: string
  cpuProfDir: string | null
  sizes: Sizes
}

export const USAGE = `usage: tsx bench/index.ts [--quick] [--vs syncthing] [--scenario ${SCENARIOS.join(',')}] [--out DIR]

  --quick          small sizes (8 MiB, 500 files, 5 edits, 3 joins, no 100k-file folder,
                   32 MiB instead of 1 GiB for 7-10, 8 MiB instead of 64 MiB for 11): a smoke run
  --vs syncthing   run every scenario on Syncthing too (installed with apt-get when missing),
                   and cp -r / loopback TCP as the physical limits
  --scenario LIST  run only these scenarios (default: all); "edit" runs on the many-files pair, so it implies many-files;
                   delta-edit, delta-insert and rename-copy share one pair, in that order
  --out DIR        where the JSON results go (default: bench/results)
  --cpu-prof DIR   each Hyperfold serve process writes a V8 CPU profile into DIR/a or DIR/b when it stops`

export function parseOptions(argv: string[]): Options {
  const opts: Options = { quick: false, vs: null, scenarios: [...SCENARIOS], outDir: path.resolve(import.meta.dirname, 'results'), cpuProfDir: null, sizes: FULL }
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!
    const value = () => {
      const next = argv[++i]
      if (next === undefined) throw new UsageError(`${arg} needs a value`)
      return next
    }
    if (arg === '--quick') opts.quick = true
    else if (arg === '--vs') {
      const product = value()
      if (product !== 'syncthing') throw new UsageError(`--vs: only "syncthing" is known, not "${product}"`)
      opts.vs = product
    } else if (arg === '--scenario') opts.scenarios = parseScenarios(value())
    else if (arg === '--out') opts.outDir = path.resolve(value())
    else if (arg === '--cpu-prof') opts.cpuProfDir = path.resolve(value())
    else if (arg === '--help' || arg === '-h') throw new UsageError('')
    else throw new UsageError(`unknown argument "${arg}"`)
  }
  if (opts.scenarios.includes('edit') && !opts.scenarios.includes('many-files')) opts.scenarios.push('many-files')
  opts.scenarios = SCENARIOS.filter((s) => opts.scenarios.includes(s))
  opts.sizes = opts.quick ? QUICK : FULL
  return opts
}

function parseScenarios(text: string): ScenarioName[] {
  const names = text.split(',').map((s) => s.trim())
  for (const name of names) if (!(SCENARIOS as readonly string[]).includes(name)) throw new UsageError(`unknown scenario "${name}"`)
  return names as ScenarioName[]
}

export class UsageError extends Error {}
