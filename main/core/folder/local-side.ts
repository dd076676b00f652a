// The disk side of a synced folder: what finds local changes (a full scan,
// and the watcher's batches between scans) and what applies remote ones.
// Each call here runs inside the folder's task queue and commits what it
// published before it returns.
import type { FolderActivity } from '../../../contract/types'
import { toApiError } from '../../../contract/errors'
import { Applier } from './applier'
import type { ChunkStore } from './chunk-store'
import type { FileContent } from './file-content'
import type { FolderHistory } from './folder-config'
import { archives, keepsOwn } from './retention'
import { DeletionDelay } from './deletion-delay'
import { eachLimit } from './each-limit'
import type { FolderDrives } from './folder-drives'
import { FolderFs } from './folder-fs'
import { parentOf } from './folder-path'
import { FolderWatcher } from './folder-watcher'
import { HeldMoves } from './held-moves'
import { IgnoreRules } from './ignore-rules'
import type { IndexRecord, LocalIndex } from './local-index'
import { type Published, Publisher, type PublisherContext, changeOf } from './publisher'
import { type RootGuard, RootMissing } from './root-guard'
import { type ScanPair, scanDiff } from './scan-diff'
import { type Move, ScanMoves, isMovedFile } from './scan-moves'
import { type ScanEntry, scanDirectory, scanFolder, scanPath } from './scanner'

// Files read and staged at once by a scan: their opens and reads overlap.
const SCAN_CONCURRENCY = 8

export interface LocalSideOptions {
  root: string
  deviceId: string
  drives: FolderDrives
  index: LocalIndex
  content: FileContent
  store: ChunkStore
  history(): FolderHistory
  receiveOnly: boolean
  // Whether this device keeps the path on its disk (selective sync): one it does
  // not keep may be missing here on purpose, which is not a deletion. Unset: everything.
  keeps?(path: string): boolean
  // Stops a running rescan from outside (pause, close), even before this side has started.
  signal?: AbortSignal
  guard?: RootGuard | undefined // what every deletion is checked against (tests of this unit alone run without)
  onbatch(paths: string[]): void
  onerror(err: Error): void
  activity(kind: FolderActivity['kind'], path: string, message: string): void
}

export class LocalSide {
  readonly fs: FolderFs
  readonly publisher: Publisher
  readonly applier: Applier
  private readonly opts: LocalSideOptions
  private readonly rules: IgnoreRules
  private watcher: FolderWatcher | null = null
  private readonly deletions: DeletionDelay
  private readonly deletedHere = new Set<string>() // published as deleted since the last commit
  private readonly held: HeldMoves
  private readonly stopped = new AbortController()
  private readonly scanSignal: AbortSignal

  private constructor(opts: LocalSideOptions, rules: IgnoreRules) {
    this.opts = opts
    this.rules = rules
    this.scanSignal = opts.signal === undefined ? this.stopped.signal : AbortSignal.any([opts.signal, this.stopped.signal])
    this.fs = new FolderFs(opts.root)
    this.deletions = new DeletionDelay(opts.onbatch)
    const { deviceId, drives, index, content, store } = opts
    const ctx = { deviceId, fs: this.fs, drives, index, content, store, keepsOwn: () => keepsOwn(opts.history()) }
    this.publisher = opts.guard === undefined ? new Publisher(ctx) : new GuardedPublisher(ctx, opts.guard)
    this.applier = new Applier({ ...ctx, publisher: this.publisher, receiveOnly: opts.receiveOnly, archives: () => archives(opts.history()) })
    this.held = new HeldMoves(index, () => this.publisher.commit())
  }

  static async start(opts: LocalSideOptions): Promise<LocalSide> {
    const side = new LocalSide(opts, await IgnoreRules.loadOrHoldBack(opts.root))
    await side.fs.cleanTempFiles()
    await side.fs.detectCase()
    side.watcher = await FolderWatcher.start({ root: opts.root, rules: side.rules, onbatch: opts.onbatch, onerror: opts.onerror })
    return side
  }

  // Local deletions seen and held back for a moment (see DeletionDelay).
  get holdingDeletions(): boolean {
    return this.deletions.holding
  }

  get rulesText(): string | null {
    return this.rules.text
  }

  // Why every local change is held back (the ignore file cannot be read), or null.
  get rulesProblem(): string | null {
    return this.rules.problem
  }

  // Stops watching and any rescan (it throws ScanStopped); the caller lets the running task end, then commits.
  async close(): Promise<void> {
    this.stopped.abort()
    this.deletions.close()
    await this.watcher?.close()
    this.watcher = null
  }

  // Returns how many paths hold a local change. Throws ScanStopped when stopped
  // part-way: what it published stays, and no path it did not reach is touched.
  async rescan(): Promise<number> {
    if (this.rules.problem !== null) return 0 // held back: nothing is published, nothing deleted
    await this.publisher.commit() // records() reads what is flushed, from a snapshot taken now
    let changes = 0
    const publish = async ({ path, disk, record }: ScanPair) => {
      if ((await this.publishOne(path, disk, record)) !== null) changes++
    }
    const pairs = scanDiff(scanFolder(this.fs.root, this.rules, this.scanSignal), this.opts.index.recordBatches())
    const moves = new ScanMoves()
    await eachLimit(this.changed(pairs), SCAN_CONCURRENCY, async (pair) => {
      if (!moves.holds(pair)) await publish(pair)
    })
    const { moves: moved, others } = moves.pairs()
    for (const move of moved) {
      if (!(await this.publishMove(move))) others.push({ path: move.to, disk: move.disk, record: move.record }, { path: move.from, disk: null, record: move.old })
      else changes += 2
    }
    await eachLimit(others, SCAN_CONCURRENCY, publish)
    await eachLimit(moves.deletions(), SCAN_CONCURRENCY, publish)
    await this.publisher.commit()
    await this.removeEmptiedParents()
    return changes
  }

  // The pairs that may hold a local change. Most of a rescan has none: passed
  // over here, they cost neither the publisher's awaits nor one of their own.
  private async *changed(batches: AsyncIterable<ScanPair[]>): AsyncGenerator<ScanPair> {
    for await (const batch of batches) {
      for (const pair of batch) {
        if (changeOf(pair.record, pair.disk) === null) continue
        if (pair.disk === null && this.leftAlone(pair.path, pair.record)) continue
        yield pair
      }
    }
  }

  // Directories kept for what this device has now deleted go the way a pull's deletion would take them.
  private async removeEmptiedParents(): Promise<void> {
    const byParent = new Map([...this.deletedHere].map((p) => [parentOf(p), p])) // one look per directory
    this.deletedHere.clear()
    for (const p of byParent.values()) {
      await this.applier.removeDeletedParents(p).catch((err: unknown) => {
        if (err instanceof RootMissing) throw err
        this.opts.activity('error', p, toApiError(err).message) // the directory stays; the next deletion below it tries again
      })
    }
  }

  // The records of the paths are read a batch at a time (prefetch): after a
  // pull of 10,000 files, reads one path at a time were a trip to RocksDB each.
  async publishPaths(paths: string[]): Promise<void> {
    if (this.rules.problem !== null) return // held back; the ignore file's own change reloads the rules
    const queue = [...paths]
    let files = 0
    await this.opts.index.prefetch(paths)
    for (const p of queue) {
      const due = this.deletions.isDue(p)
      const item = await scanPath(this.fs.root, p).catch(() => null)
      if (item?.type === 'error') continue
      const record = await this.opts.index.get(p)
      if (item !== null ? this.rules.isIgnored(p, item.type === 'directory') : this.leftAlone(p, record)) continue
      // Held with no record too: a pull may have just written the file and not recorded it yet.
      if (item === null && record?.kind !== 'deleted' && !due) {
        this.deletions.hold(p)
        this.held.held(p, record)
        continue
      }
      this.held.done(p)
      if (record?.kind === 'directory' && item?.type === 'directory') await this.rescanDirectory(p, item.ino, record)
      else if (record?.kind === 'directory') await this.publishGoneContents(p)
      const published = (await this.publishedAsMove(p, item, record)) ?? (await this.publishOne(p, item, record))
      if (published === 'file') files++
      const found = (await this.watcher?.follow(p, item?.type === 'directory', published === 'directory')) ?? []
      await this.opts.index.prefetch(found)
      queue.push(...found)
    }
    if (files > 0) await this.publishMovedAway()
    await this.publisher.commit()
    await this.removeEmptiedParents()
  }

  // A new file with the inode, size, mtime and mode of a held one is that
  // file, moved: it is published with the chunk list recorded under the old
  // name, unread (a 1 GiB file renamed costs no hashing), and the old name's
  // deletion goes with it. Null when it is not one (or cannot be published so).
  private async publishedAsMove(p: string, item: ScanEntry | null, record: IndexRecord | null): Promise<'file' | null> {
    if (item?.type !== 'file' || (record !== null && record.kind !== 'deleted')) return null
    const from = await this.held.sourceOf(item)
    const old = from === null ? null : await this.opts.index.get(from)
    if (from === null || old === null || !isMovedFile(old, item)) return null
    if (!(await this.publishMove({ from, old, to: p, disk: item, record }))) return null
    this.held.done(from)
    return 'file'
  }

  // False when the move cannot be published as one (no chunk list at hand, a
  // receive-only folder, chunks not in the store): the file is then read.
  private async publishMove({ from, old, to, disk, record }: Move): Promise<boolean> {
    if (this.opts.receiveOnly) return false
    const chunks = await this.opts.content.chunksRecordedAt(from)
    const ref = await this.opts.index.manifest(from)
    if (chunks === null || !(await this.publisher.publishMoved(to, disk, record, chunks, ref).catch(() => false))) return false
    if ((await scanPath(this.fs.root, from).catch(() => null)) === null) await this.publishOne(from, null, old)
    return true
  }

  // A held file whose exact bytes were just published under another name was
  // moved: its deletion goes out with the new name instead of a couple of
  // seconds later, so that peers move the file as well instead of copying it
  // (see Applier.moveHere). A root going away (what the hold is for) makes no
  // file appear, so its deletions never pass this test.
  private async publishMovedAway(): Promise<void> {
    for (const p of this.held.latest()) {
      const record = await this.opts.index.get(p)
      const moved = record?.kind === 'file' && (await this.opts.content.movedTo(p, record.size)) !== null
      if (!moved || (await scanPath(this.fs.root, p).catch(() => null)) !== null) continue
      this.held.done(p)
      await this.publishOne(p, null, record)
    }
  }

  // A directory moved away reports itself alone (and so does one replaced by
  // a file): what it held is gone too. That goes first, deepest first, so that
  // no peer is told to remove a directory while it still holds files (it would
  // stay, empty, for good).
  private async publishGoneContents(dir: string): Promise<void> {
    await this.publisher.commit() // records() reads what is flushed
    const held: string[] = []
    for await (const [sub, record] of this.opts.index.records(dir)) if (record.kind !== 'deleted' && !this.leftAlone(sub, record)) held.push(sub)
    for (const sub of held.reverse()) {
      const found = await scanPath(this.fs.root, sub).catch(() => null)
      if (found?.type !== 'error') await this.publishOne(sub, found)
    }
  }

  // A directory where one was recorded may be another one ("mv d d2 && mkdir
  // d", or a pull that wrote into d meanwhile): unless it is the same inode,
  // what it holds is compared with what was recorded under it, as a rescan would.
  private async rescanDirectory(dir: string, ino: number, record: IndexRecord): Promise<void> {
    if (record.ino === ino) return
    await this.publisher.commit() // records() reads what is flushed
    for await (const batch of scanDiff(scanDirectory(this.fs.root, dir, this.rules, this.scanSignal), this.opts.index.recordBatches(dir))) {
      for (const { path, disk, record: sub } of batch) {
        if (disk === null && this.leftAlone(path, sub)) continue
        await this.publishOne(path, disk, sub)
      }
    }
    this.opts.index.put(dir, { ...record, ino }, record)
  }

  // A recorded path the ignore rules now cover (they changed since it was
  // published) is left alone: gone from here, it must not be deleted on peers.
  private ignores(p: string, record: IndexRecord | null): boolean {
    return this.rules.isIgnored(p, record?.kind === 'directory')
  }

  // A path missing from the disk that is not a deletion: one the ignore rules
  // cover, or one this device does not keep. A file made by hand at a path not
  // kept is still published (a real local change); its removal later is not.
  private leftAlone(p: string, record: IndexRecord | null): boolean {
    return this.ignores(p, record) || this.opts.keeps?.(p) === false
  }

  // What the path's local change is (published, or kept back in receive-only mode), null for none.
  private async publishOne(p: string, disk: ScanEntry | null, record?: IndexRecord | null): Promise<Published> {
    try {
      if (this.opts.receiveOnly) return await this.publisher.pending(p, disk, record)
      const published = await this.publisher.publish(p, disk, record)
      if (published === 'deleted') this.deletedHere.add(p)
      return published
    } catch (err) {
      if (err instanceof RootMissing) throw err // the whole batch or scan stops, not this path alone
      this.opts.activity('error', p, toApiError(err).message)
      return null
    }
  }
}

// A deletion is what a vanished root fakes, so each one is checked against
// the guard as it is published: after the scan or the watcher's batch found
// the path gone, and before anything is staged. A root gone by then fails the
// check and the deletion is never made; this covers the applier too, which
// publishes a local deletion it finds before merging a remote change.
class GuardedPublisher extends Publisher {
  private readonly guard: RootGuard

  constructor(ctx: PublisherContext, guard: RootGuard) {
    super(ctx)
    this.guard = guard
  }

  override async publish(path: string, disk: ScanEntry | null, known?: IndexRecord | null): Promise<Published> {
    if (disk === null) await this.guard.assert()
    return super.publish(path, disk, known)
  }
}
