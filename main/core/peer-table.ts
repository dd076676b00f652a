// The live table of member peers: one row per device (one connection, however
// many topics it shares with us), with the topics on which it proved membership.
import { EventEmitter } from 'events'
import b4a from 'b4a'
import type { SwarmConnection } from 'hyperswarm'
import type { ConnectionType, Peer } from '../../contract/types'
import { deviceIdOf } from './identity'

// A peer's fast lane, as far as the table cares: the bytes that went over it.
export interface LaneBytes {
  bytesIn: number
  bytesOut: number
}

interface PeerRow {
  conn: SwarmConnection
  name: string
  topics: Set<string>
  since: Date
}

export interface PeerTableEvents {
  joined: [Peer]
  updated: [Peer]
  left: [Peer]
}

export class PeerTable extends EventEmitter<PeerTableEvents> {
  private readonly rows = new Map<string, PeerRow>()
  private readonly lanes = new WeakMap<SwarmConnection, LaneBytes>()

  get size(): number {
    return this.rows.size
  }

  addTopic(conn: SwarmConnection, topicId: string, name: string): void {
    const key = keyOf(conn)
    const row = this.rows.get(key)
    if (row === undefined) {
      const added = { conn, name, topics: new Set([topicId]), since: new Date() }
      this.rows.set(key, added)
      this.emit('joined', this.toPeer(added))
      return
    }
    const changed = row.name !== name || !row.topics.has(topicId)
    row.name = name
    row.topics.add(topicId)
    if (changed) this.emit('updated', this.toPeer(row))
  }

  removeTopic(conn: SwarmConnection, topicId: string): void {
    const row = this.rows.get(keyOf(conn))
    if (row === undefined || !row.topics.delete(topicId)) return
    if (row.topics.size === 0) this.removeConnection(conn)
    else this.emit('updated', this.toPeer(row))
  }

  removeConnection(conn: SwarmConnection): void {
    const key = keyOf(conn)
    const row = this.rows.get(key)
    if (row === undefined || row.conn !== conn) return
    this.rows.delete(key)
    this.emit('left', this.toPeer(row))
  }

  has(conn: SwarmConnection): boolean {
    return this.rows.get(keyOf(conn))?.conn === conn
  }

  list(topicId?: string): Peer[] {
    const rows = [...this.rows.values()].filter((row) => topicId === undefined || row.topics.has(topicId))
    return rows.map((row) => this.toPeer(row)).sort((a, b) => a.name.localeCompare(b.name) || a.deviceId.localeCompare(b.deviceId))
  }

  // A lane may open before the peer's hello makes it a row: it is kept by connection.
  setLane(conn: SwarmConnection, lane: LaneBytes | null): void {
    if (lane === null) this.lanes.delete(conn)
    else this.lanes.set(conn, lane)
    const row = this.rows.get(keyOf(conn))
    if (row?.conn === conn) this.emit('updated', this.toPeer(row))
  }

  countOn(topicId: string): number {
    let n = 0
    for (const row of this.rows.values()) if (row.topics.has(topicId)) n++
    return n
  }

  private toPeer(row: PeerRow): Peer {
    return toPeer(row, this.lanes.get(row.conn))
  }
}

function keyOf(conn: SwarmConnection): string {
  return b4a.toString(conn.remotePublicKey, 'hex')
}

function toPeer(row: PeerRow, lane: LaneBytes | undefined): Peer {
  const raw = row.conn.rawStream
  return {
    deviceId: deviceIdOf(row.conn.remotePublicKey),
    name: row.name,
    topics: [...row.topics].sort(),
    address: raw ? `${raw.remoteHost}:${raw.remotePort}` : 'unknown',
    connection: connectionType(raw?.remoteHost),
    lane: lane === undefined ? 'swarm' : 'tcp',
    rttMs: raw?.rtt ?? 0,
    bytesIn: (raw?.bytesReceived ?? 0) + (lane?.bytesIn ?? 0),
    bytesOut: (raw?.bytesTransmitted ?? 0) + (lane?.bytesOut ?? 0),
    since: row.since.toISOString()
  }
}

// hyperdht does not label its connections. Hyperfold never asks it to relay
// (no relayThrough), so a connection is either direct (a loopback or LAN
// address, reached without punching) or holepunched through a NAT.
export function connectionType(host: string | undefined): ConnectionType {
  if (host === undefined) return 'direct'
  return isPrivateAddress(host) ? 'direct' : 'holepunched'
}

function isPrivateAddress(host: string): boolean {
  return /^(127\.|10\.|192\.168\.|169\.254\.|172\.(1[6-9]|2\d|3[01])\.|::1$|fe80:|fc|fd)/i.test(host)
}
