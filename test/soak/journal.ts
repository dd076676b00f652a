// Where a round's operations put and took content, to tell a path that came
// back after the harness removed it (a deleted conflict loser, a moved
// directory that turned into a copy) from one that was legitimately written
// again. A removal counts only in a round that began converged.
import type { Tree } from './tree'

interface Removal {
  at: number
  path: string
  sha: string
  what: string
}

export class Journal {
  private step = 0
  private readonly removals: Removal[] = []
  private readonly arrivals: { at: number; path: string }[] = []
  private readonly touches: { at: number; path: string }[] = []

  // Called before each operation.
  next(): void {
    this.step++
  }

  // An operation aimed at this path (as source or destination).
  touch(path: string): void {
    this.touches.push({ at: this.step, path })
  }

  // The current operation turned out impossible (a race with the engine): what it said it removed stays.
  undoStep(): void {
    for (let i = this.removals.length - 1; i >= 0; i--) if (this.removals[i]!.at === this.step) this.removals.splice(i, 1)
  }

  removed(path: string, sha: string, what: string): void {
    this.removals.push({ at: this.step, path, sha, what })
  }

  arrived(path: string): void {
    this.arrivals.push({ at: this.step, path })
    this.touch(path)
  }

  // Files that are back after their removal: the removed content itself with no
  // later write or move to that path, or anything at a path no other operation
  // of the round went near.
  resurrected(trees: Tree[], whose: (sha: string) => string): string[] {
    const out: string[] = []
    for (const r of this.removals) {
      const back = trees.map((t) => t.get(r.path)).find((n) => n?.kind === 'file')
      if (back === undefined || back.kind !== 'file') continue
      // Written again from the same step on (a move, then a new file there), or
      // a folder root restored from a copy after the removal, which may bring
      // the old content back, as a restored backup does.
      const rewritten = this.arrivals.some((a) => a.at >= r.at && a.path === r.path) || this.touches.some((t) => t.at > r.at && t.path === '/')
      const alone = !this.touches.some((t) => t.at !== r.at && related(t.path, r.path))
      if (!rewritten && back.sha === r.sha) out.push(`${r.path} is back with the content ${r.what} removed`)
      else if (!rewritten && alone && !this.removals.some((o) => o !== r && o.at !== r.at && related(o.path, r.path))) {
        out.push(`${r.path} is back (${whose(back.sha)}) after ${r.what} removed it, and nothing else touched it`)
      }
    }
    return [...new Set(out)]
  }
}

// The same path, or one inside the other.
function related(a: string, b: string): boolean {
  return a === b || a === '/' || b === '/' || a.startsWith(b + '/') || b.startsWith(a + '/')
}
