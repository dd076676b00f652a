// The two properties a round must end with: every device holds the same tree,
// and no write the harness made is gone. A write survives when its content is
// a file anywhere in a device's tree (at its path, where a rename took it, or
// as a conflict copy), or else when `history` of one of its paths lists a
// version of the same size and mtime (history gives no hash; the harness's
// contents are unique, so size + mtime to the millisecond names one write, and
// unlike `restore` this check changes nothing).
import type { FileVersion } from '../../contract/types'
import { type Device, FOLDER } from './cluster'
import type { Ledger, Write } from './ledger'
import type { Tree } from './tree'

export interface LostWrite {
  write: Write
  why: string
}

export class WriteChecker {
  private readonly inHistory = new Set<number>() // write ids found in history: it is append-only
  private readonly reported = new Set<number>()

  // Writes lost since the last call.
  async lost(ledger: Ledger, devices: Device[], trees: Tree[]): Promise<LostWrite[]> {
    const present = new Set<string>()
    for (const tree of trees) for (const node of tree.values()) if (node.kind === 'file') present.add(node.sha)
    const histories = new Map<string, FileVersion[]>()
    const out: LostWrite[] = []
    for (const w of ledger.writes) {
      if (w.superseded || this.reported.has(w.id) || this.inHistory.has(w.id) || present.has(w.sha)) continue
      if (await this.foundInHistory(w, devices, histories)) {
        this.inHistory.add(w.id)
        continue
      }
      this.reported.add(w.id)
      out.push({ write: w, why: `not on any device and not in the history of ${w.paths.join(', ')}` })
    }
    return out
  }

  private async foundInHistory(w: Write, devices: Device[], histories: Map<string, FileVersion[]>): Promise<boolean> {
    for (const p of w.paths) {
      for (const d of devices) {
        const key = `${d.name}:${p}`
        if (!histories.has(key)) {
          const outcome = await d.tryCall<FileVersion[]>('history', { folder: FOLDER, path: p }, 60_000).catch(() => null)
          histories.set(key, outcome?.ok === true ? outcome.result : [])
        }
        if (histories.get(key)!.some((v) => !v.deleted && v.size === w.size && Date.parse(v.time) === w.mtimeMs)) return true
      }
    }
    return false
  }
}
