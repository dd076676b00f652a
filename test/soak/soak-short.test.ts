// The short soak inside `npm test`: seed 7, three rounds, three real serve
// processes (see `npm run test:soak` for the long version).
import { afterAll, expect, test } from 'vitest'
import { killAllNow } from '../../bench/lib/children'
import { DEFAULT_WEIGHTS } from './ops'
import { type RoundResult, runSoak } from './soak'

const SEED = 7

// A test that times out leaves its processes behind otherwise.
afterAll(() => killAllNow())

test(
  'soak, seed 7: after each of 3 rounds of random edits, kills and pauses on 3 devices, every tree is the same and no write is lost',
  async () => {
    const lines: string[] = []
    const { rounds } = await runSoak({
      seed: SEED,
      rounds: 3,
      devices: 3,
      opsPerRound: 12,
      weights: DEFAULT_WEIGHTS,
      settleMs: 90_000,
      rmRootHoldMs: 4_000,
      maxFailedRounds: 3, // the runner counts a late agreement as a failed round; this test judges each round itself (summary)
      timeLimitMs: 12 * 60_000,
      build: true,
      keep: false,
      verbose: false,
      log: (line) => lines.push(line)
    })
    const report = lines.join('\n')
    expect(rounds.map(summary), report).toEqual([1, 2, 3].map((round) => ({ round, converged: true, lost: 0, rootLosses: 0, resurrected: 0, crashes: 0 })))
  },
  900_000 // three rounds, each with a settle of up to 90 s, on a busy 2-core box
)

function summary(r: RoundResult): Record<string, number | boolean> {
  const { counts } = r
  // Beside the rest of the suite on a 2-core box, a device can say "in sync" before it hears of a
  // peer's last change; here trees that agree a little later pass. The long soak counts that as a failure.
  return { round: r.round, converged: r.settled && (r.converged || r.agreedLater), lost: r.lost.length, rootLosses: counts.rootLosses.length, resurrected: counts.resurrected.length, crashes: r.crashes.length }
}
