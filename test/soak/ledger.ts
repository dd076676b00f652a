// Every content the harness wrote, and whether it must survive. Contents are
// unique (a header with the write's number, then random bytes), so a sha256
// names one write. A write must survive unless the same device replaced or
// removed it before its watcher could have seen it: the watcher was not
// running (paused, killed, root removed) or ran for less than SEEN_MS since.
import type { Device } from './cluster'

export const SEEN_MS = 2_500

export interface Write {
  id: number
  round: number
  op: string
  writer: string // device that wrote it
  paths: string[] // where it was written, then every path a local rename took it to
  sha: string
  size: number
  mtimeMs: number // floored, as history reports it
  holder: Device // device whose watcher has to see it (the writer, or the renamer)
  touchedAt: number
  seen: boolean
  superseded: boolean
}

export class Ledger {
  readonly writes: Write[] = []
  private readonly bySha = new Map<string, Write>()

  add(w: Omit<Write, 'id' | 'seen' | 'superseded' | 'touchedAt' | 'paths'> & { path: string }): Write {
    const { path, ...rest } = w
    const write: Write = { ...rest, id: this.writes.length + 1, paths: [path], touchedAt: Date.now(), seen: false, superseded: false }
    this.writes.push(write)
    this.bySha.set(write.sha, write)
    return write
  }

  // Which write made this content, for a person reading a failure.
  whose(sha: string): string {
    const w = this.bySha.get(sha)
    return w === undefined ? `content ${sha.slice(0, 8)}, not written by the harness` : `write ${w.id}: ${w.op} on ${w.writer} in round ${w.round} at ${w.paths[0]}`
  }

  nextId(): number {
    return this.writes.length + 1
  }

  // A local operation on `device` is about to replace or remove this content.
  replacing(sha: string, device: Device): void {
    const w = this.bySha.get(sha)
    if (w === undefined || w.holder !== device || w.superseded || isSeen(w)) return
    w.superseded = true
  }

  // A local rename on `device` moved this content to `to`.
  moved(sha: string, device: Device, to: string): void {
    const w = this.bySha.get(sha)
    if (w === undefined) return
    if (!w.paths.includes(to)) w.paths.push(to)
    if (isSeen(w)) return
    w.holder = device
    w.touchedAt = Date.now()
  }
}

// Seen once its holder watched, without a break, for SEEN_MS after it was written.
export function isSeen(w: Write): boolean {
  if (w.seen) return true
  const now = Date.now()
  w.seen = w.holder.watching.some(({ start, end }) => Math.min(end ?? now, now) - Math.max(start, w.touchedAt) >= SEEN_MS)
  return w.seen
}
