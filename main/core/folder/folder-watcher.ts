// Turns disk events under a folder root into batches of folder paths. Events
// are gathered for a few milliseconds, because editors save in bursts.
import path from 'path'
import { type FSWatcher, watch } from 'chokidar'
import type { IgnoreRules } from './ignore-rules'

const BATCH_MS = 25

export class FolderWatcher {
  private readonly watcher: FSWatcher
  private readonly pending = new Set<string>()
  private timer: NodeJS.Timeout | null = null

  constructor(root: string, rules: IgnoreRules, onbatch: (paths: string[]) => void, onerror: (err: Error) => void) {
    const toFolderPath = (abs: string) => '/' + path.relative(root, abs).split(path.sep).join('/')
    this.watcher = watch(root, {
      ignoreInitial: true,
      ignored: (abs, stats) => abs !== root && rules.isIgnored(toFolderPath(abs), stats?.isDirectory() ?? false)
    })
    this.watcher.on('all', (_event, abs) => {
      if (abs === root) return
      this.pending.add(toFolderPath(abs))
      this.timer ??= setTimeout(() => {
        this.timer = null
        const paths = [...this.pending]
        this.pending.clear()
        onbatch(paths)
      }, BATCH_MS)
    })
    this.watcher.on('error', (err) => onerror(err as Error))
  }

  async close(): Promise<void> {
    if (this.timer !== null) clearTimeout(this.timer)
    await this.watcher.close()
  }
}
