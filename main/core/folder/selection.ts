// Which paths of a folder this device keeps on its disk: everything, or only
// the paths listed (and what lies below them); `except` lists paths freed
// inside what is kept. The most specific rule decides, so a path kept inside
// one freed (keep /a/b after free /a) is kept. What is not kept stays listed
// and readable on demand: its bytes are not here on purpose, which is never a
// deletion.
import type { FolderSelection } from '../../../contract/types'

export type Selection = FolderSelection

export const EVERYTHING: Selection = { everything: true, only: [], except: [] }

export function onlyThese(paths: string[]): Selection {
  return paths.reduce((sel, p) => withKept(sel, p), { everything: false, only: [], except: [] } as Selection)
}

// Whether this device holds the path. A directory on the way to a kept path
// is held too (the kept path needs it), though not the rest of what it holds.
export function keeps(sel: Selection, p: string): boolean {
  return decides(sel, p) || sel.only.some((k) => k !== p && within(k, p))
}

// Whether the path's own bytes belong on this disk: the most specific rule over it says so.
export function decides(sel: Selection, p: string): boolean {
  let best: { path: string; keep: boolean } | null = null
  for (const rule of rules(sel)) if (within(p, rule.path) && (best === null || rule.path.length > best.path.length)) best = rule
  return best === null ? sel.everything : best.keep
}

// Keeps the path and everything below it from now on.
export function withKept(sel: Selection, p: string): Selection {
  const next = { everything: sel.everything, only: sel.only.filter((k) => !within(k, p)), except: sel.except.filter((e) => !within(e, p)) }
  return decides(next, p) ? next : { ...next, only: [...next.only, p] }
}

// Stops keeping the path and everything below it.
export function withFreed(sel: Selection, p: string): Selection {
  const next = { everything: sel.everything, only: sel.only.filter((k) => !within(k, p)), except: sel.except.filter((e) => !within(e, p)) }
  return decides(next, p) ? { ...next, except: [...next.except, p] } : next
}

// `p` is `dir` or lies below it.
export function within(p: string, dir: string): boolean {
  return dir === '/' || p === dir || p.startsWith(dir + '/')
}

function rules(sel: Selection): { path: string; keep: boolean }[] {
  return [...sel.only.map((path) => ({ path, keep: true })), ...sel.except.map((path) => ({ path, keep: false }))]
}
