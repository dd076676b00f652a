// What the node reports, as every transport and the UI see it.

export type ConnectionType = 'direct' | 'holepunched' | 'relayed'
// Where a peer's file bytes travel: a direct TCP connection (the fast lane) or the Hyperswarm connection.
export type PeerLane = 'tcp' | 'swarm'

export interface Device {
  id: string
  name: string
}

export interface Topic {
  id: string
  label: string
  peers: number
  joinedAt: string
}

export interface JoinedTopic extends Topic {
  // Present only when the node generated the keyphrase, so it can be shown once and shared.
  keyphrase?: string
  warning?: string
}

export interface Peer {
  deviceId: string
  name: string
  topics: string[]
  address: string
  connection: ConnectionType
  lane: PeerLane
  rttMs: number
  bytesIn: number
  bytesOut: number
  since: string
}

export interface RefusedPeer {
  address: string
  deviceId: string
  reason: string
}

export interface NodeStatus {
  device: Device
  dataDir: string
  network: 'public' | 'local'
  bootstrap: string[]
  topics: number
  peers: number
  startedAt: string
  version: string
  fastLane: string[] // host:port where this device takes direct TCP connections from members; empty when off
}

export const FOLDER_MODES = ['send-receive', 'send-only', 'receive-only'] as const
export type FolderMode = (typeof FOLDER_MODES)[number]

// Which replaced versions of a folder's files this device keeps the bytes of:
// staggered thins them out with age, all keeps every one, off keeps none.
export const FOLDER_RETENTIONS = ['staggered', 'all', 'off'] as const
export type FolderRetention = (typeof FOLDER_RETENTIONS)[number]

// Which paths of a folder this device keeps on its disk (see selection in the
// core): everything, or only the paths listed; `except` are paths freed inside
// what is kept. The rest stays listed and is read on demand.
export interface FolderSelection {
  everything: boolean
  only: string[]
  except: string[]
}

export interface FolderHistory {
  retention: FolderRetention
  // This device keeps a copy of the versions it writes itself, so that it alone can restore them.
  own: boolean
}

// available: offered by a peer, not synced here. scanning/syncing: working.
// idle: in sync as far as this device knows. out-of-sync: idle, but some
// paths could not be applied (see unapplied). paused. error: see lastError.
export type FolderState = 'available' | 'scanning' | 'syncing' | 'idle' | 'out-of-sync' | 'paused' | 'error'

export interface FolderProgress {
  filesDone: number
  filesTotal: number
  bytesDone: number
  bytesTotal: number
  bytesPerSecond: number
}

export interface Folder {
  id: string
  name: string
  topic: string
  path: string | null
  mode: FolderMode
  history: FolderHistory
  selection: FolderSelection
  state: FolderState
  progress: FolderProgress | null
  files: number
  bytes: number
  // Device names of the peers that offer this folder on its topic.
  sharedBy: string[]
  writers: number
  conflicts: number
  // receive-only: local edits kept here and not published.
  localChanges: number
  lastError: string | null
  // Paths the merged state holds that this device could not apply, with why (at most 50): the folder is not in sync while any remain.
  unapplied: UnappliedPath[]
}

export interface UnappliedPath {
  path: string
  reason: string
}

export interface FileEntry {
  name: string
  path: string
  kind: 'file' | 'directory'
  size: number
  mtime: string
  device: string
  // The current version's bytes are on this device (a directory: it is here); false for what is read on demand.
  local: boolean
}

export interface FileVersion {
  version: number
  device: string
  time: string
  size: number
  deleted: boolean
}

export interface FolderActivity {
  folder: string
  kind: 'synced' | 'deleted' | 'conflict' | 'refused' | 'error'
  path: string
  message: string
  time: string
}
