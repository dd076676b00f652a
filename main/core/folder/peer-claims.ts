// What peers' catalogs say they hold of a folder's drives. "In sync" waits
// until this device holds as much (see SharedFolder.isSynced), so that two
// devices never both say "in sync" while one lacks what the other wrote.
//
// A claim is a peer's word, not a proof. One this device has not reached
// WAIT_MS after it was made (the peer never served it: a lie, a bug, a log it
// lost) is no longer waited for; it is reported once, and that peer's claims
// on that writer are not believed again while it stays connected. Raising an
// unmet claim does not restart its wait, so a peer cannot hold "in sync" back
// by raising it every minute. A writer's signed log proves its length the
// moment the peer serves its head, well within the wait.

export const WAIT_MS = 60_000

export interface PeerClaimsOptions {
  versionOf(writer: string): number // how far this device holds the writer's drive
  onlapse(peer: string, writer: string, length: number): void
  onchange(): void // what lengthOf answers changed without a call here
  waitMs?: number
}

interface Claim {
  length: number
  deadline: number
}

export class PeerClaims {
  private readonly opts: PeerClaimsOptions
  private readonly waitMs: number
  private readonly claims = new Map<string, Map<string, Claim>>() // peer -> writer -> its claim
  private readonly doubted = new Map<string, Set<string>>() // peer -> writers whose claims lapsed
  private timer: NodeJS.Timeout | null = null

  constructor(opts: PeerClaimsOptions) {
    this.opts = opts
    this.waitMs = opts.waitMs ?? WAIT_MS
  }

  // The peer's whole word for now: `lengths[i]` of `writers[i]`; a writer left out is no longer claimed.
  set(peer: string, writers: readonly string[], lengths: readonly number[]): void {
    const before = this.claims.get(peer)
    const doubted = this.doubted.get(peer)
    const now = Date.now()
    const claims = new Map<string, Claim>()
    writers.forEach((writer, i) => {
      const length = lengths[i] ?? 0
      const held = this.opts.versionOf(writer)
      if (length <= held || doubted?.has(writer) === true) return
      const unmet = before?.get(writer)
      claims.set(writer, { length, deadline: unmet !== undefined && unmet.length > held ? unmet.deadline : now + this.waitMs })
    })
    if (claims.size > 0) this.claims.set(peer, claims)
    else this.claims.delete(peer)
    this.arm()
  }

  // The peer left: its word goes with it, and so does the doubt.
  drop(peer: string): boolean {
    this.doubted.delete(peer)
    return this.claims.delete(peer)
  }

  // The most any peer still claims of the writer's drive.
  lengthOf(writer: string): number {
    let length = 0
    for (const claims of this.claims.values()) length = Math.max(length, claims.get(writer)?.length ?? 0)
    return length
  }

  close(): void {
    if (this.timer !== null) clearTimeout(this.timer)
    this.timer = null
  }

  // Claims met are let go; claims past their wait lapse.
  private review(): void {
    const now = Date.now()
    let lapsed = false
    for (const [peer, claims] of this.claims) {
      for (const [writer, claim] of claims) {
        if (claim.length <= this.opts.versionOf(writer)) claims.delete(writer)
        else if (claim.deadline <= now) {
          claims.delete(writer)
          this.doubtedOf(peer).add(writer)
          this.opts.onlapse(peer, writer, claim.length)
          lapsed = true
        }
      }
      if (claims.size === 0) this.claims.delete(peer)
    }
    if (lapsed) this.opts.onchange()
  }

  private arm(): void {
    if (this.timer !== null) clearTimeout(this.timer)
    this.timer = null
    let next = Infinity
    for (const claims of this.claims.values()) for (const claim of claims.values()) next = Math.min(next, claim.deadline)
    if (next === Infinity) return
    this.timer = setTimeout(() => {
      this.timer = null
      this.review()
      this.arm()
    }, Math.max(0, next - Date.now()))
    this.timer.unref()
  }

  private doubtedOf(peer: string): Set<string> {
    let set = this.doubted.get(peer)
    if (set === undefined) this.doubted.set(peer, (set = new Set()))
    return set
  }
}
