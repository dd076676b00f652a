// The shared folders of this node: the ones synced or shared here, the ones
// peers offer on our topics, and the commands on both.
import fs from 'fs/promises'
import { Readable } from 'stream'
import path from 'path'
import { randomBytes } from 'crypto'
import z32 from 'z32'
import type Corestore from 'corestore'
import type RocksDB from 'rocksdb-native'
import type { FileEntry, FileVersion, Folder, FolderActivity, FolderHistory, FolderMode } from '../../contract/types'
import type { Conflict, ConflictKeep, ConflictResolved } from '../../contract/conflicts'
import { HyperfoldError, errors, systemError } from '../../contract/errors'
import { showInput } from '../../contract/text'
import type { ByteRange } from '../../contract/ranges'
import { writeFileAtomic } from './atomic-file'
import type { Catalog } from './catalog'
import type { ChunkRef, ChunkSource } from './folder/chunk-ref'
import { listDirectory } from './folder/folder-browser'
import type { FolderConfig } from './folder/folder-config'
import { listVersions, publicVersion } from './folder/folder-history'
import { FolderOffers } from './folder/folder-offers'
import { LocalIndex, openIndexDb } from './folder/local-index'
import { FOLDER_MARKER, parseFolderPath } from './folder/folder-path'
import { checkFileTarget, checkFolderRoot, markFolderRoot, unmarkFolderRoot } from './folder/folder-root'
import { resolve } from './folder/merge'
import { DEFAULT_HISTORY } from './folder/retention'
import { EVERYTHING, onlyThese } from './folder/selection'
import { SharedFolder } from './folder/shared-folder'
import type { NodeState } from './node-state'

export interface OpenedFile {
  name: string
  size: number
  read(range?: ByteRange, signal?: AbortSignal): AsyncIterable<Uint8Array>
}

export interface FoldersOptions {
  store: Corestore
  deviceId: string
  dataDir: string
  state: NodeState
  resolveTopic(ref: string): string
  broadcast(topicId: string): void
  // The connected peers proven members of a topic, to ask for chunks.
  chunkSources(topicId: string): ChunkSource[]
  // Whether peers of the topic may be online that this device has not heard
  // from yet (still looking for them, or waiting for what they hold).
  peersPending(topicId: string): boolean
  onfolder(folder: Folder): void
  onactivity(activity: FolderActivity): void
}

export class Folders {
  private readonly opts: FoldersOptions
  private readonly open = new Map<string, SharedFolder>()
  private readonly offers = new FolderOffers()
  // Every folder's local index, in one database: one set of memtables and caches for the node, not one per folder.
  private indexDb: RocksDB | null = null

  constructor(opts: FoldersOptions) {
    this.opts = opts
  }

  // A folder that cannot start stays listed with its error (its state says
  // why); the node and the other folders run, and resume tries it again.
  async ready(): Promise<void> {
    this.indexDb = await openIndexDb(path.join(this.opts.dataDir, 'index'))
    for (const config of this.opts.state.folders) await this.start(config).catch(() => undefined)
  }

  async close(): Promise<void> {
    for (const folder of [...this.open.values()].reverse()) await folder.close()
    this.open.clear()
    await this.indexDb?.close() // after the folders that write to it
    this.indexDb = null
  }

  catalogFor(topicId: string): Catalog {
    const folders = this.onTopic(topicId)
      .filter((f) => f.config.path !== null)
      .map((f) => ({ id: f.config.id, name: f.config.name, ...f.held(), ...pick(f.info()) }))
    return { folders }
  }

  async onCatalog(topicId: string, peer: string, peerName: string, catalog: Catalog): Promise<void> {
    this.offers.set(topicId, peer, peerName, catalog.folders)
    for (const folder of this.onTopic(topicId)) {
      const entry = catalog.folders.find((e) => e.id === folder.config.id)
      for (const writer of entry?.writers ?? []) await folder.addWriter(writer)
      folder.setClaims(peer, entry?.writers ?? [], entry?.lengths)
    }
    for (const entry of catalog.folders) if (!this.open.has(entry.id)) this.opts.onfolder(this.describeOffer(entry.id))
  }

  // A member of topic X reads only folders of topic X: any other id is "missing", never an error that says it exists.
  async serveChunk(topicId: string, folderId: string, ref: ChunkRef): Promise<Buffer | null> {
    const folder = this.open.get(folderId)
    if (folder === undefined || folder.config.topic !== topicId) return null
    return folder.serveChunk(ref)
  }

  dropPeer(topicId: string, peer: string): void {
    this.offers.drop(topicId, peer)
    for (const folder of this.onTopic(topicId)) folder.dropClaims(peer)
  }

  private onTopic(topicId: string): SharedFolder[] {
    return [...this.open.values()].filter((f) => f.config.topic === topicId)
  }

  list(topicRef?: string): Folder[] {
    const topic = topicRef === undefined ? undefined : this.opts.resolveTopic(topicRef)
    const local = [...this.open.values()].filter((f) => f.config.path !== null).map((f) => this.describe(f))
    const offered = [...new Set(this.offers.all().map((o) => o.entry.id))]
      .filter((id) => this.open.get(id)?.config.path == null)
      .map((id) => this.describeOffer(id))
    return [...local, ...offered].filter((f) => topic === undefined || f.topic === topic)
  }

  async share(input: { path: string; topic: string; name?: string; mode?: FolderMode }): Promise<Folder> {
    const topic = this.opts.resolveTopic(input.topic)
    const root = await checkFolderRoot(input.path, { create: false, dataDir: this.opts.dataDir, others: this.localPaths() })
    const name = input.name ?? path.basename(root)
    this.checkName(name)
    const id = z32.encode(randomBytes(16))
    const config = { id, name, topic, path: root, mode: input.mode ?? 'send-receive', paused: false }
    return this.attach({ ...config, writers: [], history: { ...DEFAULT_HISTORY }, selection: { ...EVERYTHING } })
  }

  async sync(input: { folder: string; path: string; mode?: FolderMode; only?: string[] | undefined }): Promise<Folder> {
    const selection = input.only === undefined ? { ...EVERYTHING } : onlyThese(input.only.map((p) => parseFolderPath(p)))
    const offer = this.findOffer(input.folder)
    const existing = this.open.get(offer.id)
    if (existing?.config.path != null) throw invalidInput(`${showInput(existing.config.name)} already syncs to ${existing.config.path}.`)
    const root = await checkFolderRoot(input.path, { create: true, dataDir: this.opts.dataDir, others: this.localPaths() })
    await existing?.close()
    this.open.delete(offer.id)
    const config = { id: offer.id, name: offer.name, topic: offer.topic, path: root, mode: input.mode ?? 'send-receive', paused: false }
    return this.attach({ ...config, writers: offer.writers, history: { ...DEFAULT_HISTORY }, selection })
  }

  info(ref: string): Folder {
    const folder = this.findLocal(ref, false)
    return folder === null ? this.describeOffer(this.findOffer(ref).id) : this.describe(folder)
  }

  async waitSynced(ref: string, timeoutMs: number): Promise<Folder> {
    const folder = this.findLocal(ref)
    const deadline = Date.now() + timeoutMs
    while (!folder.isSynced() || this.opts.peersPending(folder.config.topic)) {
      const left = deadline - Date.now()
      if (left <= 0) throw new HyperfoldError('TIMEOUT', `${folder.config.name} is not in sync after ${timeoutMs / 1000} s.`)
      // The queue may hold a pull of gigabytes, or one stuck on a peer that left: the deadline does not wait for it.
      await settledWithin(folder.settled(), left)
      await new Promise((resolve) => setTimeout(resolve, 50))
    }
    return this.describe(folder)
  }

  async ls(ref: string, dir: string): Promise<FileEntry[]> {
    const folder = await this.browse(ref)
    return listDirectory(folder.drives, dir === '/' ? '/' : parseFolderPath(dir), (p, winner) => folder.holdsLocally(p, winner))
  }

  // The newest version of one file, also of a peer's folder not synced here:
  // read() gives its bytes, whole or one range, fetched on demand (only the
  // chunks the range covers); aborting the signal stops the fetch.
  async openFile(ref: string, file: string): Promise<OpenedFile> {
    const folder = await this.browse(ref)
    const p = parseFolderPath(file)
    const winner = resolve(await folder.drives.candidates(p))?.winner
    if (winner === undefined || winner.meta.kind !== 'file') throw new HyperfoldError('FILE_NOT_FOUND', `No file ${p} in ${folder.config.name}.`)
    const { content } = folder
    const read = async function* (range?: ByteRange, signal?: AbortSignal): AsyncGenerator<Uint8Array> {
      if (range === undefined) yield* asIterable(await content.bytes(winner, p, signal))
      else yield* content.stream(winner, p, { ...range, signal })
    }
    return { name: path.posix.basename(p), size: winner.meta.size, read }
  }

  async get(ref: string, file: string, to: string): Promise<{ path: string; bytes: number }> {
    const target = await checkFileTarget(to, this.opts.dataDir)
    const { size, read } = await this.openFile(ref, file)
    await writeFileAtomic(target, Readable.from(read()), 0o644).catch((err: unknown) => {
      throw systemError(err, target) ?? err // named by the target, not by its temp file
    })
    return { path: target, bytes: size }
  }

  async history(ref: string, file: string): Promise<FileVersion[]> {
    return (await listVersions((await this.browse(ref)).drives, parseFolderPath(file))).map(publicVersion)
  }

  async restore(ref: string, file: string, version: number): Promise<Folder> {
    const folder = this.findLocal(ref)
    const p = parseFolderPath(file)
    const found = (await listVersions(folder.drives, p)).find((v) => v.version === version)
    if (found === undefined) throw new HyperfoldError('VERSION_NOT_FOUND', `${p} has no version ${version} (see its history).`)
    if (found.deleted) throw invalidInput(`Version ${version} of ${p} is a deletion; pick a version with content.`)
    const entry = await found.drive.checkout(found.seq + 1).entry(p)
    await folder.restore(p, found.drive, found.seq, entry?.value.executable ?? false).catch((err: unknown) => {
      if (!(err instanceof HyperfoldError) || err.code !== 'BYTES_UNAVAILABLE') throw err
      throw new HyperfoldError('BYTES_UNAVAILABLE', `Version ${version} of ${p} cannot be restored now: no peer online holds all of its bytes, and this device does not.`)
    })
    return this.describe(folder)
  }

  async conflicts(ref: string): Promise<Conflict[]> {
    return this.findSynced(ref).conflicts((id) => this.deviceName(id))
  }

  async resolveConflict(ref: string, copy: string, keep: ConflictKeep): Promise<ConflictResolved> {
    const folder = this.findSynced(ref)
    const kept = await folder.resolveConflict(copy, keep, (id) => this.deviceName(id))
    return { kept, conflicts: folder.info().conflicts }
  }

  // A folder only offered by peers has no disk here to settle anything on.
  private findSynced(ref: string): SharedFolder {
    const folder = this.findLocal(ref, false)
    if (folder !== null) return folder
    const offer = this.findOffer(ref)
    throw new HyperfoldError('FOLDER_NOT_LOCAL', `${showInput(offer.name)} is not synced to a folder on this device.`)
  }

  private deviceName(id: string): string {
    if (id === this.opts.deviceId) return this.opts.state.deviceName
    return this.offers.all().find((o) => o.peer === id)?.peerName ?? id.slice(0, 8)
  }

  async pause(ref: string): Promise<Folder> {
    const folder = this.findLocal(ref)
    if (!failed(folder)) await folder.pause()
    await this.saveConfig({ ...folder.config, paused: true }, folder)
    return this.describe(folder)
  }

  async resume(ref: string): Promise<Folder> {
    const folder = this.findLocal(ref)
    await this.saveConfig({ ...folder.config, paused: false }, folder)
    if (!failed(folder)) await folder.resume()
    else await this.start(folder.config) // one that failed to start starts afresh; failing again, it says why
    return this.describe(this.open.get(folder.config.id)!)
  }

  // Answers once the scan is done, with what it found counted in.
  async rescan(ref: string): Promise<Folder> {
    const folder = this.findLocal(ref)
    if (folder.config.paused) throw new HyperfoldError('FOLDER_NOT_LOCAL', `${folder.config.name} is paused: resume it to scan it.`)
    await folder.scan()
    return this.describe(folder)
  }

  // Only the keys given change; the folder hears of it at once, and the state file keeps it across restarts.
  async setHistory(ref: string, change: Partial<FolderHistory>): Promise<Folder> {
    const folder = this.findLocal(ref)
    const history = { ...folder.config.history, ...definedOnly(change) }
    folder.setHistory(history)
    await this.saveConfig({ ...folder.config, history }, folder)
    const described = this.describe(folder)
    this.opts.onfolder(described)
    return described
  }

  // Selective sync: keeps a file or subfolder on this device from now on (it is fetched now).
  async keep(ref: string, file: string): Promise<Folder> {
    const folder = this.findLocal(ref)
    const p = parseFolderPath(file)
    await folder.keep(p)
    return this.savedSelection(folder)
  }

  // Removes a file or subfolder from this device once another online device
  // holds it (LAST_COPY otherwise); never a deletion, on this device or any other.
  async free(ref: string, file: string): Promise<Folder> {
    const folder = this.findLocal(ref)
    const p = parseFolderPath(file)
    await folder.free(p, (config) => this.saveConfig(config, folder))
    const described = this.describe(folder)
    this.opts.onfolder(described)
    return described
  }

  private async savedSelection(folder: SharedFolder): Promise<Folder> {
    await this.saveConfig({ ...folder.config }, folder)
    const described = this.describe(folder)
    this.opts.onfolder(described)
    return described
  }

  // Stops syncing; the files on disk stay, and so does the history in the store.
  // What this device knew of the folder's disk goes: synced again, it starts afresh.
  async remove(ref: string): Promise<Folder> {
    const folder = this.findLocal(ref)
    const described = this.describe(folder)
    await folder.close()
    this.open.delete(folder.config.id)
    await LocalIndex.forget(this.index(), folder.config.id)
    await this.opts.state.update((s) => ({ ...s, folders: s.folders.filter((f) => f.id !== folder.config.id) }))
    if (folder.config.path !== null) await unmarkFolderRoot(folder.config.path)
    this.opts.broadcast(folder.config.topic)
    return { ...described, state: 'available', path: null }
  }

  // All or nothing: a share or sync that fails part-way leaves no open
  // folder, no config entry and no marker of its own behind, so that the same
  // path can be shared again.
  private async attach(config: FolderConfig): Promise<Folder> {
    const markedBefore = config.path !== null && (await hasMarker(config.path))
    try {
      if (config.path !== null) await markFolderRoot(config.path, config.id)
      const folder = await this.start(config)
      await this.saveConfig({ ...folder.config, writers: folder.drives.writers() }, folder)
      this.opts.broadcast(config.topic)
      return this.describe(folder)
    } catch (err) {
      await this.detach(config, markedBefore)
      throw err
    }
  }

  // Undoes what attach did; each step is tried even if one before it fails.
  private async detach(config: FolderConfig, keepMarker: boolean): Promise<void> {
    const folder = this.open.get(config.id)
    this.open.delete(config.id)
    await folder?.close().catch(() => undefined)
    await LocalIndex.forget(this.index(), config.id).catch(() => undefined)
    if (this.opts.state.folders.some((f) => f.id === config.id)) {
      // The state in memory drops it at once; the file may not take the write, and then still holds the state before.
      await this.opts.state.update((s) => ({ ...s, folders: s.folders.filter((f) => f.id !== config.id) })).catch(() => undefined)
    }
    if (config.path !== null && !keepMarker) await unmarkFolderRoot(config.path).catch(() => undefined)
  }

  private async start(config: FolderConfig): Promise<SharedFolder> {
    const folder: SharedFolder = new SharedFolder({
      config,
      store: this.opts.store,
      indexDb: this.index(),
      chunkDir: path.join(this.opts.dataDir, 'chunks', config.id),
      chunkSources: () => this.opts.chunkSources(config.topic),
      deviceId: this.opts.deviceId,
      onchange: (f) => this.opts.onfolder(this.describe(f)),
      onactivity: (a) => this.opts.onactivity(a),
      onwriter: () => void this.saveConfig({ ...folder.config, writers: folder.drives.writers() }, folder).catch(() => undefined)
    })
    this.open.set(config.id, folder)
    await folder.ready()
    return folder
  }

  private index(): RocksDB {
    if (this.indexDb === null) throw errors.nodeClosed()
    return this.indexDb
  }

  // A folder only offered by peers gets drives here (no local side) so it can be browsed.
  private async browse(ref: string): Promise<SharedFolder> {
    const found = this.findLocal(ref, false) ?? this.open.get(this.findOffer(ref).id)
    if (found?.config.path != null) return found
    const offer = this.findOffer(ref)
    const folder = found ?? (await this.start({ ...offer, path: null, mode: 'send-receive', paused: false, history: { ...DEFAULT_HISTORY }, selection: { ...EVERYTHING } }))
    for (const writer of offer.writers) await folder.addWriter(writer)
    await folder.drives.refresh()
    return folder
  }

  private async saveConfig(config: FolderConfig, folder: SharedFolder): Promise<void> {
    folder.config = config
    if (config.path === null) return
    await this.opts.state.update((s) => ({ ...s, folders: [...s.folders.filter((f) => f.id !== config.id), config] }))
    this.opts.broadcast(config.topic)
  }

  private describe(folder: SharedFolder): Folder {
    return { ...folder.info(), history: folder.config.history, sharedBy: this.offers.of(folder.config.id).map((o) => o.peerName) }
  }

  private describeOffer(id: string): Folder {
    const offers = this.offers.of(id)
    const first = offers[0]!
    const writers = new Set(offers.flatMap((o) => o.entry.writers))
    return {
      ...{ id, name: first.entry.name, topic: first.topic, path: null, mode: 'send-receive', history: { ...DEFAULT_HISTORY }, selection: { ...EVERYTHING } },
      ...{ state: 'available' as const, progress: null },
      // The fullest copy on offer: a peer still syncing it tells fewer files than the folder holds.
      ...{ files: Math.max(...offers.map((o) => o.entry.files)), bytes: Math.max(...offers.map((o) => o.entry.bytes)) },
      ...{ sharedBy: offers.map((o) => o.peerName), writers: writers.size },
      ...{ conflicts: 0, localChanges: 0, lastError: null, unapplied: [] }
    }
  }

  private findLocal(ref: string, required?: true): SharedFolder
  private findLocal(ref: string, required: false): SharedFolder | null
  private findLocal(ref: string, required = true): SharedFolder | null {
    const synced = [...this.open.values()].filter((f) => f.config.path !== null)
    const found = synced.find((f) => f.config.id === ref) ?? synced.find((f) => sameName(f.config.name, ref))
    if (found === undefined && required) throw notFound(ref)
    return found ?? null
  }

  private findOffer(ref: string): { id: string; name: string; topic: string; writers: string[] } {
    const offers = this.offers.all()
    const match = offers.find((o) => o.entry.id === ref) ?? offers.find((o) => sameName(o.entry.name, ref))
    if (match === undefined) throw notFound(ref)
    const writers = [...new Set(this.offers.of(match.entry.id).flatMap((o) => o.entry.writers))]
    return { id: match.entry.id, name: match.entry.name, topic: match.topic, writers }
  }

  private localPaths(): string[] {
    return [...this.open.values()].flatMap((f) => (f.config.path === null ? [] : [f.config.path]))
  }

  private checkName(name: string): void {
    if (name.trim() === '' || name.length > 255) throw invalidInput('A folder name must have 1 to 255 characters.')
    if (this.findLocal(name, false) !== null) throw new HyperfoldError('FOLDER_NAME_TAKEN', `A folder named "${showInput(name)}" is already shared here; give this one another name.`)
  }
}

// A folder whose start failed is closed and keeps the error it failed with.
function failed(folder: SharedFolder): boolean {
  return folder.closing !== null
}

async function hasMarker(root: string): Promise<boolean> {
  return (await fs.lstat(path.join(root, FOLDER_MARKER)).catch(() => null)) !== null
}

function asIterable(bytes: Uint8Array | AsyncIterable<Uint8Array>): AsyncIterable<Uint8Array> | Uint8Array[] {
  return bytes instanceof Uint8Array ? [bytes] : bytes
}

// Peers refuse a catalog with a negative count, and hang up: a count this
// device got wrong must cost it a wrong figure on their screens, never its peers.
function pick(info: { files: number; bytes: number }): { files: number; bytes: number } {
  return { files: Math.max(0, info.files), bytes: Math.max(0, info.bytes) }
}

function settledWithin(settled: Promise<void>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<void>((resolve) => (timer = setTimeout(resolve, ms)))
  return Promise.race([settled, timeout]).finally(() => clearTimeout(timer))
}

function definedOnly<T extends object>(change: T): Partial<T> {
  return Object.fromEntries(Object.entries(change).filter(([, value]) => value !== undefined)) as Partial<T>
}

function sameName(a: string, b: string): boolean {
  return a.toLocaleLowerCase() === b.toLocaleLowerCase()
}

function notFound(ref: string): HyperfoldError {
  return new HyperfoldError('FOLDER_NOT_FOUND', `No folder named or with id "${showInput(ref)}" here or offered by a peer (see the folder list).`)
}

function invalidInput(message: string): HyperfoldError {
  return errors.badInput(message)
}
