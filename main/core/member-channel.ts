// One protomux channel per (connection, topic). Its open handshake carries the
// membership proof; only after the remote's proof checks out do we tell it our
// device name. A peer without the keyphrase learns nothing it did not bring.
//
// Every message is taken as raw bytes and decoded here, never by protomux:
// protomux rethrows a decoder's SyntaxError or RangeError (safety-catch) out of
// the process, so one bad frame from anyone who found the topic would kill the node.
import { isIP } from 'net'
import Protomux, { type Channel, type Message } from 'protomux'
import c from 'compact-encoding'
import { z } from 'zod'
import type { SwarmConnection } from 'hyperswarm'
import type { TopicKeys } from './keyphrase'
import { PROOF_BYTES, createProof, verifyProof } from './membership'
import { Catalog, MAX_CATALOG_BYTES, decodeCatalog } from './catalog'
import { type LaneAddress, MAX_OFFERED } from './fast-lane'
import { type Decoded, decodeJsonMessage, refused } from './safe-json'
import { guarded as guardedBy, isDropped, markDropped, raw } from './wire-guard'

// v2 since file versions name their bytes by chunk lists: a node from before
// would take such a list for the file's bytes, so the two never meet.
export const MEMBER_PROTOCOL = 'hyperfold/member/v2'
// A 64-character name, every character escaped, fits with room for fields to come.
export const MAX_HELLO_BYTES = 4096

export const Hello = z.object({ name: z.string().max(64) })
type Hello = z.infer<typeof Hello>

// Where this device takes fast-lane connections (see fast-lane): IP addresses only, never names to resolve.
export const LaneOffer = z.object({
  addresses: z
    .array(z.object({ host: z.string().max(45).refine((host) => isIP(host) !== 0, 'not an IP address'), port: z.number().int().min(1).max(65535) }))
    .max(MAX_OFFERED)
})
type LaneOffer = z.infer<typeof LaneOffer>
const MAX_LANE_OFFER_BYTES = 1024

export interface MemberChannelHandlers {
  deviceName(): string
  laneOffer(): LaneAddress[]
  onmember(name: string): void
  oncatalog(catalog: Catalog): void
  onlane(addresses: LaneAddress[]): void
  onrefused(reason: string): void
  onclose(): void
}

export class MemberChannel {
  private readonly conn: SwarmConnection
  private readonly keys: TopicKeys
  private readonly handlers: MemberChannelHandlers
  private readonly channel: Channel<Buffer> | null
  private readonly hello: Message<Buffer> | null = null
  private readonly catalog: Message<Buffer> | null = null
  private readonly lane: Message<Buffer> | null = null
  private verified = false

  constructor(conn: SwarmConnection, keys: TopicKeys, handlers: MemberChannelHandlers) {
    this.conn = conn
    this.keys = keys
    this.handlers = handlers
    this.channel = Protomux.from(conn).createChannel<Buffer>({
      protocol: MEMBER_PROTOCOL,
      id: keys.channel,
      handshake: raw, // on the wire exactly as c.fixed32 wrote it: the proof's 32 bytes
      onopen: (proof) => guarded(conn, () => this.onopen(proof)),
      onclose: () => this.handlers.onclose()
    })
    if (this.channel === null) return
    this.hello = this.channel.addMessage({ encoding: raw, onmessage: (bytes) => guarded(conn, () => this.onhello(bytes)) })
    this.catalog = this.channel.addMessage({ encoding: raw, onmessage: (bytes) => guarded(conn, () => this.oncatalog(bytes)) })
    this.lane = this.channel.addMessage({ encoding: raw, onmessage: (bytes) => guarded(conn, () => this.onlane(bytes)) })
    this.channel.open(createProof(keys.auth, conn.handshakeHash, conn.publicKey))
  }

  // protomux rejects a channel the remote opens before we have one; a topic
  // joined later on a live connection must hear of those opens to answer them.
  static onRemoteOpen(conn: SwarmConnection, listener: (channelId: Buffer) => void): void {
    Protomux.from(conn).pair({ protocol: MEMBER_PROTOCOL }, (id) => {
      if (id !== null) guarded(conn, () => listener(id))
    })
  }

  get topicId(): string {
    return this.keys.id
  }

  // Whether the remote proved it knows this topic's keyphrase on this connection.
  get proven(): boolean {
    return this.verified
  }

  sendName(name: string): void {
    if (this.verified) this.hello?.send(encodeMessage({ name } satisfies Hello))
  }

  sendCatalog(catalog: Catalog): void {
    if (!this.verified) return
    const bytes = encodeMessage(catalog)
    // A member would refuse it unread and drop us; better to offer nothing new.
    if (bytes.byteLength <= MAX_CATALOG_BYTES) this.catalog?.send(bytes)
  }

  close(): void {
    this.channel?.close()
  }

  private onopen(bytes: Buffer): void {
    const proof = decodeProof(bytes)
    if (!proof.ok) return this.refuse(proof.reason)
    if (!verifyProof(this.keys.auth, this.conn.handshakeHash, this.conn.remotePublicKey, proof.value)) {
      return this.refuse('its membership proof is wrong')
    }
    this.verified = true
    this.sendName(this.handlers.deviceName())
    const addresses = this.handlers.laneOffer()
    if (addresses.length > 0) this.lane?.send(encodeMessage({ addresses } satisfies LaneOffer))
  }

  private onhello(bytes: Buffer): void {
    if (!this.admits()) return
    const hello = decodeHello(bytes)
    if (!hello.ok) return this.refuse(hello.reason)
    this.handlers.onmember(hello.value.name.trim() || 'unnamed device')
  }

  private oncatalog(bytes: Buffer): void {
    if (!this.admits()) return
    const catalog = decodeCatalog(bytes)
    if (!catalog.ok) return this.refuse(catalog.reason)
    this.handlers.oncatalog(catalog.value)
  }

  private onlane(bytes: Uint8Array): void {
    if (!this.admits()) return
    const offer = decodeJsonMessage(bytes, MAX_LANE_OFFER_BYTES, LaneOffer, 'fast-lane offer')
    if (!offer.ok) return this.refuse(offer.reason)
    this.handlers.onlane(offer.value.addresses)
  }

  // Whether a message may be read at all: only from a peer whose proof checked
  // out. The rest of a frame from a refused peer is dropped without a word.
  private admits(): boolean {
    if (isDropped(this.conn)) return false
    if (!this.verified) this.refuse('it sent a message before proving it knows the keyphrase')
    return this.verified
  }

  private refuse(reason: string): void {
    if (markDropped(this.conn)) this.handlers.onrefused(reason)
  }
}

export function decodeProof(bytes: Uint8Array): Decoded<Buffer> {
  if (bytes.byteLength !== PROOF_BYTES) {
    return refused(`its membership proof has ${bytes.byteLength} bytes, not ${PROOF_BYTES}`)
  }
  return { ok: true, value: Buffer.from(bytes) }
}

export function decodeHello(bytes: Uint8Array): Decoded<Hello> {
  return decodeJsonMessage(bytes, MAX_HELLO_BYTES, Hello, 'hello')
}

// The bytes an honest node sends: compact-encoding's json, as the protocol always had it.
export function encodeMessage(value: unknown): Buffer {
  return c.encode(c.json, value) as Buffer
}

function guarded(conn: SwarmConnection, fn: () => void): void {
  guardedBy(conn, 'member channel', fn)
}
