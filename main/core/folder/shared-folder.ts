// One shared folder on this device: its drives, its record of the disk, and
// the work that keeps the two in step (a full scan at start and every few
// minutes, the watcher's batches, and a pull whenever a writer's drive grows).
import ReadyResource from 'ready-resource'
import fs from 'fs/promises'
import path from 'path'
import type Corestore from 'corestore'
import type Hyperdrive from 'hyperdrive'
import type { Folder, FolderActivity, FolderProgress } from '../../../contract/types'
import { HyperfoldError, toApiError } from '../../../contract/errors'
import { Applier, type Applied } from './applier'
import { parseEntryMeta } from './entry-meta'
import type { FolderConfig } from './folder-config'
import { FolderDrives, keyOf } from './folder-drives'
import { FolderFs } from './folder-fs'
import { FOLDER_MARKER, parseFolderPath } from './folder-path'
import { FolderWatcher } from './folder-watcher'
import { IgnoreRules } from './ignore-rules'
import { LocalIndex } from './local-index'
import { Progress } from './progress'
import { Publisher } from './publisher'
import { type ScanEntry, scanFolder, scanPath } from './scanner'
import { TaskQueue } from './task-queue'

const RESCAN_MS = 5 * 60_000
const EMIT_MS = 100

export interface SharedFolderOptions {
  config: FolderConfig
  store: Corestore
  deviceId: string
  onchange(folder: SharedFolder): void
  onactivity(activity: FolderActivity): void
  onwriter(writer: string): void
}

export class SharedFolder extends ReadyResource {
  config: FolderConfig
  readonly drives: FolderDrives
  private readonly opts: SharedFolderOptions
  private readonly index: LocalIndex
  private readonly queue = new TaskQueue((err) => this.fail(err))
  private readonly dirtyWriters = new Set<string>()
  private local: { fs: FolderFs; rules: IgnoreRules; publisher: Publisher; applier: Applier } | null = null
  private watcher: FolderWatcher | null = null
  private rescanTimer: NodeJS.Timeout | null = null
  private emitTimer: NodeJS.Timeout | null = null
  private state: Folder['state'] = 'idle'
  private progress: Progress | null = null
  private lastError: string | null = null
  private localChanges = 0
  private readonly pulledTo = new Map<string, number>()

  constructor(opts: SharedFolderOptions) {
    super()
    this.opts = opts
    this.config = opts.config
    this.drives = new FolderDrives(opts.store, opts.config.id, (drive) => this.schedulePull(keyOf(drive)))
    this.index = new LocalIndex(opts.store, opts.config.id)
  }

  protected override async _open(): Promise<void> {
    await this.drives.ready()
    await this.index.ready()
    for (const writer of this.config.writers) await this.addWriter(writer)
    if (this.config.path !== null && !this.config.paused) await this.startLocal(this.config.path)
    if (this.config.paused) this.state = 'paused'
  }

  protected override async _close(): Promise<void> {
    await this.stopLocal()
    if (this.emitTimer !== null) clearTimeout(this.emitTimer)
    await this.queue.idle()
    await this.index.close()
    await this.drives.close()
  }

  get ownWriter(): string {
    return this.drives.ownKey
  }

  info(): Omit<Folder, 'sharedBy'> {
    const totals = this.index.totals
    const { id, name, topic, path, mode } = this.config
    return {
      ...{ id, name, topic, path, mode, state: this.state, progress: this.progressSnapshot() },
      ...{ files: totals.files, bytes: totals.bytes, conflicts: totals.conflicts },
      ...{ writers: this.drives.writers().length, localChanges: this.localChanges, lastError: this.lastError }
    }
  }

  // Resolves once everything known now has been scanned and pulled.
  async settled(): Promise<void> {
    await this.queue.idle()
  }

  // In sync as far as this device knows: nothing queued, every writer's drive merged to its end.
  isSynced(): boolean {
    if (this.local === null || this.state !== 'idle' || this.dirtyWriters.size > 0) return false
    if (this.config.mode === 'send-only') return true // it never takes what others write
    return this.drives.writers().every((w) => w === this.drives.ownKey || (this.pulledTo.get(w) ?? -1) >= this.drives.get(w)!.version)
  }

  // Writes an old version back to the disk and publishes it as the newest one.
  async restore(p: string, drive: Hyperdrive, seq: number, executable: boolean): Promise<void> {
    const local = this.local
    if (local === null) throw new HyperfoldError('FOLDER_NOT_LOCAL', `${this.config.name} is not synced to a folder on this device.`)
    if (this.config.mode === 'receive-only') {
      throw new HyperfoldError('BAD_INPUT', `${this.config.name} is receive-only: it cannot publish a restored version.`)
    }
    await this.queue.run(async () => {
      await local.fs.writeFile(p, drive.checkout(seq + 1).createReadStream(p), { mtimeMs: Date.now(), executable })
      await local.publisher.publish(p, await scanPath(local.fs.root, p).then((item) => (item?.type === 'error' ? null : item)))
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

  private async startLocal(root: string): Promise<void> {
    const marker = await fs.stat(path.join(root, FOLDER_MARKER)).catch(() => null)
    if (marker === null || !marker.isDirectory()) {
      this.setError(`${root} is missing or not mounted (no ${FOLDER_MARKER} marker in it); it stays untouched until it is back.`)
      return
    }
    const folderFs = new FolderFs(root)
    const rules = await IgnoreRules.load(root)
    await folderFs.cleanTempFiles()
    const ctx = { deviceId: this.opts.deviceId, fs: folderFs, drives: this.drives, index: this.index }
    const publisher = new Publisher(ctx)
    const applier = new Applier({ ...ctx, publisher, receiveOnly: this.config.mode === 'receive-only' })
    this.local = { fs: folderFs, rules, publisher, applier }
    this.watcher = new FolderWatcher(root, rules, (paths) => void this.queue.push(() => this.publishPaths(paths)), (err) => this.fail(err))
    this.rescanTimer = setInterval(() => void this.queue.push(() => this.rescan()), RESCAN_MS)
    await this.queue.push(() => this.rescan())
    for (const writer of this.drives.writers()) this.schedulePull(writer)
  }

  private async stopLocal(): Promise<void> {
    if (this.rescanTimer !== null) clearInterval(this.rescanTimer)
    this.rescanTimer = null
    await this.watcher?.close()
    this.watcher = null
    this.local = null
  }

  async pause(): Promise<void> {
    await this.stopLocal()
    await this.queue.idle()
    this.state = 'paused'
    this.emitSoon()
  }

  async resume(): Promise<void> {
    if (this.state === 'paused') this.state = 'idle'
    this.lastError = null
    if (this.config.path !== null) await this.startLocal(this.config.path)
    this.emitSoon()
  }

  private schedulePull(writer: string): void {
    if (writer === this.drives.ownKey || this.dirtyWriters.has(writer)) return
    this.dirtyWriters.add(writer)
    void this.queue.push(async () => {
      this.dirtyWriters.delete(writer)
      await this.pull(writer)
    })
  }

  private async rescan(): Promise<void> {
    const local = this.local
    if (local === null) return
    this.setState('scanning')
    const seen = new Set<string>()
    const unreadable: string[] = []
    let changes = 0
    for await (const item of scanFolder(local.fs.root, local.rules)) {
      seen.add(item.path)
      if (item.type === 'error') unreadable.push(item.path)
      else changes += await this.publishOne(item.path, item)
    }
    for await (const [p, record] of this.index.records()) {
      if (record.kind === 'deleted' || seen.has(p) || unreadable.some((u) => p === u || p.startsWith(u + '/'))) continue
      changes += await this.publishOne(p, null)
    }
    if (this.config.mode === 'receive-only') this.localChanges = changes
    this.setState('idle')
  }

  private async publishPaths(paths: string[]): Promise<void> {
    const local = this.local
    if (local === null) return
    for (const p of paths) {
      const item = await scanPath(local.fs.root, p).catch(() => null)
      if (item?.type !== 'error') await this.publishOne(p, item)
    }
    this.emitSoon()
  }

  // Returns 1 when the path holds a local change (published, or kept back in receive-only mode).
  private async publishOne(p: string, disk: ScanEntry | null): Promise<number> {
    if (this.local === null) return 0
    if (this.config.mode === 'receive-only') return (await this.local.publisher.pending(p, disk)) === null ? 0 : 1
    try {
      return (await this.local.publisher.publish(p, disk)) === null ? 0 : 1
    } catch (err) {
      this.activity('error', p, toApiError(err).message)
      return 0
    }
  }

  private async pull(writer: string): Promise<void> {
    const drive = this.drives.get(writer)
    const local = this.local
    if (drive === undefined || local === null || this.config.mode === 'send-only') return
    const from = await this.index.watermark(writer)
    const to = drive.version
    this.pulledTo.set(writer, from)
    if (to <= from) return
    const paths = await changedPaths(drive, from)
    this.progress = new Progress(paths.length, paths.reduce((sum, c) => sum + c.size, 0))
    this.setState('syncing')
    for (const change of paths) await this.applyOne(local.applier, change.path)
    await this.index.setWatermark(writer, to)
    this.pulledTo.set(writer, to)
    this.progress = null
    this.setState('idle')
  }

  private async applyOne(applier: Applier, raw: string): Promise<void> {
    let p: string
    try {
      p = parseFolderPath(raw)
    } catch (err) {
      this.activity('refused', raw.slice(0, 200), toApiError(err).message)
      this.progress?.add(0)
      return
    }
    let results: Applied[] = []
    try {
      results = await applier.apply(p)
    } catch (err) {
      if (err instanceof HyperfoldError && err.code === 'DISK_FULL') throw err
      this.activity('error', p, toApiError(err).message)
    }
    let bytes = 0
    for (const r of results) {
      if (r.kind === 'file') bytes += r.bytes
      if (r.kind === 'file' || r.kind === 'deleted') this.activity(r.kind === 'file' ? 'synced' : 'deleted', p, '')
      if (r.kind === 'conflict') this.activity('conflict', r.copy, `conflicting edit of ${p} kept as ${r.copy}`)
    }
    this.progress?.add(bytes)
    this.emitSoon()
  }

  private progressSnapshot(): FolderProgress | null {
    return this.progress?.snapshot() ?? null
  }

  private setState(state: Folder['state']): void {
    if (this.state === 'paused' || this.state === 'error') return
    this.state = state
    this.emitSoon()
  }

  private setError(message: string): void {
    this.state = 'error'
    this.lastError = message
    this.emitSoon()
  }

  private fail(err: unknown): void {
    this.setError(toApiError(err).message)
  }

  private activity(kind: FolderActivity['kind'], p: string, message: string): void {
    if (kind === 'refused' || kind === 'error') this.lastError = message
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

interface Change {
  path: string
  size: number
}

async function changedPaths(drive: Hyperdrive, from: number): Promise<Change[]> {
  const changes: Change[] = []
  for await (const { left, right } of drive.diff(from, '/')) {
    const node = left ?? right
    if (node === null) continue
    const meta = left === null ? null : parseEntryMeta(left.value.metadata)
    changes.push({ path: node.key, size: meta?.kind === 'file' ? meta.size : 0 })
  }
  // Files before the directories that hold them, so a deleted tree empties before its directories go.
  return changes.sort((a, b) => (a.path < b.path ? 1 : a.path > b.path ? -1 : 0))
}

// A synced folder keeps every version of every writer, so it can relay them
// to a third device and restore any of them offline.
// A drive that has no file yet has no blobs core either: follow it once it appears.
function followAll(drive: Hyperdrive): void {
  drive.core.download({ start: 0, end: -1 })
  drive.getBlobs().then(
    (blobs) => blobs.core.download({ start: 0, end: -1 }),
    () => undefined // closed before its blobs appeared: nothing left to follow
  )
}
