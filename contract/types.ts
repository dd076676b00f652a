// What the node reports, as every transport and the UI see it.

export type ConnectionType = 'direct' | 'holepunched' | 'relayed'

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
}
