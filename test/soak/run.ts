// `npm run test:soak`: a seeded random soak of real `hyperfold serve`
// processes. Prints one line per round and the totals; exits non-zero when a
// round did not converge, a write was lost, or a process crashed.
import { rmSync } from 'fs'
import { killAllNow } from '../../bench/lib/children'
import { parseOptions } from './options'
import { roundOk, runSoak, workDirs } from './soak'

const log = (line: string) => process.stdout.write(line + '\n')

// On Ctrl-C or a kill: every serve process and the testnet go, and so do the temp dirs.
function bail(signal: string): void {
  killAllNow()
  for (const dir of workDirs) rmSync(dir, { recursive: true, force: true })
  log(`stopped by ${signal}`)
  process.exit(130)
}
process.once('SIGINT', () => bail('SIGINT'))
process.once('SIGTERM', () => bail('SIGTERM'))

async function main(): Promise<number> {
  const opts = parseOptions(process.argv.slice(2), log)
  const off = Object.entries(opts.weights).filter(([, w]) => w === 0).map(([k]) => k)
  log(`soak: seed ${opts.seed}, ${opts.devices} devices, ${opts.rounds} rounds of ${opts.opsPerRound} operations${off.length > 0 ? `, without ${off.join(', ')}` : ''}`)
  const { rounds, ok } = await runSoak(opts)
  const sum = (f: (r: (typeof rounds)[number]) => number) => rounds.reduce((n, r) => n + f(r), 0)
  log(
    `totals: devices ${opts.devices}, rounds ${rounds.length}, writes ${sum((r) => r.counts.writes)}, type changes ${sum((r) => r.counts.typeChanges)}, ` +
      `conflicts ${sum((r) => r.counts.conflicts)}, kills ${sum((r) => r.counts.kills)}, rounds converged ${sum((r) => Number(r.settled && r.converged))}/${rounds.length}, ` +
      `writes lost ${sum((r) => r.lost.length)}, resurrected ${sum((r) => r.counts.resurrected.length)}, lost while a root was gone ${sum((r) => r.counts.rootLosses.length)}, crashes ${sum((r) => r.crashes.length)}`
  )
  log(`${ok ? 'PASS' : 'FAIL'} (seed ${opts.seed}${ok ? '' : `; failed rounds: ${rounds.filter((r) => !roundOk(r)).map((r) => r.round).join(', ')}`})`)
  return ok ? 0 : 1
}

main().then(
  (code) => process.exit(code),
  (err: Error) => {
    killAllNow()
    for (const dir of workDirs) rmSync(dir, { recursive: true, force: true })
    log(`soak harness error: ${err.stack ?? err.message}`)
    process.exit(2)
  }
)
