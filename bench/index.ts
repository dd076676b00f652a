// `tsx bench/index.ts [--quick] [--vs syncthing]`: Hyperfold's benchmark.
// Starts a local DHT testnet and real `hyperfold serve` processes (and, with
// --vs syncthing, loopback-only Syncthing devices), runs the scenarios, prints
// the table on stdout and writes the figures to bench/results/<date>-<what>.json.
// Progress goes to stderr. Every process it starts is stopped at the end, also
// on a failure or Ctrl-C. Exit code 0 only when every figure was measured and
// every byte verified.
import fs from 'fs/promises'
import os from 'os'
import path from 'path'
import { type Options, SCENARIOS, type ScenarioName, USAGE, UsageError, parseOptions } from './options'
import { type Baselines, buildTable } from './report'
import { type BaselineResult, runBaselines } from './baselines'
import * as scenarios from './scenarios'
import { delta } from './scenarios-delta'
import { offlineHistory, swarm } from './scenarios-trio'
import { stream } from './scenarios-stream'
import { selective } from './scenarios-selective'
import { killAllNow, stopAll } from './lib/children'
import { sleep } from './lib/time'
import { type DataSet, freeBytes, makeBigFile, makeManyFiles } from './lib/data'
import { formatBytes, formatMs, log } from './lib/progress'
import { HyperfoldProduct } from './products/hyperfold'
import { SyncthingProduct } from './products/syncthing'
import type { Product } from './products/product'

const GiB = 1 << 30

let workDir: string | null = null

async function main(opts: Options): Promise<void> {
  const started = Date.now()
  const startedAt = new Date()
  workDir = await fs.mkdtemp(path.join(os.tmpdir(), 'hyperfold-bench-'))
  await checkDisk(workDir, opts)
  log(`work dir ${workDir}; ${opts.quick ? 'quick' : 'full'} run of ${opts.scenarios.join(', ')}${opts.vs ? ` vs ${opts.vs}` : ''}`)

  const products: Product[] = [await HyperfoldProduct.start(opts.cpuProfDir)]
  if (opts.vs === 'syncthing') products.push(await SyncthingProduct.start())
  const versions: Record<string, string> = { node: process.version }
  for (const product of products) versions[product.name] = await product.version()
  log(`versions: ${Object.entries(versions).map(([k, v]) => `${k} ${v.split('\n')[0]}`).join('; ')}`)

  const results: Record<string, scenarios.ProductFigures> = Object.fromEntries(products.map((p) => [p.name, {}]))
  const baselines: Baselines = {}
  const skipped = new Map<string, string>()
  const has = (s: ScenarioName) => opts.scenarios.includes(s)
  const sizes = opts.sizes
  for (const s of SCENARIOS) if (!has(s)) skipped.set(s, 'not run')
  if (has('rescan') && sizes.hugeFiles === null) skipped.set('rescan', 'skipped (--quick)')

  if (has('big-file')) {
    log(`scenario 1: one ${formatBytes(sizes.bigFileBytes)} file A -> B`)
    baselines.bigFile = await baseline('big-file', (dir) => makeBigFile(dir, 'big.bin', sizes.bigFileBytes, 'hyperfold-bench big-file'))
    for (const product of products) results[product.name]!.bigFile = await inScratch(product, 'big-file', (dir) => scenarios.bigFile(product, dir, sizes))
  }
  if (has('many-files')) {
    log(`scenarios 2-4: ${sizes.manyFiles} files of ${formatBytes(sizes.manyFileBytes)} in ${sizes.manyDirs} folders A -> B${has('edit') ? `, then ${sizes.edits} edits B -> A` : ''}`)
    baselines.manyFiles = await baseline('many-files', (dir) =>
      makeManyFiles(dir, sizes.manyFiles, sizes.manyDirs, sizes.manyFileBytes, 'hyperfold-bench many-files')
    )
    for (const product of products) {
      const { many, edit } = await inScratch(product, 'many-files', (dir) => scenarios.manyFiles(product, dir, sizes, has('edit')))
      results[product.name]!.manyFiles = many
      if (edit !== undefined) results[product.name]!.edit = edit
    }
  }
  if (has('join')) {
    log(`scenario 5: topic join -> peer listed, ${sizes.joins} times with fresh data dirs`)
    for (const product of products) results[product.name]!.join = await inScratch(product, 'join', (dir) => scenarios.joins(product, dir, sizes))
  }
  if (has('rescan') && sizes.hugeFiles !== null) {
    log(`scenario 6: first share and rescan of an unchanged folder of ${sizes.hugeFiles} files`)
    for (const product of products) results[product.name]!.rescan = await inScratch(product, 'rescan', (dir) => scenarios.rescan(product, dir, sizes))
  }
  const steps = { edit: has('delta-edit'), insert: has('delta-insert'), renameCopy: has('rename-copy') }
  if (steps.edit || steps.insert || steps.renameCopy) {
    log(`scenarios 7-9: one ${formatBytes(sizes.deltaFileBytes)} file A -> B, then changed on A: 1 MiB mid-file, 1 byte in front, renamed, copied`)
    for (const product of products) results[product.name]!.delta = await inScratch(product, 'delta', (dir) => delta(product, dir, sizes, steps))
  }
  if (has('swarm')) {
    log(`scenario 10: a third device takes a ${formatBytes(sizes.deltaFileBytes)} file from two that hold it, and from one`)
    for (const product of products) results[product.name]!.swarm = await inScratch(product, 'swarm', (dir) => swarm(product, dir, sizes))
  }
  if (has('offline-history')) {
    log(`scenario 11: ${sizes.historyEdits} edits of a ${formatBytes(sizes.historyFileBytes)} file while C is offline, then every version restored on C`)
    for (const product of products) {
      results[product.name]!.offlineHistory = await inScratch(product, 'offline-history', (dir) => offlineHistory(product, dir, sizes))
    }
  }
  if (has('stream')) {
    log(`scenario 12: a peer's ${formatBytes(sizes.deltaFileBytes)} file read by range, not synced: first byte, 1 MiB at the middle`)
    const hyperfold = products[0] as HyperfoldProduct
    Object.assign(results[hyperfold.name]!, { stream: await inScratch(hyperfold, 'stream', (dir) => stream(hyperfold, dir, sizes)) })
  }
  if (has('selective')) {
    log(`scenario 13: one 10 MiB subfolder of a folder with a ${formatBytes(sizes.deltaFileBytes)} file, synced alone`)
    const hyperfold = products[0] as HyperfoldProduct
    Object.assign(results[hyperfold.name]!, { selective: await inScratch(hyperfold, 'selective', (dir) => selective(hyperfold, dir, sizes)) })
  }
  for (const product of products) await product.close()

  const table = buildTable(results, baselines, sizes, skipped)
  const durationMs = Date.now() - started
  process.stdout.write(`\nHyperfold bench (${opts.quick ? 'quick' : 'full'}${opts.vs ? ` vs ${opts.vs}` : ''}), ${formatMs(durationMs)}\n${table}\n`)
  const file = await writeResults(opts, startedAt, { versions, sizes, results, baselines, skipped: Object.fromEntries(skipped), durationMs })
  log(`results written to ${file}`)
}

async function baseline(name: string, make: (dir: string) => Promise<DataSet>): Promise<BaselineResult> {
  const dir = path.join(workDir!, `baseline-${name}`)
  try {
    const data = await make(path.join(dir, 'src'))
    const result = await runBaselines(data, dir)
    log(`baselines for ${name}: cp -r ${formatMs(result.cpMs)}, loopback TCP ${formatMs(result.tcpMs)}`)
    return result
  } finally {
    await fs.rm(dir, { recursive: true, force: true })
  }
}

// Runs one scenario of one product in its own scratch dir, deleted afterwards.
async function inScratch<T>(product: Product, scenario: string, run: (dir: string) => Promise<T>): Promise<T> {
  const dir = path.join(workDir!, `${product.name}-${scenario}`)
  await fs.mkdir(dir, { recursive: true })
  log(`${product.name}: ${scenario}`)
  try {
    return await run(dir)
  } finally {
    await fs.rm(dir, { recursive: true, force: true })
  }
}

async function checkDisk(dir: string, opts: Options): Promise<void> {
  // Scenario 1 holds the file four times at once: source, copy, and each side's store. Scenarios
  // 7-9 add the copy and the versions each change leaves; 10 holds it three times and three stores.
  const has = (s: ScenarioName) => opts.scenarios.includes(s)
  const { bigFileBytes, deltaFileBytes } = opts.sizes
  const need =
    GiB +
    Math.max(
      has('big-file') ? 4 * bigFileBytes : 0,
      has('delta-edit') || has('delta-insert') || has('rename-copy') ? 12 * deltaFileBytes : 0,
      has('swarm') ? 6 * deltaFileBytes : 0
    )
  const free = await freeBytes(dir)
  if (free < need) throw new Error(`${formatBytes(free)} free in ${dir}; this run needs about ${formatBytes(need)}`)
}

async function writeResults(opts: Options, startedAt: Date, figures: Record<string, unknown>): Promise<string> {
  const what = opts.scenarios.length === SCENARIOS.length ? 'all' : opts.scenarios.join('+')
  const stamp = startedAt.toISOString().replace(/:/g, '-').replace(/\..*/, '')
  const file = path.join(opts.outDir, `${stamp}-${what}${opts.quick ? '-quick' : ''}.json`)
  const machine = {
    cpus: os.cpus().length,
    cpuModel: os.cpus()[0]?.model ?? 'unknown',
    memoryBytes: os.totalmem(),
    platform: `${os.platform()} ${os.release()}`,
    loadAverageAtEnd: os.loadavg()
  }
  const doc = { date: startedAt.toISOString(), quick: opts.quick, vs: opts.vs, scenarios: opts.scenarios, machine, ...figures }
  await fs.mkdir(opts.outDir, { recursive: true })
  await fs.writeFile(file, JSON.stringify(doc, null, 2) + '\n')
  return file
}

async function cleanUp(): Promise<void> {
  await stopAll()
  if (workDir === null) return
  // Twice: a scenario that is being interrupted may still be deleting or making its own dirs.
  for (let i = 0; i < 2; i++) {
    await sleep(i * 500)
    await fs.rm(workDir, { recursive: true, force: true, maxRetries: 3 }).catch(() => undefined)
  }
}

let stopping = false
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
  process.on(signal, () => {
    if (stopping) return killAllNow()
    stopping = true
    log(`${signal}: stopping every process the bench started`)
    void cleanUp().finally(() => process.exit(128 + (signal === 'SIGINT' ? 2 : signal === 'SIGTERM' ? 15 : 1)))
  })
}
process.on('exit', killAllNow)

try {
  await main(parseOptions(process.argv.slice(2)))
  await cleanUp()
} catch (err) {
  if (err instanceof UsageError) {
    process.stderr.write(`${err.message ? `bench: ${err.message}\n` : ''}${USAGE}\n`)
    process.exitCode = 2
  } else if (!stopping) {
    log(`FAILED: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`)
    process.exitCode = 1
  }
  await cleanUp()
}
