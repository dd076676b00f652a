// The Hyperswarm side of the node: one swarm keyed by the device key, joined
// to one DHT topic per Hyperfold topic. Every connection gets an error handler
// here, before anyone else sees it.
import ReadyResource from 'ready-resource'
import DHT, { type KeyPair } from 'hyperdht'
import Hyperswarm, { type SwarmConnection } from 'hyperswarm'
import { type Bootstrap, isLoopbackOnly } from './bootstrap'

export interface NetworkOptions {
  keyPair: KeyPair
  bootstrap: Bootstrap
  onconnection(conn: SwarmConnection): void
  onerror(conn: SwarmConnection, err: Error): void
}

export class Network extends ReadyResource {
  private readonly opts: NetworkOptions
  private swarm: Hyperswarm | null = null

  constructor(opts: NetworkOptions) {
    super()
    this.opts = opts
  }

  get connections(): Set<SwarmConnection> {
    return this.swarm?.connections ?? new Set()
  }

  protected override async _open(): Promise<void> {
    const { bootstrap, keyPair } = this.opts
    // A DHT bound to all interfaces joins a loopback testnet but stalls replication: bind it to loopback there.
    const dht =
      bootstrap === 'public'
        ? new DHT({ keyPair })
        : new DHT({ keyPair, bootstrap, ...(isLoopbackOnly(bootstrap) ? { host: '127.0.0.1' } : {}) })
    this.swarm = new Hyperswarm({ keyPair, dht })
    this.swarm.on('connection', (conn: SwarmConnection) => {
      conn.on('error', (err: Error) => this.opts.onerror(conn, err))
      this.opts.onconnection(conn)
    })
    await dht.ready()
  }

  protected override async _close(): Promise<void> {
    await this.swarm?.destroy()
  }

  async join(topic: Buffer): Promise<void> {
    if (!this.opened) await this.ready()
    await this.swarm!.join(topic, { server: true, client: true }).flushed()
  }

  async leave(topic: Buffer): Promise<void> {
    await this.swarm?.leave(topic)
  }
}
