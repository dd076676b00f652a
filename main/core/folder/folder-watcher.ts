// Turns disk events under a folder root into batches of folder paths. Events
// are gathered for a few milliseconds, because editors save in bursts.
//
// macOS and Windows watch a whole tree natively. Linux watches directories
// one by one: here one inotify watch per directory, which reports every
// change to the entries in it. (Watching every file as well, as chokidar and
// Node 20's emulated recursive mode do, costs a watch per file, and chokidar
// re-lists and lstats a whole directory on each event: a pull writing ten
// thousand files spent more time there than on the files.)
import fs, { type FSWatcher } from 'fs'
import path from 'path'
import type { IgnoreRules } from './ignore-rules'

const BATCH_MS = 25
export const NATIVE_RECURSIVE = process.platform === 'darwin' || process.platform === 'win32'

export interface WatcherOptions {
  root: string
  rules: IgnoreRules
  onbatch(paths: string[]): void
  onerror(err: Error): void
  recursive?: boolean // one native recursive watch, or one watch per directory
}

export class FolderWatcher {
  private readonly opts: WatcherOptions
  private readonly dirs = new Map<string, { watcher: FSWatcher; ino: number }>() // folder path ('' = root) -> its watch
  private readonly pending = new Set<string>()
  private recursive: FSWatcher | null = null
  private timer: NodeJS.Timeout | null = null
  private closed = false

  private constructor(opts: WatcherOptions) {
    this.opts = opts
  }

  // Resolves once every directory present now is watched.
  static async start(opts: WatcherOptions): Promise<FolderWatcher> {
    const watcher = new FolderWatcher(opts)
    if (opts.recursive ?? NATIVE_RECURSIVE) watcher.watchRecursive()
    else await watcher.watchTree('', null)
    return watcher
  }

  async close(): Promise<void> {
    this.closed = true
    if (this.timer !== null) clearTimeout(this.timer)
    this.recursive?.close()
    for (const { watcher } of this.dirs.values()) watcher.close()
    this.dirs.clear()
  }

  // Told what a reported path turned out to be, the watches follow the tree:
  // a directory not watched yet gets watched. Returns what such a directory
  // (or, under a native recursive watch, a new one) already holds, made
  // before any watch could see it, for the caller to take in the same batch.
  async follow(p: string, isDirectory: boolean, isNew: boolean): Promise<string[]> {
    const found: string[] = []
    if (this.closed) return found
    if (this.recursive !== null) {
      if (isDirectory && isNew) await this.list(p, found)
    } else if (isDirectory) {
      await (this.dirs.has(p) ? this.recheck(p, found) : this.watchTree(p, found))
    } else if (this.dirs.has(p)) {
      this.unwatch(p)
    }
    return found
  }

  private watchRecursive(): void {
    this.recursive = fs.watch(this.opts.root, { recursive: true }, (_event, name) => {
      if (name !== null) this.onevent('/' + name.split(path.sep).join('/'))
    })
    this.recursive.on('error', (err) => this.opts.onerror(err))
  }

  // Watches a directory and every directory below it, collecting what they hold into `found`.
  private async watchTree(dir: string, found: string[] | null): Promise<void> {
    if (this.closed || this.dirs.has(dir)) return
    const abs = path.join(this.opts.root, dir)
    let entries: fs.Dirent[]
    try {
      const watcher = fs.watch(abs, (event, name) => {
        if (name === null) return
        this.onevent(`${dir}/${name}`)
        // A directory's own removal or move reports its own name (or a child has that name).
        if (name === path.basename(abs)) void this.recheck(dir, null)
      })
      const watched = { watcher, ino: -1 }
      this.dirs.set(dir, watched) // before any await, so the same directory is never watched twice
      watcher.on('error', () => this.unwatch(dir)) // it went away; its parent reports that
      watched.ino = (await fs.promises.lstat(abs)).ino
      entries = await fs.promises.readdir(abs, { withFileTypes: true })
    } catch (err) {
      this.unwatch(dir)
      const code = (err as NodeJS.ErrnoException).code
      if (code === 'ENOSPC') this.opts.onerror(new Error(`Cannot watch ${abs}: the inotify watch limit is reached (fs.inotify.max_user_watches); changes there are found by the periodic rescan.`))
      else if (code !== 'ENOENT' && code !== 'ENOTDIR') this.opts.onerror(err as Error)
      return
    }
    for (const entry of entries) {
      const p = `${dir}/${entry.name}`
      if (this.opts.rules.isIgnored(p, entry.isDirectory())) continue
      found?.push(p)
      if (entry.isDirectory()) await this.watchTree(p, found)
    }
  }

  private unwatch(dir: string): void {
    for (const [d, { watcher }] of this.dirs) {
      if (d !== dir && !d.startsWith(dir + '/')) continue
      watcher.close()
      this.dirs.delete(d)
    }
  }

  private onevent(p: string): void {
    if (!this.closed && !this.opts.rules.isIgnored(p, false)) this.add(p)
  }

  // A watch follows an inode: when the path now names another directory (or
  // none), the old watch goes and the new directory gets one. What it holds is
  // collected into `found`, or, with no caller to take it, reported.
  private async recheck(dir: string, found: string[] | null): Promise<void> {
    const stats = await fs.promises.lstat(path.join(this.opts.root, dir)).catch(() => null)
    const watched = this.dirs.get(dir)
    if (this.closed || watched === undefined || watched.ino === stats?.ino) return
    this.unwatch(dir)
    if (stats?.isDirectory() !== true) return
    const held: string[] = []
    await this.watchTree(dir, held)
    if (found === null) for (const p of held) this.add(p)
    else found.push(...held)
  }

  private async list(dir: string, found: string[]): Promise<void> {
    const names = await fs.promises.readdir(path.join(this.opts.root, dir), { recursive: true }).catch(() => [])
    for (const name of names) found.push(`${dir}/${name.split(path.sep).join('/')}`)
  }

  private add(p: string): void {
    this.pending.add(p)
    this.timer ??= setTimeout(() => {
      this.timer = null
      const paths = [...this.pending]
      this.pending.clear()
      if (!this.closed) this.opts.onbatch(paths)
    }, BATCH_MS)
  }
}
