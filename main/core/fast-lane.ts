// The fast lane: a direct TCP connection to a member peer that can be reached,
// for bulk bytes. On these machines UDX with Noise costs about three times the
// CPU per byte of TCP with Noise (one syscall per 1500-byte datagram, no knob
// to change it), and Hyperswarm has no TCP path of its own; secret-stream runs
// over any socket. So each device listens on TCP, offers its addresses to
// members on the Hyperswarm connection, and both dial (see HyperfoldNode's
// dialLane for which one first, and which lane stays when both open).
//
// A lane is a Noise stream keyed by the same device keys: the dialer names the
// key it expects, and the listener hands a stream on only once the handshake
// is done, for the node to match against a peer that proved membership on
// Hyperswarm. What travels on it (chunk channels) proves membership again per
// topic, bound to this stream's own handshake.
import net from 'net'
import os from 'os'
import ReadyResource from 'ready-resource'
import NoiseSecretStream from '@hyperswarm/secret-stream'
import type { KeyPair } from 'hyperdht'

export interface LaneAddress {
  host: string
  port: number
}

export interface FastLaneOptions {
  keyPair: KeyPair
  host: string // where to listen: loopback on a loopback testnet, every interface otherwise
  port: number // 0: any free port
  // Offered instead of the listener's own addresses: a forwarded port, or an
  // address the device is known by that its interfaces do not show.
  announce?: LaneAddress[]
  onstream(stream: NoiseSecretStream): void
}

// A stranger can open sockets at will: each gets this long to finish its
// handshake, and only so many may be handshaking at once.
const HANDSHAKE_TIMEOUT_MS = 10_000
const MAX_HANDSHAKES = 32
const CONNECT_TIMEOUT_MS = 3_000
// An open lane that hears nothing for SILENT_MS is dropped (and dialed again,
// see lane-redial): a router that forgot the connection, a peer gone without
// a reset, would otherwise hold chunk requests until each one times out. Each
// side says something at least every KEEP_ALIVE_MS.
const KEEP_ALIVE_MS = 5_000
const SILENT_MS = 15_000
export const MAX_OFFERED = 8

export class FastLane extends ReadyResource {
  private readonly opts: FastLaneOptions
  private readonly server = net.createServer((socket) => this.onsocket(socket))
  private readonly streams = new Set<NoiseSecretStream>()
  private handshaking = 0

  constructor(opts: FastLaneOptions) {
    super()
    this.opts = opts
    this.server.on('error', () => undefined) // after listen() succeeded only an accept can fail; the lane simply takes no one
  }

  protected override async _open(): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject)
      this.server.listen({ host: this.opts.host, port: this.opts.port }, () => {
        this.server.off('error', reject)
        resolve()
      })
    })
  }

  protected override async _close(): Promise<void> {
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()))
    for (const stream of this.streams) stream.destroy()
    await closed
  }

  // What members are told to dial.
  get addresses(): LaneAddress[] {
    if (this.opts.announce !== undefined) return this.opts.announce.slice(0, MAX_OFFERED)
    const bound = this.server.address()
    if (bound === null || typeof bound === 'string') return []
    const hosts = isAnyHost(this.opts.host) ? interfaceHosts() : [this.opts.host]
    return hosts.slice(0, MAX_OFFERED).map((host) => ({ host, port: bound.port }))
  }

  // The first of `addresses` that answers as the device with `remotePublicKey`;
  // null when none does (a NAT, a firewall, an address from another network).
  async dial(addresses: LaneAddress[], remotePublicKey: Buffer): Promise<NoiseSecretStream | null> {
    for (const address of addresses) {
      if (this.closing !== null) return null
      const socket = await connect(address)
      if (socket === null) continue
      const stream = await this.secure(socket, true, remotePublicKey)
      if (stream !== null) return stream
    }
    return null
  }

  private onsocket(socket: net.Socket): void {
    if (this.handshaking >= MAX_HANDSHAKES || this.closing !== null) return void socket.destroy()
    this.handshaking++
    void this.secure(socket, false).then((stream) => {
      this.handshaking--
      if (stream !== null) this.opts.onstream(stream)
    })
  }

  private async secure(socket: net.Socket, initiator: boolean, remotePublicKey?: Buffer): Promise<NoiseSecretStream | null> {
    socket.setNoDelay(true)
    socket.on('error', () => undefined) // a reset can come after the Noise stream let go of the socket
    const stream = new NoiseSecretStream(initiator, socket, { keyPair: this.opts.keyPair, remotePublicKey })
    stream.on('error', () => undefined) // a lane that fails closes; its owner hears 'close'
    this.streams.add(stream)
    stream.once('close', () => this.streams.delete(stream))
    const timer = setTimeout(() => stream.destroy(), HANDSHAKE_TIMEOUT_MS)
    const opened = await stream.opened
    clearTimeout(timer)
    if (opened && !stream.destroyed) {
      stream.setKeepAlive(KEEP_ALIVE_MS)
      stream.setTimeout(SILENT_MS)
      return stream
    }
    stream.destroy()
    return null
  }
}

function connect(address: LaneAddress): Promise<net.Socket | null> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: address.host, port: address.port })
    const done = (ok: boolean) => {
      clearTimeout(timer)
      socket.off('error', failed)
      if (!ok) socket.destroy()
      resolve(ok ? socket : null)
    }
    const failed = () => done(false)
    const timer = setTimeout(failed, CONNECT_TIMEOUT_MS)
    socket.once('connect', () => done(true))
    socket.once('error', failed)
  })
}

function isAnyHost(host: string): boolean {
  return host === '0.0.0.0' || host === '::'
}

// LAN addresses first, loopback last: a peer on another machine that dials
// 127.0.0.1 reaches itself, and its handshake (expecting our key) fails.
function interfaceHosts(): string[] {
  const all = Object.values(os.networkInterfaces()).flatMap((list) => list ?? [])
  const external = all.filter((i) => !i.internal && !i.address.startsWith('fe80:')).map((i) => i.address)
  return [...external, '127.0.0.1']
}
