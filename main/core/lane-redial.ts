// Each side of a fast lane dials again while the peer's Hyperswarm connection
// lasts and no lane is open: when none of its addresses answered (a network
// not up yet, a laptop waking) and when an open lane drops (a Wi-Fi change, a
// router that forgets idle connections). Bytes meanwhile go over Hyperswarm. The
// wait doubles from a second up to a minute, as Syncthing's reconnects do,
// and starts over once a lane opens.

const FIRST_MS = 1_000
const LONGEST_MS = 60_000

export class LaneRedial {
  private readonly dial: () => void
  private timer: NodeJS.Timeout | null = null
  private waitMs = FIRST_MS
  private closed = false

  constructor(dial: () => void) {
    this.dial = dial
  }

  opened(): void {
    this.waitMs = FIRST_MS
  }

  // No lane now: dial again after the wait, once. True the first time since a
  // lane opened (or since the offer), for the caller to say so once, not each minute.
  lost(): boolean {
    if (this.closed || this.timer !== null) return false
    const first = this.waitMs === FIRST_MS
    this.schedule(this.waitMs)
    this.waitMs = Math.min(LONGEST_MS, this.waitMs * 2)
    return first
  }

  // The first dial, after `ms` instead of at once: the side that dials second
  // leaves the other's dial the time to open the lane.
  later(ms: number): void {
    if (!this.closed && this.timer === null) this.schedule(ms)
  }

  close(): void {
    this.closed = true
    if (this.timer !== null) clearTimeout(this.timer)
    this.timer = null
  }

  private schedule(ms: number): void {
    this.timer = setTimeout(() => {
      this.timer = null
      if (!this.closed) this.dial()
    }, ms)
    this.timer.unref()
  }
}
