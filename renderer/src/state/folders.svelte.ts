// The shared folders as the UI sees them: the ones synced here and the ones
// peers offer, loaded each time the connection opens, then kept live by
// folder.updated (state and progress, ~10 per second while syncing), never by
// polling. Commands on one folder hand back its new snapshot, applied at once.
import type { Conflict, ConflictKeep, ConflictResolved, FileEntry, FileVersion, Folder, FolderActivity, FolderHistory, FolderMode } from '../../../contract'
import { type ApiClient, messageOf } from '../api/client'
import { listOf, shortId } from '../lib/format'
import type { ActivityLog } from './activity.svelte'
import { activityLine, runsOf } from './folder-text'
import type { Phase } from './node.svelte'

export class FolderStore {
  readonly #client: ApiClient
  readonly #activity: ActivityLog
  #folders = $state.raw<Folder[]>([])
  #phase = $state<Phase>('loading')
  #loadError = $state<string | null>(null)
  // Snapshots that arrive while a list is loading are newer than it may be: they are applied over it.
  #arrivedDuringLoad: Map<string, Folder> | null = null

  constructor(client: ApiClient, activity: ActivityLog) {
    this.#client = client
    this.#activity = activity
  }

  get phase(): Phase {
    return this.#phase
  }
  get loadError(): string | null {
    return this.#loadError
  }

  on(topicId: string): Folder[] {
    return this.#folders.filter((f) => f.topic === topicId)
  }

  byId(folderId: string): Folder | undefined {
    return this.#folders.find((f) => f.id === folderId)
  }

  // Offers have no event of their own when they go away (a peer leaving, a topic left): the list is asked again.
  start(): () => void {
    const client = this.#client
    const reload = () => void this.load()
    const stops = [
      client.on('folder.updated', (folder) => this.#onfolder(folder)),
      client.on('folder.activity', (activity) => this.#onactivity(activity)),
      client.on('peer.left', reload),
      client.on('topic.joined', reload),
      client.on('topic.left', reload),
      client.onConnection((state) => state === 'open' && reload())
    ]
    return () => stops.forEach((stop) => stop())
  }

  async load(): Promise<void> {
    const arrived = new Map<string, Folder>()
    this.#arrivedDuringLoad = arrived
    try {
      const folders = await this.#client.call('folders', {})
      const byId = new Map(folders.map((f) => [f.id, f]))
      for (const [id, folder] of arrived) byId.set(id, folder)
      this.#folders = [...byId.values()].sort(byName)
      this.#phase = 'ready'
      this.#loadError = null
    } catch (err) {
      this.#loadError = messageOf(err)
      if (this.#phase === 'loading') this.#phase = 'error'
    } finally {
      if (this.#arrivedDuringLoad === arrived) this.#arrivedDuringLoad = null
    }
  }

  share(topicId: string, path: string, name: string | undefined, mode: FolderMode): Promise<Folder> {
    return this.#apply(this.#client.call('share', { topic: topicId, path, name, mode }))
  }

  sync(folderId: string, path: string, mode: FolderMode): Promise<Folder> {
    return this.#apply(this.#client.call('sync', { folder: folderId, path, mode }))
  }

  pause(folderId: string): Promise<Folder> {
    return this.#apply(this.#client.call('pause', { folder: folderId }))
  }

  resume(folderId: string): Promise<Folder> {
    return this.#apply(this.#client.call('resume', { folder: folderId }))
  }

  // Looks at the folder on disk now; answers once the scan is done.
  rescan(folderId: string): Promise<Folder> {
    return this.#apply(this.#client.call('rescan', { folder: folderId }))
  }

  setHistory(folderId: string, change: Partial<FolderHistory>): Promise<Folder> {
    return this.#apply(this.#client.call('folder.history-policy', { folder: folderId, ...change }))
  }

  // The files stay on disk. A folder peers still offer goes back to "available"; one only this device had is gone.
  async remove(folderId: string): Promise<Folder> {
    const folder = await this.#client.call('remove', { folder: folderId })
    if (folder.sharedBy.length > 0) this.#put(folder)
    else this.#folders = this.#folders.filter((f) => f.id !== folder.id)
    return folder
  }

  restore(folderId: string, path: string, version: number): Promise<Folder> {
    return this.#apply(this.#client.call('restore', { folder: folderId, path, version }))
  }

  // Selective sync: the path is fetched and kept here from now on, or its space freed (LAST_COPY while no online device holds it).
  keep(folderId: string, path: string): Promise<Folder> {
    return this.#apply(this.#client.call('keep', { folder: folderId, path }))
  }

  free(folderId: string, path: string): Promise<Folder> {
    return this.#apply(this.#client.call('free', { folder: folderId, path }))
  }

  ls(folderId: string, dir: string): Promise<FileEntry[]> {
    return this.#client.call('ls', { folder: folderId, path: dir })
  }

  history(folderId: string, path: string): Promise<FileVersion[]> {
    return this.#client.call('history', { folder: folderId, path })
  }

  saveCopy(folderId: string, path: string, to: string): Promise<{ path: string; bytes: number }> {
    return this.#client.call('get', { folder: folderId, path, to })
  }

  conflicts(folderId: string): Promise<Conflict[]> {
    return this.#client.call('folder.conflicts', { folder: folderId })
  }

  resolveConflict(folderId: string, copy: string, keep: ConflictKeep): Promise<ConflictResolved> {
    return this.#client.call('folder.resolve-conflict', { folder: folderId, copy, keep })
  }

  async #apply(call: Promise<Folder>): Promise<Folder> {
    const folder = await call
    this.#put(folder)
    return folder
  }

  // A command's result and the event it causes both land here; the feed tells a change once.
  #put(folder: Folder): Folder | undefined {
    const before = this.byId(folder.id)
    this.#arrivedDuringLoad?.set(folder.id, folder)
    this.#folders = [...this.#folders.filter((f) => f.id !== folder.id), folder].sort(byName)
    if (folder.state !== 'syncing') for (const run of runsOf(folder.id)) this.#activity.endRun(run)
    if (folder.state === 'error' && before !== undefined && before.state !== 'error') {
      this.#activity.add('error', `${folder.name} stopped syncing: ${folder.lastError ?? 'no reason given'}`)
    }
    return before
  }

  #onfolder(folder: Folder): void {
    const before = this.#put(folder)
    if (before === undefined && folder.path === null && this.#phase === 'ready') {
      this.#activity.add('folder', `${listOf(folder.sharedBy, 'A peer')} offers “${folder.name}”`)
    }
  }

  #onactivity(activity: FolderActivity): void {
    const name = this.byId(activity.folder)?.name ?? `folder ${shortId(activity.folder)}`
    const line = activityLine(activity, name)
    const at = new Date(activity.time)
    if (line.run === null) this.#activity.add(activity.kind, line.text(1), at)
    else this.#activity.addToRun(activity.kind, line.run, line.text, at)
  }
}

function byName(a: Folder, b: Folder): number {
  return a.name.localeCompare(b.name) || a.id.localeCompare(b.id)
}
