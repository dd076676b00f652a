// The Hyperswarm side of the node: one swarm keyed by the device key, joined
// to one DHT topic per Hyperfold topic. Every connection gets an error handler
// here, before anyone else sees it.
import ReadyResource from 'ready-resource'
import DHT, { type KeyPair } from 'hyperdht'
import Hyperswarm, { type SwarmConnection } from 'hyperswarm'
import { type Bootstrap, isLoopbackOnly } from './bootstrap'

// On a loopback-only testnet every node is reachable, so say so. Bound to all
// interfaces, such a DHT joins but stalls replication. Left to guess its
// firewall, each node takes the holepunch path, where the client's LAN ping and
// the server's puncher can settle on different sockets: the client sees the
// connection open, the server never does, and the pair meets only ~15 s later
// on Hyperswarm's retry. Not firewalled, both take the direct path.
const LOOPBACK_DHT = { host: '127.0.0.1', firewalled: false }
// Leaving tells the DHT that this node no longer announces its topics, and
// waits for the answers. With the DHT out of reach (offline, its bootstrap
// gone) that is seconds of request timeouts, so leaving gets this long; then
// the DHT is torn down, which ends those requests at once.
const LEAVE_GRACE_MS = 500

// hyperdht's destroy takes { force }, which our type declarations leave out.
type ForcedDestroy = { destroy(opts: { force: boolean }): Promise<void> }

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
    const dht =
      bootstrap === 'public'
        ? new DHT({ keyPair })
        : new DHT({ keyPair, bootstrap, ...(isLoopbackOnly(bootstrap) ? LOOPBACK_DHT : {}) })
    this.swarm = new Hyperswarm({ keyPair, dht })
    this.swarm.on('connection', (conn: SwarmConnection) => {
      conn.on('error', (err: Error) => this.opts.onerror(conn, err))
      try {
        this.opts.onconnection(conn)
      } catch (err) {
        // Thrown here it would unwind through Hyperswarm's socket handlers and end
        // the process; a connection that could not be set up is dropped alone.
        conn.destroy(err instanceof Error ? err : new Error(String(err)))
      }
    })
    await dht.ready()
  }

  protected override async _close(): Promise<void> {
    const swarm = this.swarm
    if (swarm === null) return
    const left = swarm.destroy()
    let timer: NodeJS.Timeout | undefined
    const grace = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), LEAVE_GRACE_MS)))
    const done = await Promise.race([left.then(() => true), grace])
    clearTimeout(timer)
    if (!done) await (swarm.dht as unknown as ForcedDestroy).destroy({ force: true })
    await left
  }

  async join(topic: Buffer): Promise<void> {
    if (!this.opened) await this.ready()
    await this.swarm!.join(topic, { server: true, client: true }).flushed()
  }

  // Resolves once every lookup is done and the connections it found are open or failed.
  async flush(): Promise<void> {
    await this.swarm?.flush()
  }

  async leave(topic: Buffer): Promise<void> {
    await this.swarm?.leave(topic)
  }
}
