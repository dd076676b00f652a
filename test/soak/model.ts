// What the harness believes one device's folder holds: the device's tree at
// the start of the round plus the harness's own operations on it. Targets are
// picked from here, not from the live disk, so that one seed picks the same
// operations whatever the sync timing (the disk may still differ; then an
// operation that no longer fits is skipped).
import type { Tree } from './tree'

const CONFLICT = /\.sync-conflict-/

export class Model {
  private readonly entries = new Map<string, 'file' | 'dir'>()

  constructor(tree: Tree) {
    for (const [p, node] of tree) if (node.kind !== 'other') this.entries.set(p, node.kind)
  }

  has(p: string): boolean {
    return this.entries.has(p)
  }

  kind(p: string): 'file' | 'dir' | undefined {
    return this.entries.get(p)
  }

  // Files the harness edits: conflict copies are left to the engine.
  files(): string[] {
    return [...this.entries].filter(([p, k]) => k === 'file' && !CONFLICT.test(p)).map(([p]) => p).sort()
  }

  dirs(): string[] {
    return [...this.entries].filter(([, k]) => k === 'dir').map(([p]) => p).sort()
  }

  add(p: string, kind: 'file' | 'dir'): void {
    const parts = p.split('/').filter(Boolean)
    for (let i = 1; i < parts.length; i++) this.entries.set('/' + parts.slice(0, i).join('/'), 'dir')
    this.entries.set(p, kind)
  }

  remove(p: string): void {
    for (const key of [...this.entries.keys()]) if (key === p || key.startsWith(p + '/')) this.entries.delete(key)
  }

  move(from: string, to: string): void {
    const moved = [...this.entries].filter(([key]) => key === from || key.startsWith(from + '/'))
    this.remove(from)
    for (const [key, kind] of moved) this.add(to + key.slice(from.length), kind)
  }
}
