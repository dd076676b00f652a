// A folder's state and why it is in it, held in one place (as Syncthing's
// folderstate): the scans, pulls, the root guard and the ignore rules each
// report here, and the folder list, `status`, the events and "in sync" all
// read from here. A problem is cleared only by the part that raised it, so
// one part getting better never hides what another still says is wrong.
import type { FolderState, UnappliedPath } from '../../../contract/types'

// What can stop or trouble a folder; when several do, the first in this order is the one shown.
export type Problem = 'root' | 'start' | 'rules' | 'pull' | 'other'
const SHOWN_FIRST: readonly Problem[] = ['root', 'start', 'rules', 'pull', 'other']
// The folder list shows at most this many of the paths that could not be applied.
const UNAPPLIED_SHOWN = 50

export class FolderStatus {
  private work: 'idle' | 'scanning' | 'syncing' = 'idle'
  private paused = false
  private readonly problems = new Map<Problem, string>()
  // Per writer, the paths its last pull could not apply, with why.
  private readonly unappliedBy = new Map<string, Map<string, string>>()
  private lastReport: string | null = null
  private readonly onchange: () => void

  constructor(onchange: () => void) {
    this.onchange = onchange
  }

  get state(): FolderState {
    if (this.paused) return 'paused'
    if (this.problems.size > 0) return 'error'
    if (this.work !== 'idle') return this.work
    return this.unappliedBy.size > 0 ? 'out-of-sync' : 'idle'
  }

  get lastError(): string | null {
    for (const problem of SHOWN_FIRST) if (this.problems.has(problem)) return this.problems.get(problem)!
    return this.unapplied(1)[0]?.reason ?? this.lastReport
  }

  // Nothing running, nothing wrong, every path applied: what "in sync" needs of the state.
  get clear(): boolean {
    return this.state === 'idle'
  }

  has(problem: Problem): boolean {
    return this.problems.has(problem)
  }

  working(work: 'idle' | 'scanning' | 'syncing'): void {
    this.work = work
    this.onchange()
  }

  pause(): void {
    this.paused = true
    this.work = 'idle'
    this.onchange()
  }

  // A fresh start: what was wrong is found again, or not, by the start itself.
  resume(): void {
    this.paused = false
    this.problems.clear()
    this.lastReport = null
    this.onchange()
  }

  fail(problem: Problem, message: string): void {
    this.problems.set(problem, message)
    this.onchange()
  }

  // What reported paths said goes with the problem they came under.
  solved(problem: Problem): void {
    if (!this.problems.delete(problem)) return
    this.lastReport = null
    this.onchange()
  }

  // One path's error or refusal, shown while nothing graver is.
  report(message: string): void {
    this.lastReport = message
    this.onchange()
  }

  // What a writer's latest pull could not apply; returns the paths new to the list, to report once.
  setUnapplied(writer: string, paths: UnappliedPath[]): UnappliedPath[] {
    const known = new Set(this.unapplied().map((u) => u.path))
    if (paths.length === 0) this.unappliedBy.delete(writer)
    else this.unappliedBy.set(writer, new Map(paths.map((u) => [u.path, u.reason])))
    this.onchange()
    return paths.filter((u) => !known.has(u.path))
  }

  unapplied(limit = Infinity): UnappliedPath[] {
    const out: UnappliedPath[] = []
    for (const paths of this.unappliedBy.values()) {
      for (const [path, reason] of paths) {
        if (out.length >= limit) return out
        out.push({ path, reason })
      }
    }
    return out
  }

  shownUnapplied(): UnappliedPath[] {
    return this.unapplied(UNAPPLIED_SHOWN)
  }
}
