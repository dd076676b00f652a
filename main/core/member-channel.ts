// One protomux channel per (connection, topic). Its open handshake carries the
// membership proof; only after the remote's proof checks out do we tell it our
// device name. A peer without the keyphrase learns nothing it did not bring.
import Protomux, { type Channel, type Encoding, type Message } from 'protomux'
import c from 'compact-encoding'
import { z } from 'zod'
import type { SwarmConnection } from 'hyperswarm'
import type { TopicKeys } from './keyphrase'
import { createProof, verifyProof } from './membership'
import { Catalog } from './catalog'

const PROTOCOL = 'hyperfold/member/v1'
// protomux decodes from Buffers, so a fixed32 it hands us is a Buffer.
const proofEncoding = c.fixed32 as unknown as Encoding<Buffer>

const Hello = z.object({ name: z.string().max(64) })
type Hello = z.infer<typeof Hello>

export interface MemberChannelHandlers {
  deviceName(): string
  onmember(name: string): void
  oncatalog(catalog: Catalog): void
  onrefused(reason: string): void
  onclose(): void
}

export class MemberChannel {
  private readonly conn: SwarmConnection
  private readonly keys: TopicKeys
  private readonly handlers: MemberChannelHandlers
  private readonly channel: Channel<Buffer> | null
  private readonly hello: Message<unknown> | null = null
  private readonly catalog: Message<unknown> | null = null
  private verified = false

  constructor(conn: SwarmConnection, keys: TopicKeys, handlers: MemberChannelHandlers) {
    this.conn = conn
    this.keys = keys
    this.handlers = handlers
    this.channel = Protomux.from(conn).createChannel<Buffer>({
      protocol: PROTOCOL,
      id: keys.channel,
      handshake: proofEncoding,
      onopen: (proof) => this.onopen(proof),
      onclose: () => this.handlers.onclose()
    })
    if (this.channel === null) return
    this.hello = this.channel.addMessage({ encoding: c.json, onmessage: (msg: unknown) => this.onhello(msg) })
    this.catalog = this.channel.addMessage({ encoding: c.json, onmessage: (msg: unknown) => this.oncatalog(msg) })
    this.channel.open(createProof(keys.auth, conn.handshakeHash, conn.publicKey))
  }

  // protomux rejects a channel the remote opens before we have one; a topic
  // joined later on a live connection must hear of those opens to answer them.
  static onRemoteOpen(conn: SwarmConnection, listener: (channelId: Buffer) => void): void {
    Protomux.from(conn).pair({ protocol: PROTOCOL }, (id) => {
      if (id !== null) listener(id)
    })
  }

  get topicId(): string {
    return this.keys.id
  }

  sendName(name: string): void {
    if (this.verified) this.hello?.send({ name } satisfies Hello)
  }

  sendCatalog(catalog: Catalog): void {
    if (this.verified) this.catalog?.send(catalog)
  }

  close(): void {
    this.channel?.close()
  }

  private onopen(proof: Buffer): void {
    if (!verifyProof(this.keys.auth, this.conn.handshakeHash, this.conn.remotePublicKey, proof)) {
      this.handlers.onrefused('its membership proof is wrong')
      return
    }
    this.verified = true
    this.sendName(this.handlers.deviceName())
  }

  private onhello(message: unknown): void {
    const hello = Hello.safeParse(message)
    if (!this.verified || !hello.success) {
      this.handlers.onrefused('it sent a malformed hello')
      return
    }
    this.handlers.onmember(hello.data.name.trim() || 'unnamed device')
  }

  private oncatalog(message: unknown): void {
    const catalog = Catalog.safeParse(message)
    if (!this.verified || !catalog.success) {
      this.handlers.onrefused('it sent a malformed folder catalog')
      return
    }
    this.handlers.oncatalog(catalog.data)
  }
}
