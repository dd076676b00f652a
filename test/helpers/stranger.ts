// A peer that found a topic on the DHT and speaks Hyperfold's member protocol
// badly on purpose: it opens the member channel with the id it hears in the
// victim's own open, then sends whatever bytes a test hands it.
import DHT from 'hyperdht'
import Hyperswarm, { type SwarmConnection } from 'hyperswarm'
import Protomux, { type Channel, type Encoding, type Message } from 'protomux'
import c from 'compact-encoding'
import { deviceIdOf } from '../../main/core/identity'
import type { TestEnv } from './env'

const PROTOCOL = 'hyperfold/member/v2'
// Bytes as they are, with no length prefix: the stranger writes exactly what the test says.
const raw = c.raw as unknown as Encoding<Buffer>

export interface Stranger {
  deviceId: string
  conn: SwarmConnection
  mux: Protomux & { cork(): void; uncork(): void }
  channelId: Buffer
  channel: Channel<Buffer>
  hello: Message<Buffer>
  catalog: Message<Buffer>
  // What the victim said on the member channel: its hello comes only once our proof checked out.
  heard: Buffer[]
  closed: Promise<void>
  destroy(): Promise<void>
}

// Meets the peer with `victimKey` on `topic` (as a client, so nobody else dials
// the stranger) and waits for that peer to open its member channel.
export async function meetVictim(env: TestEnv, topic: Buffer, victimKey: Buffer): Promise<Stranger> {
  const swarm = new Hyperswarm({ dht: new DHT({ bootstrap: env.bootstrap, host: '127.0.0.1', firewalled: false }) })
  const destroy = () => swarm.destroy()
  env.defer(destroy)
  let attacking = false
  const met = new Promise<Stranger>((resolve) => {
    swarm.on('connection', (conn: SwarmConnection) => {
      conn.on('error', () => {}) // being hung up on is the expected outcome
      // One attack per stranger: Hyperswarm redials a peer that hung up, and that
      // second, silent connection would be refused in a line of its own.
      if (attacking || !conn.remotePublicKey.equals(victimKey)) {
        conn.destroy()
        return
      }
      attacking = true
      const closed = new Promise<void>((resolve) => conn.once('close', () => resolve()))
      const mux = Protomux.from(conn) as Stranger['mux']
      const heard: Buffer[] = []
      mux.pair({ protocol: PROTOCOL }, (channelId) => {
        const channel = mux.createChannel<Buffer>({ protocol: PROTOCOL, id: channelId, handshake: raw })
        if (channel === null || channelId === null) return
        const hello = channel.addMessage({ encoding: raw, onmessage: (bytes) => heard.push(bytes) })
        const catalog = channel.addMessage({ encoding: raw, onmessage: (bytes) => heard.push(bytes) })
        const deviceId = deviceIdOf(swarm.keyPair.publicKey)
        resolve({ deviceId, conn, mux, channelId, channel, hello, catalog, heard, closed, destroy })
      })
    })
  })
  swarm.join(topic, { server: false, client: true })
  return met
}

// A message as an honest node encodes it: JSON behind a length prefix.
export function jsonMessage(value: unknown): Buffer {
  return c.encode(c.json, value) as Buffer
}

// A string message whose bytes are not JSON at all.
export function textMessage(text: string): Buffer {
  return c.encode(c.string, text) as Buffer
}
