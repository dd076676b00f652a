// One soak run: devices as real processes on a local testnet, rounds of
// seeded random operations, and after each round a settle and the checks.
import fs from 'fs/promises'
import os from 'os'
import path from 'path'
import { execFile } from 'child_process'
import { promisify } from 'util'
import { Cluster, type Crash, type Device, FOLDER, sleep } from './cluster'
import { type LostWrite, WriteChecker } from './check'
import { Journal } from './journal'
import { Ledger } from './ledger'
import { Model } from './model'
import { type OpContext, type OpKind, type RoundCounts, runOp } from './ops'
import { Prng } from './prng'
import { type Tree, differences, snapshot } from './tree'

const ROOT = path.resolve(import.meta.dirname, '../..')
const LATE_CHECK_MS = 15_000
const SHOWN_DIFFS = 25
const SHOWN_LOG_LINES = 12

export interface SoakOptions {
  seed: number
  rounds: number
  devices: number
  opsPerRound: number
  weights: Record<OpKind, number>
  settleMs: number
  rmRootHoldMs: number
  maxFailedRounds: number
  timeLimitMs: number // no new round starts after this
  build: boolean
  keep: boolean
  verbose: boolean
  log(line: string): void
}

export interface RoundResult {
  round: number
  counts: RoundCounts
  settled: boolean
  converged: boolean
  agreedLater: boolean // the trees differed when every device said "in sync", and agreed a little later
  lost: LostWrite[]
  crashes: Crash[]
}

export interface SoakResult {
  rounds: RoundResult[]
  ok: boolean
}

// Work dirs of runs under way, for a signal handler to remove.
export const workDirs = new Set<string>()

export async function runSoak(opts: SoakOptions): Promise<SoakResult> {
  if (opts.build) await promisify(execFile)('npm', ['run', 'build:cli', '--silent'], { cwd: ROOT })
  const workDir = await fs.mkdtemp(path.join(os.tmpdir(), `hyperfold-soak-${opts.seed}-`))
  workDirs.add(workDir)
  let cluster: Cluster | null = null
  try {
    cluster = await Cluster.start(workDir, opts.devices)
    await cluster.share()
    const run = new SoakRun(opts, cluster)
    await run.populate()
    const results: RoundResult[] = []
    const stopAt = Date.now() + opts.timeLimitMs
    for (let round = 1; round <= opts.rounds; round++) {
      if (Date.now() > stopAt) {
        opts.log(`stopping before round ${round}: the time limit of ${opts.timeLimitMs / 60_000} min is up (--time-limit)`)
        break
      }
      results.push(await run.round(round))
      if (results.filter((r) => !roundOk(r)).length >= opts.maxFailedRounds && round < opts.rounds) {
        opts.log(`stopping after ${opts.maxFailedRounds} failed round(s) (--max-failed-rounds)`)
        break
      }
    }
    return { rounds: results, ok: results.every(roundOk) }
  } finally {
    await cluster?.close()
    if (opts.keep) opts.log(`kept ${workDir}`)
    else await fs.rm(workDir, { recursive: true, force: true })
    workDirs.delete(workDir)
  }
}

export function roundOk(r: RoundResult): boolean {
  return r.settled && r.converged && r.lost.length === 0 && r.crashes.length === 0 && r.counts.rootLosses.length === 0 && r.counts.resurrected.length === 0
}

class SoakRun {
  private readonly opts: SoakOptions
  private readonly cluster: Cluster
  private readonly prng: Prng
  private readonly ledger = new Ledger()
  private readonly checker = new WriteChecker()

  constructor(opts: SoakOptions, cluster: Cluster) {
    this.opts = opts
    this.cluster = cluster
    this.prng = new Prng(opts.seed)
  }

  // Round 0: a few files and directories on the first device, synced everywhere.
  async populate(): Promise<void> {
    const ctx = this.context(0, [])
    for (let i = 0; i < 10; i++) await runOp(ctx, i % 3 === 2 ? 'mkdir' : 'create')
    const settled = await this.settle()
    if (!settled.ok) throw new Error(`the first sync did not settle:\n${settled.report.join('\n')}`)
  }

  async round(round: number): Promise<RoundResult> {
    const { devices } = this.cluster
    const crashesBefore = this.cluster.crashes.length
    const trees = await Promise.all(devices.map((d) => snapshot(d.root)))
    const startedConverged = differences(trees).length === 0
    const ctx = this.context(round, trees)
    const trace: string[] = []
    for (let i = 1; i <= this.opts.opsPerRound; i++) {
      const line = `r${round}.${i} ${await runOp(ctx, this.prng.weighted(this.opts.weights))}`
      trace.push(line)
      if (this.opts.verbose) this.opts.log(line)
      await sleep(this.prng.int(30, 400))
    }
    await this.wakeAll()
    const settled = await this.settle()
    const states = await Promise.all(devices.map(stateLine))
    let after = await Promise.all(devices.map((d) => snapshot(d.root)))
    let diffs = differences(after)
    const converged = settled.ok && diffs.length === 0
    let late: boolean | null = null
    if (diffs.length > 0) {
      await sleep(LATE_CHECK_MS)
      const again = await Promise.all(devices.map((d) => snapshot(d.root)))
      late = differences(again).length === 0
      if (!late) [after, diffs] = [again, differences(again)]
    }
    const lost = await this.checker.lost(this.ledger, devices, after)
    // Judged only between converged states: otherwise a refused change reads as a resurrection.
    if (startedConverged && diffs.length === 0) ctx.counts.resurrected.push(...ctx.journal.resurrected(after, (sha) => this.ledger.whose(sha)))
    const result: RoundResult = { round, counts: ctx.counts, settled: settled.ok, converged, agreedLater: late === true, lost, crashes: this.cluster.crashes.slice(crashesBefore) }
    this.opts.log(roundLine(result))
    if (!roundOk(result)) this.explain(result, trace, states, diffs, late)
    return result
  }

  private context(round: number, trees: Tree[]): OpContext {
    const { devices } = this.cluster
    const models = new Map(devices.map((d, i) => [d, new Model(trees[i] ?? new Map())]))
    const counts: RoundCounts = { ops: {}, writes: 0, typeChanges: 0, conflicts: 0, kills: 0, skipped: 0, rootLosses: [], resurrected: [] }
    return {
      prng: this.prng, seed: this.opts.seed, round, devices, models, ledger: this.ledger, journal: new Journal(), counts,
      rmRootHoldMs: this.opts.rmRootHoldMs,
      // Until the devices hold the same tree, within bounds: a device in sync may not have heard
      // yet of what another publishes on reaching sync itself (a deletion is held a moment first).
      waitQuiet: async (ds) => {
        for (let pass = 0; pass < 20; pass++) {
          await Promise.all(ds.map((d) => d.tryCall('status', { folder: FOLDER, waitSynced: true, timeout: 60 }, 75_000).catch(() => null)))
          if (differences(await Promise.all(ds.map((d) => snapshot(d.root)))).length === 0) return
          await new Promise((resolve) => setTimeout(resolve, 500))
        }
      }
    }
  }

  // Restarts what is down (killed or crashed), resumes what is paused.
  private async wakeAll(): Promise<void> {
    for (const d of this.cluster.devices) {
      if (!d.running) await d.start()
      if (d.paused) await d.resume()
    }
  }

  // Every device says "in sync" twice in a row, within the settle timeout,
  // while it is connected to every other: "in sync" speaks of the peers
  // online, and a device alone is in sync with nobody.
  private async settle(): Promise<{ ok: boolean; report: string[] }> {
    const { devices } = this.cluster
    const deadline = Date.now() + this.opts.settleMs
    let streak = 0
    while (streak < 2) {
      const left = deadline - Date.now()
      if (left <= 0) return { ok: false, report: await Promise.all(devices.map(stateLine)) }
      await this.wakeAll() // a crash mid-settle is counted, and the device comes back
      const slice = Math.max(1, Math.min(30, Math.ceil(left / 1000)))
      const outcomes = await Promise.all(
        devices.map((d) => d.tryCall('status', { folder: FOLDER, waitSynced: true, timeout: slice }, (slice + 15) * 1000).catch(() => null))
      )
      const peers = await Promise.all(devices.map((d) => d.peerCount()))
      streak = outcomes.every((o) => o?.ok === true) && peers.every((n) => n !== null && n >= devices.length - 1) ? streak + 1 : 0
      await sleep(500)
    }
    return { ok: true, report: [] }
  }

  private explain(r: RoundResult, trace: string[], states: string[], diffs: { path: string; seen: string[] }[], late: boolean | null): void {
    const log = this.opts.log
    log(`  round ${r.round} failed; replay with --seed ${this.opts.seed} (rounds before it run the same way). Its operations:`)
    for (const line of trace) log(`    ${line}`)
    if (!r.settled) log(`  not in sync after ${this.opts.settleMs / 1000} s`)
    else if (late !== null) log(`  every device said "in sync" twice, yet the trees differ${late ? ` (they agreed ${LATE_CHECK_MS / 1000} s later)` : ''}`)
    for (const line of states) log(`    ${line}`)
    if (diffs.length > 0) {
      log(`  ${diffs.length} differing path(s) (${this.cluster.devices.map((d) => d.name).join(' | ')}):`)
      for (const d of diffs.slice(0, SHOWN_DIFFS)) log(`    ${d.path}: ${d.seen.join(' | ')}`)
      if (diffs.length > SHOWN_DIFFS) log(`    … ${diffs.length - SHOWN_DIFFS} more`)
    }
    for (const { write: w, why } of r.lost.slice(0, SHOWN_DIFFS)) {
      log(`  lost: write ${w.id} (round ${w.round}, ${w.op} on ${w.writer}, ${w.size} B at ${w.paths[0]}): ${why}`)
    }
    for (const line of r.counts.rootLosses.slice(0, SHOWN_DIFFS)) log(`  ${line}`)
    for (const line of r.counts.resurrected.slice(0, SHOWN_DIFFS)) log(`  resurrected: ${line}`)
    for (const d of this.cluster.devices) for (const line of d.recentLog(SHOWN_LOG_LINES)) log(`    ${d.name} log: ${line}`)
    for (const c of r.crashes) log(`  crash: ${c.device} exited with ${c.code}:\n${indent(c.output.split('\n').slice(-15).join('\n'))}`)
  }
}

async function stateLine(d: Device): Promise<string> {
  const f = await d.folder()
  if (typeof f === 'string') return `${d.name}: ${f}`
  return `${d.name}: ${f.state}, ${f.files} files, ${f.conflicts} conflicts, ${(await d.peerCount()) ?? '?'} peers, lastError: ${f.lastError ?? 'none'}`
}

export function roundLine(r: RoundResult): string {
  const ops = Object.entries(r.counts.ops).map(([k, n]) => `${k} ${n}`).join(', ')
  return (
    `round ${r.round}: ops [${ops}]${r.counts.skipped > 0 ? ` (${r.counts.skipped} skipped)` : ''}, writes ${r.counts.writes}, type changes ${r.counts.typeChanges}, ` +
    `conflicts ${r.counts.conflicts}, kills ${r.counts.kills}, converged ${r.settled && r.converged ? 'yes' : 'no'}, ` +
    `writes lost ${r.lost.length}${r.counts.resurrected.length > 0 ? `, resurrected ${r.counts.resurrected.length}` : ''}${r.counts.rootLosses.length > 0 ? `, lost while a root was gone ${r.counts.rootLosses.length}` : ''}, crashes ${r.crashes.length}`
  )
}

function indent(text: string): string {
  return text.split('\n').map((l) => `      ${l}`).join('\n')
}
