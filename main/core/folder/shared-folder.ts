// One shared folder on this device: its drives, its record of the disk, and
// the work that keeps the two in step (a full scan at start and every hour,
// the watcher's batches, and a pull whenever a writer's drive grows).
import fs from 'fs/promises'
import ReadyResource from 'ready-resource'
import type Corestore from 'corestore'
import type RocksDB from 'rocksdb-native'
import type Hyperdrive from 'hyperdrive'
import type { Folder, FolderActivity, FolderProgress, UnappliedPath } from '../../../contract/types'
import type { Conflict, ConflictKeep } from '../../../contract/conflicts'
import { HyperfoldError, toApiError } from '../../../contract/errors'
import type { ChunkRef, ChunkSource } from './chunk-ref'
import { ChunkStore } from './chunk-store'
import { type DeviceNames, listConflicts, resolveConflict } from './conflict-resolver'
import { FileContent } from './file-content'
import { sweepHistory } from './history-sweep'
import { defaultCapBytes } from './retention'
import type { FolderConfig, FolderHistory } from './folder-config'
import { FolderDrives, candidateOf, keyOf } from './folder-drives'
import { entryAt } from './folder-history'
import { IGNORE_FILE, IgnoreRules } from './ignore-rules'
import { LocalIndex, heldVector } from './local-index'
import { LocalSide } from './local-side'
import type { Progress } from './progress'
import { PeerClaims, WAIT_MS as CLAIM_WAIT_MS } from './peer-claims'
import { PullRetry } from './pull-retry'
import { PullStopped, pullWriter } from './puller'
import { FolderStatus } from './folder-status'
import { checkHeldElsewhere, localFilesAt, removeEmptyDirs, removeLocal } from './free-space'
import type { Candidate } from './merge'
import { decides, keeps, withFreed, withKept } from './selection'
import { compareVectors } from './version-vector'
import { RootGuard, RootMissing } from './root-guard'
import { ScanStopped, scanPath } from './scanner'
import { TaskQueue } from './task-queue'

// The watcher reports changes as they happen; the full scan is the safety net
// for what it misses (as Syncthing's hourly default with its watcher on). On
// 100,000 files a scan costs ~10 s of work, too much to repeat every few minutes.
const RESCAN_MS = 60 * 60_000
// How often a folder whose root went missing looks for it again.
const ROOT_RECHECK_MS = 3_000
const EMIT_MS = 100
const IGNORE_PATH = '/' + IGNORE_FILE

export interface SharedFolderOptions {
  config: FolderConfig
  store: Corestore
  indexDb: RocksDB // the node's, shared by every folder: this one's local index is a key prefix in it
  chunkDir: string // this folder's chunk store: its history archive and this device's own versions
  chunkSources(): ChunkSource[] // the peers on its topic
  deviceId: string
  onchange(folder: SharedFolder): void
  onactivity(activity: FolderActivity): void
  onwriter(writer: string): void
}

export class SharedFolder extends ReadyResource {
  config: FolderConfig
  readonly drives: FolderDrives
  readonly content: FileContent
  private readonly opts: SharedFolderOptions
  private readonly index: LocalIndex
  private readonly chunks: ChunkStore
  private readonly queue = new TaskQueue((err) => this.fail(err))
  private readonly dirtyWriters = new Set<string>()
  private local: LocalSide | null = null
  private guard: RootGuard | null = null
  private rootTimer: NodeJS.Timeout | null = null
  private rescanTimer: NodeJS.Timeout | null = null
  private emitTimer: NodeJS.Timeout | null = null
  private readonly status = new FolderStatus(() => this.emitSoon())
  private progress: Progress | null = null
  private localChanges = 0
  private readonly pulledTo = new Map<string, number>()
  private turns: Promise<void> = Promise.resolve()
  private reloadsPending = 0
  private readonly retry = new PullRetry((writer) => this.schedulePull(writer))
  // Pause and close stop the scans of every start asked for before them, even one still waiting its turn.
  private scans = new AbortController()
  private readonly retryUnapplied = new PullRetry((writer) => this.schedulePull(writer))
  // Per online peer, how far it said it holds each writer's drive (its
  // catalog): until this device has heard of as much, by replication, a peer
  // online knows of edits it has not merged, and it is not in sync.
  private readonly claims = new PeerClaims({
    versionOf: (writer) => this.drives.get(writer)?.version ?? 0,
    onlapse: (peer, writer, length) => {
      const held = this.drives.get(writer)?.version ?? 0
      const message = `Peer ${peer.slice(0, 8)} said it holds ${length} entries of writer ${writer.slice(0, 8)}'s log but served ${held} in ${CLAIM_WAIT_MS / 1000} s: "in sync" no longer waits for it.`
      this.activity('refused', '/', message)
    },
    onchange: () => this.emitSoon()
  })

  constructor(opts: SharedFolderOptions) {
    super()
    this.opts = opts
    this.config = opts.config
    this.drives = new FolderDrives(opts.store, opts.config.id, (drive) => this.schedulePull(keyOf(drive)))
    this.index = new LocalIndex(opts.indexDb, opts.config.id, opts.store)
    this.chunks = new ChunkStore(opts.chunkDir, opts.indexDb, opts.config.id)
    this.content = new FileContent({
      ...{ folderId: opts.config.id, drives: this.drives, store: this.chunks, index: this.index },
      sources: () => opts.chunkSources(),
      disk: () => this.local?.fs ?? null,
      onbytes: (bytes) => {
        if (this.progress === null) return
        this.progress.moving(bytes)
        this.emitSoon()
      },
      onlying: (peer, p) => this.activity('refused', p, `Refused part of ${p} from peer ${peer.slice(0, 8)}: its bytes do not match the version's hash.`)
    })
  }

  // A chunk a peer asks for, from this device's store or files (see FileContent).
  serveChunk(ref: ChunkRef): Promise<Buffer | null> {
    return this.content.serve(ref)
  }

  // A folder that cannot start says why in its state (the folder list shows
  // it) and lets go of what it opened; the node runs on without it.
  protected override async _open(): Promise<void> {
    try {
      await this.drives.ready()
      await this.index.ready()
      for (const writer of this.config.writers) await this.addWriter(writer)
      if (this.config.path !== null && !this.config.paused) await this.startLocal(this.config.path)
      if (this.config.paused) this.status.pause()
    } catch (err) {
      this.status.fail('start', toApiError(err).message)
      await this._close().catch(() => undefined) // ready-resource does not call _close when _open fails; the first error is the one to tell
      throw err
    }
  }

  // Peers' drives close first: a pull waiting on a block from a peer that
  // left would otherwise hold the task queue, and the close, forever.
  protected override async _close(): Promise<void> {
    this.scans.abort()
    await this.drives.closeRemotes()
    await this.inTurn(() => this.stopLocal())
    this.forgetLostRoot()
    if (this.emitTimer !== null) clearTimeout(this.emitTimer)
    this.claims.close()
    this.content.close()
    await this.chunks.close()
    await this.index.close()
    await this.drives.close()
  }

  get ownWriter(): string {
    return this.drives.ownKey
  }

  // What the archive keeps of this folder's replaced versions (see retention).
  // A new setting takes effect on what the archive holds at once.
  setHistory(history: FolderHistory): void {
    this.config = { ...this.config, history }
    void this.queue.push(() => this.sweep())
  }

  // Mark and sweep of the chunk store under the folder's history setting
  // (see history-sweep); the cap is a share of the disk that holds it.
  private async sweep(): Promise<void> {
    const { signal } = this.scans
    try {
      await fs.mkdir(this.opts.chunkDir, { recursive: true })
      const disk = await fs.statfs(this.opts.chunkDir)
      await sweepHistory({
        ...{ drives: this.drives, content: this.content, store: this.chunks, history: this.config.history },
        ...{ capBytes: defaultCapBytes(disk.blocks * disk.bsize), now: Date.now(), signal }
      })
    } catch (err) {
      if (!signal.aborted) throw err // paused or closing: the next sweep does it
    }
  }

  info(): Omit<Folder, 'sharedBy' | 'history'> {
    const totals = this.index.totals
    const { id, name, topic, path, mode } = this.config
    return {
      ...{ id, name, topic, path, mode, selection: this.config.selection, state: this.status.state, progress: this.progressSnapshot() },
      ...{ files: totals.files, bytes: totals.bytes, conflicts: totals.conflicts },
      ...{ writers: this.drives.writers().length, localChanges: this.localChanges, lastError: this.status.lastError },
      unapplied: this.status.shownUnapplied()
    }
  }

  // A full scan now, as the hourly one does.
  async scan(): Promise<void> {
    await this.queue.push(() => this.rescan())
  }

  // Resolves once everything known now has been scanned and pulled.
  async settled(): Promise<void> {
    await this.queue.idle()
  }

  // In sync with the peers online: nothing queued or wrong, every writer's
  // drive merged to its end, every path of it applied, and each drive at least
  // as long as an online peer said it holds it.
  isSynced(): boolean {
    if (this.local === null || this.reloadsPending > 0 || !this.status.clear || this.dirtyWriters.size > 0) return false
    if (this.local.holdingDeletions) return false
    if (this.config.mode === 'send-only') return true // it never takes what others write
    return this.drives.writers().every((w) => {
      if (w === this.drives.ownKey) return true
      const { version } = this.drives.get(w)!
      return (this.pulledTo.get(w) ?? -1) >= version && version >= this.claims.lengthOf(w)
    })
  }

  // Each writer's drive with how far this device holds it, for its catalog.
  held(): { writers: string[]; lengths: number[] } {
    const writers = this.drives.writers()
    return { writers, lengths: writers.map((w) => this.drives.get(w)!.version) }
  }

  // What a peer's catalog says it holds of this folder's drives (see claims).
  // A length this device already has, or its own drive's, asks nothing of it.
  setClaims(peer: string, writers: readonly string[], lengths: readonly number[] | undefined): void {
    const others = writers.map((w, i) => [w, lengths?.[i] ?? 0] as const).filter(([w]) => w !== this.drives.ownKey)
    this.claims.set(peer, others.map(([w]) => w), others.map(([, length]) => length))
    this.emitSoon()
  }

  dropClaims(peer: string): void {
    if (this.claims.drop(peer)) this.emitSoon()
  }

  // Writes an old version back to the disk and publishes it as the newest one.
  async restore(p: string, drive: Hyperdrive, seq: number, executable: boolean): Promise<void> {
    const local = this.local
    if (local === null) throw new HyperfoldError('FOLDER_NOT_LOCAL', `${this.config.name} is not synced to a folder on this device.`)
    if (this.config.mode === 'receive-only') {
      throw new HyperfoldError('BAD_INPUT', `${this.config.name} is receive-only: it cannot publish a restored version.`)
    }
    const entry = await entryAt(drive, p, seq + 1)
    const version = entry === null ? null : candidateOf(keyOf(drive), entry)
    if (version === null) throw new HyperfoldError('VERSION_NOT_FOUND', `${p} has no readable version at ${seq + 1} in that drive.`)
    await this.queue.run(async () => {
      await local.fs.writeFile(p, await this.content.bytes(version, p), { mtimeMs: Date.now(), executable })
      await local.publisher.publish(p, await scanPath(local.fs.root, p).then((item) => (item?.type === 'error' ? null : item)))
      await local.publisher.commit()
    })
    this.emitSoon()
  }

  async conflicts(names: DeviceNames): Promise<Conflict[]> {
    return listConflicts(this.index, this.localOrThrow().fs, names)
  }

  // Settled on the disk and published as a local edit, in turn with scans and pulls (see conflict-resolver).
  async resolveConflict(copy: string, keep: ConflictKeep, names: DeviceNames): Promise<string[]> {
    const local = this.localOrThrow()
    if (this.config.mode === 'receive-only') throw new HyperfoldError('BAD_INPUT', `${this.config.name} is receive-only: it cannot publish the version you keep.`)
    const kept = await this.queue.run(() => resolveConflict({ fs: local.fs, publisher: local.publisher, index: this.index }, copy, keep, names))
    this.emitSoon()
    return kept
  }

  private localOrThrow(): LocalSide {
    if (this.local === null) throw new HyperfoldError('FOLDER_NOT_LOCAL', `${this.config.name} is not synced to a folder on this device now (paused or missing).`)
    return this.local
  }

  // Selective sync (see selection): whether this device keeps the path on its disk.
  keeps(p: string): boolean {
    return keeps(this.config.selection, p)
  }

  // Whether this device's disk holds the current version (`winner`) of the path.
  async holdsLocally(p: string, winner: Candidate): Promise<boolean> {
    if (this.config.path === null) return false
    const record = await this.index.get(p)
    if (record === null || record.kind !== winner.meta.kind) return false
    const order = compareVectors(heldVector(record), winner.meta.vv)
    return record.kind === 'directory' || order === 'equal' || order === 'after'
  }

  // Keeps the path here from now on. What it holds is not in the index (a
  // pull passed it by), so every writer is merged again from its start: paths
  // already applied come out unchanged, the newly kept ones are written.
  // Costs a walk over every writer's entries, once.
  async keep(p: string): Promise<void> {
    const before = this.config.selection
    this.config = { ...this.config, selection: withKept(before, p) }
    if (decides(before, p)) return
    await this.queue.push(async () => {
      for (const writer of this.drives.writers()) this.index.setWatermark(writer, 0)
      await (this.local?.publisher.commit() ?? this.index.flush()) // a restart before the pull still pulls what is now kept
    })
    for (const writer of this.drives.writers()) this.schedulePull(writer)
  }

  // Frees the space the path takes here (see free-space); throws LAST_COPY
  // and changes nothing unless another online device holds each file it
  // removes. The selection changes, and is saved (`save`), before the first
  // removal: neither a scan nor a pull, nor a start after a crash, reads what
  // goes as a deletion or takes it for a kept path already here.
  async free(p: string, save: (config: FolderConfig) => Promise<void>): Promise<void> {
    const local = this.local
    if (local === null) throw new HyperfoldError('FOLDER_NOT_LOCAL', `${this.config.name} is not synced to a folder on this device, or it is paused.`)
    const ctx = { folderId: this.config.id, fs: local.fs, drives: this.drives, index: this.index, content: this.content, sources: () => this.opts.chunkSources() }
    const files = await this.queue.run(async () => {
      await local.publisher.commit() // the index walk reads what is flushed
      return localFilesAt(ctx, p)
    })
    await checkHeldElsewhere(ctx, files) // outside the queue: it moves the files' bytes; checked again below
    await this.queue.run(async () => {
      const config = { ...this.config, selection: withFreed(this.config.selection, p) }
      await save(config)
      this.config = config
      try {
        await removeLocal(ctx, files)
        await local.publisher.commit()
        await removeEmptyDirs(ctx, p)
      } finally {
        await local.publisher.commit()
      }
    })
    this.emitSoon()
  }

  async addWriter(writer: string): Promise<void> {
    const drive = await this.drives.addWriter(writer)
    if (drive === null) return
    if (!this.config.writers.includes(writer)) this.opts.onwriter(writer)
    if (this.config.path !== null) followAll(drive)
    this.schedulePull(writer)
  }

  private async startLocal(root: string, signal = this.scans.signal): Promise<void> {
    const guard = await RootGuard.take(root, this.config.id, (message) => this.rootLost(message))
    if (typeof guard === 'string') {
      this.rootLost(guard)
      return
    }
    this.guard = guard
    this.local = await LocalSide.start({
      ...{ root, deviceId: this.opts.deviceId, drives: this.drives, index: this.index, receiveOnly: this.config.mode === 'receive-only', guard },
      keeps: (p) => this.keeps(p),
      ...{ content: this.content, store: this.chunks, history: () => this.config.history },
      signal,
      onbatch: (paths) => {
        void this.queue.push(() => this.publishPaths(paths))
        if (paths.includes(IGNORE_PATH)) this.rulesChanged()
      },
      onerror: (err) => this.fail(err),
      activity: (kind, p, message) => this.activity(kind, p, message)
    })
    this.rulesHeld(this.local.rulesProblem)
    this.rescanTimer = setInterval(() => {
      void this.queue.push(() => this.rescan())
      void this.queue.push(() => this.sweep())
    }, RESCAN_MS)
    await this.queue.push(() => this.rescan())
    for (const writer of this.drives.writers()) this.schedulePull(writer)
  }

  // Every task commits what it published; one that failed half-way leaves the rest to this commit.
  private async stopLocal(): Promise<void> {
    this.retry.cancel()
    this.retryUnapplied.cancel()
    if (this.rescanTimer !== null) clearInterval(this.rescanTimer)
    this.rescanTimer = null
    const local = this.local
    this.local = null
    this.guard = null
    await local?.close()
    await this.queue.idle()
    await local?.publisher.commit()
  }

  // Peers' drives are closed and opened again around the stop, for the same
  // reason as in _close: a pull stuck on a peer that left must not hold pause.
  async pause(): Promise<void> {
    this.scans.abort()
    this.scans = new AbortController()
    await this.inTurn(async () => {
      const writers = this.drives.writers()
      await this.drives.closeRemotes()
      await this.stopLocal()
      this.forgetLostRoot()
      for (const writer of writers) await this.addWriter(writer)
      this.status.pause()
    })
    this.emitSoon()
  }

  async resume(): Promise<void> {
    const { signal } = this.scans
    await this.inTurn(async () => {
      this.forgetLostRoot()
      this.status.resume()
      if (this.config.path !== null) await this.startLocal(this.config.path, signal)
    })
    this.emitSoon()
  }

  // The ignore file changed, here or by a peer: the local side starts again
  // under the new rules, so that the watcher and a full scan take in what they
  // now leave in. Until then the folder is not in sync.
  private rulesChanged(): void {
    this.reloadsPending++
    this.reloadRules()
      .catch((err: unknown) => this.fail(err))
      .finally(() => this.reloadsPending--)
  }

  private async reloadRules(): Promise<void> {
    const { signal } = this.scans
    await this.inTurn(async () => {
      const root = this.config.path
      if (this.local === null || this.closing !== null || root === null) return
      // Rules that cannot be read keep the old ones running, and say why.
      const next = await IgnoreRules.load(root).catch((err: unknown) => (this.activity('error', IGNORE_PATH, toApiError(err).message), null))
      if (next === null || next.text === this.local?.rulesText) return
      await this.stopLocal()
      await this.startLocal(root, signal)
    })
  }

  // Pause, resume, close and a reload of the rules each stop or start the local side: one at a time.
  private inTurn(fn: () => Promise<void>): Promise<void> {
    const turn = this.turns.then(fn)
    this.turns = turn.catch(() => undefined)
    return turn
  }

  private schedulePull(writer: string): void {
    if (writer === this.drives.ownKey || this.dirtyWriters.has(writer)) return
    this.dirtyWriters.add(writer)
    void this.queue.push(async () => {
      this.dirtyWriters.delete(writer)
      await this.pullOrRetry(writer)
    })
  }

  // A failed pull is reported and tried again later; the first one to succeed
  // after it clears the error it left.
  private async pullOrRetry(writer: string): Promise<void> {
    try {
      await this.pull(writer)
    } catch (err) {
      if (err instanceof PullStopped || err instanceof RootMissing) return
      this.retry.failed(writer)
      this.status.fail('pull', toApiError(err).message)
      return
    }
    this.retry.succeeded(writer)
    if (!this.retry.failing) this.status.solved('pull')
  }

  // The root is checked before the walk, each deletion as it is published
  // (see LocalSide), and again after: a root gone mid-walk has its deletions
  // refused and stops the local side. What a scan finds on disk is there, so
  // files it publishes before a root goes are real ones.
  private async rescan(): Promise<void> {
    const local = this.local
    if (local === null) return
    let changes = 0
    try {
      const held = await this.guarded(async () => {
        this.status.working('scanning')
        changes = await local.rescan()
      })
      if (!held) return
    } catch (err) {
      if (err instanceof ScanStopped) return // paused or closing: whoever stopped it sets the state
      throw err
    }
    if (this.config.mode === 'receive-only') this.localChanges = changes
    this.status.working('idle')
  }

  private async publishPaths(paths: string[]): Promise<void> {
    const local = this.local
    if (local !== null) await this.guarded(() => local.publishPaths(paths))
    this.emitSoon()
  }

  // Local work runs only on the root the local side started on, checked
  // before and after it. Whatever fails once the root is gone is the root's
  // doing: the guard has stopped the local side (rootLost), and the work just ends.
  private async guarded(work: () => Promise<void>): Promise<boolean> {
    const guard = this.guard
    if (guard === null || (await guard.check()) !== null) return false
    try {
      await work()
    } catch (err) {
      if ((await guard.check()) === null) throw err
      return false
    }
    return (await guard.check()) === null
  }

  // The root is gone, emptied or swapped: the local side stops (no watcher,
  // no publishing, no applying) and the root is looked for every few seconds.
  private rootLost(message: string): void {
    if (this.status.has('root') || this.closing !== null) return
    this.status.fail('root', message)
    this.inTurn(() => this.stopLocal()).then(
      () => this.recheckRootSoon(),
      (err: unknown) => this.fail(err)
    )
  }

  private recheckRootSoon(): void {
    if (!this.status.has('root') || this.closing !== null || this.rootTimer !== null) return
    this.rootTimer = setTimeout(() => {
      this.rootTimer = null
      this.inTurn(() => this.recoverRoot())
        .catch((err: unknown) => this.fail(err))
        .finally(() => this.recheckRootSoon())
    }, ROOT_RECHECK_MS)
  }

  // Back with its marker, the root gets a new guard and the local side starts
  // again; its full scan publishes what really changed meanwhile.
  private async recoverRoot(): Promise<void> {
    const root = this.config.path
    if (!this.status.has('root') || this.closing !== null || root === null) return
    if (typeof (await RootGuard.take(root, this.config.id)) === 'string') return
    this.forgetLostRoot()
    this.status.resume() // what else went wrong while the root was away is found again by the start
    await this.startLocal(root)
  }

  private forgetLostRoot(): void {
    this.status.solved('root')
    if (this.rootTimer !== null) clearTimeout(this.rootTimer)
    this.rootTimer = null
  }

  private async pull(writer: string): Promise<void> {
    const drive = this.drives.get(writer)
    const local = this.local
    if (drive === undefined || local === null || this.config.mode === 'send-only') return
    const from = await this.index.watermark(writer)
    const to = drive.version
    this.pulledTo.set(writer, from)
    if (to <= from) return
    const ctx = {
      ...{ applier: local.applier, publisher: local.publisher, index: this.index },
      keeps: (p: string) => this.keeps(p),
      activity: (kind: FolderActivity['kind'], p: string, message: string) => this.activity(kind, p, message),
      onprogress: (progress: Progress | null) => {
        this.progress = progress
        this.emitSoon()
      }
    }
    let unapplied: UnappliedPath[] = []
    const held = await this.guarded(async () => {
      this.status.working('syncing')
      ;({ unapplied } = await pullWriter(ctx, writer, drive, from, to))
    })
    if (!held) return
    this.pulledTo.set(writer, to)
    this.noteUnapplied(writer, unapplied)
    this.status.working('idle')
  }

  // Each path is reported once, when it first turns up; the writer is pulled again
  // later (its watermark stays before them), slower each time, in case the
  // data was only out of reach or the disk changes.
  private noteUnapplied(writer: string, unapplied: UnappliedPath[]): void {
    for (const u of this.status.setUnapplied(writer, unapplied)) this.activity('error', u.path, u.reason)
    if (unapplied.length === 0) this.retryUnapplied.succeeded(writer)
    else this.retryUnapplied.failed(writer)
  }

  private progressSnapshot(): FolderProgress | null {
    return this.progress?.snapshot() ?? null
  }

  // Rules that cannot be read hold local changes back and show as an error until they can.
  private rulesHeld(problem: string | null): void {
    if (problem !== null) this.status.fail('rules', problem)
    else this.status.solved('rules')
  }

  private fail(err: unknown): void {
    this.status.fail('other', toApiError(err).message)
  }

  private activity(kind: FolderActivity['kind'], p: string, message: string): void {
    if (kind === 'refused' || kind === 'error') this.status.report(message)
    if (p === IGNORE_PATH && (kind === 'synced' || kind === 'deleted')) this.rulesChanged() // a peer's new rules
    this.opts.onactivity({ folder: this.config.id, kind, path: p, message, time: new Date().toISOString() })
  }

  private emitSoon(): void {
    if (this.emitTimer !== null || this.closing !== null) return
    this.emitTimer = setTimeout(() => {
      this.emitTimer = null
      this.opts.onchange(this)
    }, EMIT_MS)
  }
}

// A synced folder keeps every version of every writer, so it can relay them
// to a third device and restore any of them offline.
// A drive that has no file yet has no blobs core either: follow it once it appears.
function followAll(drive: Hyperdrive): void {
  drive.core.download({ start: 0, end: -1 })
  drive.getBlobs().then(
    (blobs) => blobs?.core?.download({ start: 0, end: -1 }), // none when the drive closed first
    () => undefined // closed before its blobs appeared: nothing left to follow
  )
}
