// Full garbage collections once the node has gone quiet after work. V8 keeps
// the old space a sync grew it to (a floor of 64 MiB under its limit,
// bin/tuning.js) and does not collect it while nothing allocates: after a
// 10,000-file sync the receiver sat at ~158 MiB where collections take it to
// ~125-137. Twice: QUIET_MS after the last folder event, and once more a while
// later, for work that ends without an event (an index flush, a history
// sweep). Only where the process was started with --expose-gc (serve, the
// desktop app, the bench); elsewhere (tests) it does nothing.

const QUIET_MS = 5_000
const AGAIN_MS = 30_000

export class IdleCollector {
  private readonly collect: (() => void) | null
  private readonly delays: number[]
  private timer: NodeJS.Timeout | null = null
  private pass = 0
  private closed = false

  constructor(collect: (() => void) | null = exposedGc(), delays: number[] = [QUIET_MS, AGAIN_MS]) {
    this.collect = collect
    this.delays = delays
  }

  // Work happened: collect once it has been quiet long enough.
  activity(): void {
    if (this.collect === null || this.closed) return
    if (this.timer !== null && this.pass === 0) {
      this.timer.refresh() // events come by the thousand during a sync: no new timer for each
      return
    }
    this.pass = 0
    this.arm()
  }

  close(): void {
    this.closed = true
    if (this.timer !== null) clearTimeout(this.timer)
    this.timer = null
  }

  private arm(): void {
    if (this.timer !== null) clearTimeout(this.timer)
    this.timer = setTimeout(() => {
      this.timer = null
      this.collect!()
      if (++this.pass < this.delays.length) this.arm()
    }, this.delays[this.pass])
    this.timer.unref()
  }
}

function exposedGc(): (() => void) | null {
  return (globalThis as { gc?: () => void }).gc ?? null
}
