// Which desktop notifications the node's events earn. Four kinds, each of
// which the user can switch off in Settings: a conflict, an error the user
// must act on, a new peer on a topic, and a folder's first sync finished.
// Pure: it remembers what it has seen and answers what to show, nothing more.
import type { EventMessage, Folder, FolderActivity, Peer } from '../../contract'

export const NOTIFICATION_KINDS = ['conflict', 'error', 'newPeer', 'firstSync'] as const
export type NotificationKind = (typeof NOTIFICATION_KINDS)[number]
export type NotificationSwitches = Record<NotificationKind, boolean>

export const DEFAULT_NOTIFICATIONS: NotificationSwitches = { conflict: true, error: true, newPeer: true, firstSync: true }

export interface DesktopNotification {
  kind: NotificationKind
  title: string
  body: string
}

export class NotificationRules {
  // Peers already seen this run: a peer reconnecting is not news.
  private readonly knownPeers = new Set<string>()
  // Folders whose first sync was announced, or that were in sync when first seen.
  private readonly settled = new Set<string>()
  // The last error shown per folder, so a folder re-reporting the same error does not repeat it.
  private readonly shownErrors = new Map<string, string>()

  // The folders as they are at start: nothing that is already true earns a notification.
  seed(folders: readonly Folder[], peers: readonly Peer[]): void {
    for (const folder of folders) this.observeFolder(folder)
    for (const peer of peers) this.knownPeers.add(peer.deviceId)
  }

  next(message: EventMessage, switches: NotificationSwitches): DesktopNotification | null {
    const found = this.judge(message)
    return found !== null && switches[found.kind] ? found : null
  }

  private judge(message: EventMessage): DesktopNotification | null {
    switch (message.event) {
      case 'peer.joined':
        return this.peerJoined(message.payload as Peer)
      case 'folder.activity':
        return this.activity(message.payload as FolderActivity)
      case 'folder.updated':
        return this.folderUpdated(message.payload as Folder)
      default:
        return null
    }
  }

  private peerJoined(peer: Peer): DesktopNotification | null {
    if (this.knownPeers.has(peer.deviceId)) return null
    this.knownPeers.add(peer.deviceId)
    return { kind: 'newPeer', title: `${peer.name} joined`, body: `A new peer is online on ${peer.topics.length === 1 ? 'your topic' : 'your topics'}.` }
  }

  private activity(activity: FolderActivity): DesktopNotification | null {
    if (activity.kind !== 'conflict') return null
    return { kind: 'conflict', title: `Conflict in ${activity.folder}`, body: `${activity.path}: both versions are kept. ${activity.message}`.trim() }
  }

  private folderUpdated(folder: Folder): DesktopNotification | null {
    if (folder.path === null) return null
    if (folder.state === 'error') {
      const error = folder.lastError ?? 'stopped with an error'
      if (this.shownErrors.get(folder.id) === error) return null
      this.shownErrors.set(folder.id, error)
      return { kind: 'error', title: `${folder.name} stopped`, body: error }
    }
    this.shownErrors.delete(folder.id)
    if (folder.state === 'idle' && !this.settled.has(folder.id)) {
      this.settled.add(folder.id)
      return { kind: 'firstSync', title: `${folder.name} is in sync`, body: `${folder.files} files are on this device now.` }
    }
    return null
  }

  private observeFolder(folder: Folder): void {
    if (folder.path === null) return
    if (folder.state === 'idle' || folder.state === 'out-of-sync' || folder.state === 'paused') this.settled.add(folder.id)
    if (folder.state === 'error') this.shownErrors.set(folder.id, folder.lastError ?? 'stopped with an error')
  }
}
