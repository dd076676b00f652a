// The Hyperfold node: this device's identity, its joined topics, its swarm and
// its peers. Plain Node.js (never electron), driven through the API contract.
import ReadyResource from 'ready-resource'
import Corestore from 'corestore'
import CoreStorage from 'hypercore-storage'
import type { SwarmConnection } from 'hyperswarm'
import type NoiseSecretStream from '@hyperswarm/secret-stream'
import type { Device, EventMessage, EventName, EventPayload, JoinedTopic, NodeStatus, Peer, Topic } from '../../contract'
import { HyperfoldError, errors } from '../../contract/errors'
import { type Bootstrap, formatBootstrap, isLoopbackOnly } from './bootstrap'
import { ChunkChannel } from './chunk-channel'
import type { ChunkSource } from './folder/chunk-ref'
import { DataDir } from './data-dir'
import { FastLane, type LaneAddress } from './fast-lane'
import { type Identity, deviceIdOf, loadIdentity } from './identity'
import { deriveTopicKeys, generateKeyphrase, keyphraseWarning, normalizeKeyphrase } from './keyphrase'
import { MemberChannel } from './member-channel'
import { Network } from './network'
import { NodeState, type StoredTopic } from './node-state'
import { PeerLane } from './peer-lane'
import { PeerTable } from './peer-table'
import { type JoinedTopicEntry, TopicRegistry, describeTopic } from './topic-registry'
import { VERSION } from './version'
import { STORE_WRITE_BUFFER_BYTES } from './store-tuning'
import { Folders } from './folders'
import { IdleCollector } from './idle-collector'
import { LaneRedial } from './lane-redial'

const ROUTINE_DISCONNECTS = new Set(['ECONNRESET', 'EPIPE'])

const MEMBERSHIP_TIMEOUT_MS = 15_000
// Round-trip time and bytes in/out change all the time; a UI redraws them at this pace.
const PEER_STATS_MS = 2_000
// How long the device with the higher key leaves the lower one's dial (a few
// addresses, each given 3 s to connect) before it dials too.
const SECOND_DIAL_MS = 5_000

export interface NodeOptions {
  dataDir: string
  // Required on purpose: 'public' must be chosen, never fallen into.
  bootstrap: Bootstrap
  membershipTimeoutMs?: number
  // Direct TCP connections to member peers for bulk bytes (see fast-lane):
  // on by default on any free port; false neither listens nor dials.
  fastLane?: false | { port?: number; announce?: LaneAddress[] }
  log?: (line: string) => void
}

interface Session {
  channels: Map<string, MemberChannel>
  chunks: Map<string, ChunkChannel> // by topic, once the peer proved membership there
  timer: NodeJS.Timeout
  replicating: boolean
  lane: PeerLane | null
  dialing: boolean
  // Set once the peer has offered its lane.
  redial: LaneRedial | null
  // Its catalog came (what it holds), or it had its time to send one.
  heard: boolean
}

export class HyperfoldNode extends ReadyResource {
  private readonly opts: NodeOptions
  private readonly topics = new TopicRegistry()
  private readonly peers = new PeerTable()
  private readonly sessions = new Map<SwarmConnection, Session>()
  private readonly startedAt = new Date()
  private dir: DataDir | null = null
  private state: NodeState | null = null
  private identity: Identity | null = null
  private store: Corestore | null = null
  private network: Network | null = null
  private fastLane: FastLane | null = null
  private folderSet: Folders | null = null
  private statsTimer: NodeJS.Timeout | null = null
  private readonly collector = new IdleCollector()
  // Topics whose first look for peers (the lookup and the connections it
  // found) is not over yet.
  private readonly discovering = new Set<string>()

  constructor(opts: NodeOptions) {
    super()
    this.opts = opts
    this.peers.on('joined', (peer) => this.emitEvent('peer.joined', peer))
    this.peers.on('updated', (peer) => this.emitEvent('peer.updated', peer))
    this.peers.on('left', (peer) => this.emitEvent('peer.left', peer))
  }

  onEvent(listener: (message: EventMessage) => void): () => void {
    this.on('event', listener)
    return () => this.off('event', listener)
  }

  protected override async _open(): Promise<void> {
    try {
      this.dir = await DataDir.open(this.opts.dataDir)
      this.state = await NodeState.load(this.dir.file('state.json'))
      this.identity = await loadIdentity(this.dir.file('device.json'))
      this.store = new Corestore(new CoreStorage(this.dir.file('corestore'), { writeBufferSize: STORE_WRITE_BUFFER_BYTES }))
      await this.store.ready().catch((err: unknown) => {
        throw storeRefused(err, this.dir!.file('corestore'))
      })
      this.folderSet = new Folders({
        store: this.store,
        deviceId: this.identity.deviceId,
        dataDir: this.dir.path,
        state: this.state,
        resolveTopic: (ref) => this.topics.resolve(ref).keys.id,
        broadcast: (topicId) => this.broadcastCatalog(topicId),
        chunkSources: (topicId) => this.chunkSources(topicId),
        peersPending: (topicId) => this.peersPending(topicId),
        onfolder: (folder) => this.emitEvent('folder.updated', folder),
        onactivity: (activity) => this.emitEvent('folder.activity', activity)
      })
      await this.folderSet.ready()
      this.network = new Network({
        keyPair: this.identity.keyPair,
        bootstrap: this.opts.bootstrap,
        onconnection: (conn) => this.onconnection(conn),
        onerror: (conn, err) => {
          // A peer that goes away, or the second of two connections made at once being dropped: the peer table tells.
          if (ROUTINE_DISCONNECTS.has((err as NodeJS.ErrnoException).code ?? '')) return
          this.log(`connection to ${deviceIdOf(conn.remotePublicKey)}: ${err.message}`)
        }
      })
      await this.network.ready()
      await this.listenFastLane()
      await Promise.all(this.state.topics.map((stored) => this.startTopic(stored)))
      this.statsTimer = setInterval(() => {
        for (const peer of this.peers.list()) this.emitEvent('peer.updated', peer)
      }, PEER_STATS_MS)
    } catch (err) {
      await this.release() // ready-resource does not call _close when _open fails
      throw err
    }
  }

  protected override async _close(): Promise<void> {
    await this.release()
  }

  // Reverse order of _open; safe on a half-opened node.
  private async release(): Promise<void> {
    if (this.statsTimer !== null) clearInterval(this.statsTimer)
    this.collector.close()
    for (const session of this.sessions.values()) {
      clearTimeout(session.timer)
      session.redial?.close()
    }
    await this.fastLane?.close()
    await this.network?.close()
    await this.folderSet?.close()
    await this.store?.close()
    await this.state?.flushed().catch(() => undefined)
    await this.dir?.close()
  }

  get folders(): Folders {
    if (this.closing !== null || this.folderSet === null) throw errors.nodeClosed()
    return this.folderSet
  }

  status(): NodeStatus {
    const { identity, state } = this.live()
    return {
      device: { id: identity.deviceId, name: state.deviceName },
      dataDir: this.dir!.path,
      network: this.opts.bootstrap === 'public' ? 'public' : 'local',
      bootstrap: formatBootstrap(this.opts.bootstrap),
      topics: this.topics.size,
      peers: this.peers.size,
      startedAt: this.startedAt.toISOString(),
      version: VERSION,
      fastLane: (this.fastLane?.addresses ?? []).map((a) => `${a.host}:${a.port}`)
    }
  }

  async setName(name: string): Promise<Device> {
    const { identity, state } = this.live()
    await state.update((s) => ({ ...s, deviceName: name }))
    for (const session of this.sessions.values()) for (const channel of session.channels.values()) channel.sendName(name)
    const device = { id: identity.deviceId, name }
    this.emitEvent('device.renamed', device)
    return device
  }

  async createTopic(label?: string): Promise<JoinedTopic> {
    const keyphrase = generateKeyphrase()
    return { ...(await this.joinTopic(keyphrase, label)), keyphrase }
  }

  async joinTopic(input: string, label?: string): Promise<JoinedTopic> {
    const { state } = this.live()
    const keyphrase = normalizeKeyphrase(input)
    const stored = { keyphrase, label: label ?? '', joinedAt: new Date().toISOString() }
    const entry = await this.startTopic(stored)
    await state.update((s) => ({ ...s, topics: [...s.topics, { ...stored, label: entry.label }] }))
    const topic = describeTopic(entry, this.peers.countOn(entry.keys.id))
    this.emitEvent('topic.joined', topic)
    const warning = keyphraseWarning(keyphrase)
    return warning === undefined ? topic : { ...topic, warning }
  }

  async leaveTopic(ref: string): Promise<Topic> {
    const { state, network } = this.live()
    const entry = this.topics.resolve(ref)
    const topic = describeTopic(entry, 0)
    this.topics.delete(entry.keys.id)
    await state.update((s) => ({ ...s, topics: s.topics.filter((t) => t.keyphrase !== entry.keyphrase) }))
    await network.leave(entry.keys.topic)
    for (const [conn, session] of this.sessions) this.detach(conn, session, entry.keys.id)
    this.emitEvent('topic.left', topic)
    return topic
  }

  listTopics(): Topic[] {
    this.live()
    return [...this.topics.values()].map((entry) => describeTopic(entry, this.peers.countOn(entry.keys.id)))
  }

  listPeers(topicRef?: string): Peer[] {
    this.live()
    return this.peers.list(topicRef === undefined ? undefined : this.topics.resolve(topicRef).keys.id)
  }

  private async startTopic(stored: StoredTopic): Promise<JoinedTopicEntry> {
    const keys = await deriveTopicKeys(stored.keyphrase)
    const { network } = this.live()
    const entry = { keys, keyphrase: stored.keyphrase, label: stored.label || keys.id, joinedAt: stored.joinedAt }
    this.topics.add(entry)
    for (const [conn, session] of this.sessions) this.attach(conn, session, entry)
    try {
      await network.join(keys.topic)
    } catch (err) {
      this.topics.delete(keys.id)
      throw err
    }
    this.lookFor(keys.id, network)
    return entry
  }

  // A folder is "in sync" with the peers online: not before the first look
  // for them is over, nor while a connected peer has not said what it holds.
  private peersPending(topicId: string): boolean {
    if (this.discovering.has(topicId)) return true
    for (const session of this.sessions.values()) if (!session.heard) return true
    return false
  }

  private lookFor(topicId: string, network: Network): void {
    this.discovering.add(topicId)
    const done = (): void => void this.discovering.delete(topicId)
    network.flush().then(done, done)
  }

  private onconnection(conn: SwarmConnection): void {
    const timeout = this.opts.membershipTimeoutMs ?? MEMBERSHIP_TIMEOUT_MS
    const timer = setTimeout(() => {
      session.heard = true // a member that sends no catalog does not hold "in sync" back for good
      if (!this.peers.has(conn)) this.refuse(conn, 'it did not prove it knows the keyphrase in time')
    }, timeout)
    const session: Session = { channels: new Map(), chunks: new Map(), timer, replicating: false, lane: null, dialing: false, redial: null, heard: false }
    this.sessions.set(conn, session)
    conn.once('close', () => {
      clearTimeout(timer)
      session.redial?.close()
      session.lane?.close()
      this.sessions.delete(conn)
      this.peers.removeConnection(conn)
    })
    MemberChannel.onRemoteOpen(conn, (channelId) => {
      const entry = this.topics.findByChannel(channelId)
      if (entry !== undefined && !session.channels.has(entry.keys.id)) this.attach(conn, session, entry)
    })
    for (const entry of this.topics.values()) this.attach(conn, session, entry)
  }

  private attach(conn: SwarmConnection, session: Session, entry: JoinedTopicEntry): void {
    const topicId = entry.keys.id
    const channel = new MemberChannel(conn, entry.keys, {
      deviceName: () => this.state!.deviceName,
      laneOffer: () => this.fastLane?.addresses ?? [],
      onlane: (addresses) => this.dialLane(conn, session, addresses),
      onmember: (name) => {
        this.peers.addTopic(conn, topicId, name)
        this.replicate(conn, session)
        this.openChunks(conn, session, entry)
        channel.sendCatalog(this.folderSet!.catalogFor(topicId))
      },
      oncatalog: (catalog) => {
        const peer = deviceIdOf(conn.remotePublicKey)
        const name = this.peers.list().find((p) => p.deviceId === peer)?.name ?? peer
        this.folderSet!.onCatalog(topicId, peer, name, catalog)
          .catch((err: Error) => this.log(`catalog from ${peer}: ${err.message}`))
          .finally(() => (session.heard = true)) // once its writers are added and what it holds is noted
      },
      onrefused: (reason) => this.refuse(conn, reason),
      onclose: () => {
        if (session.channels.get(topicId) === channel) session.channels.delete(topicId)
        session.chunks.get(topicId)?.close()
        this.peers.removeTopic(conn, topicId)
        this.folderSet?.dropPeer(topicId, deviceIdOf(conn.remotePublicKey))
      }
    })
    session.channels.set(topicId, channel)
  }

  private detach(conn: SwarmConnection, session: Session, topicId: string): void {
    session.channels.get(topicId)?.close()
    session.channels.delete(topicId)
    session.chunks.get(topicId)?.close()
    session.lane?.closeTopic(topicId)
    this.peers.removeTopic(conn, topicId)
    if (!this.peers.has(conn) && session.replicating) conn.destroy() // nothing left in common
  }

  // Opened by each side once the other proved membership; the remote's hello
  // (which makes us open ours) comes before its own open on the wire, so
  // protomux always finds ours waiting. A rename's hello finds it already open.
  private openChunks(conn: SwarmConnection, session: Session, entry: JoinedTopicEntry): void {
    const topicId = entry.keys.id
    if (session.chunks.has(topicId)) return
    const chunks = new ChunkChannel(conn, entry.keys, {
      serve: (topic, folderId, ref) => this.folderSet?.serveChunk(topic, folderId, ref) ?? Promise.resolve(null),
      onrefused: (reason) => this.refuse(conn, reason),
      onclose: () => {
        if (session.chunks.get(topicId) === chunks) session.chunks.delete(topicId)
      }
    })
    if (!chunks.closed) session.chunks.set(topicId, chunks)
    session.lane?.openTopic(entry.keys)
  }

  // Each member peer once: on its fast lane where that is open, else on Hyperswarm.
  private chunkSources(topicId: string): ChunkSource[] {
    return [...this.sessions.values()].flatMap((session) => {
      const chunks = session.lane?.source(topicId) ?? session.chunks.get(topicId)
      return chunks?.usable === true ? [chunks] : []
    })
  }

  private async listenFastLane(): Promise<void> {
    const opts = this.opts.fastLane
    if (opts === false) return
    const host = this.opts.bootstrap !== 'public' && isLoopbackOnly(this.opts.bootstrap) ? '127.0.0.1' : '0.0.0.0'
    const lane = new FastLane({ keyPair: this.identity!.keyPair, host, port: opts?.port ?? 0, announce: opts?.announce, onstream: (stream) => this.acceptLane(stream) })
    try {
      await lane.ready()
      this.fastLane = lane
    } catch (err) {
      // A port taken or refused: peers still sync over Hyperswarm, only slower.
      this.log(`no fast lane: cannot listen on TCP port ${opts?.port ?? 0}: ${(err as Error).message}`)
    }
  }

  // Both devices offer and both dial: the one with the lower key at once (or
  // one that takes no lanes itself), the other only if no lane has opened
  // after SECOND_DIAL_MS, as when its own addresses cannot be reached from
  // the peer (a firewall, a NAT that lets connections out only). Where both
  // lanes open, both sides keep the lower key's (attachLane). Each dials again
  // while there is no lane (see lane-redial), to the addresses offered last.
  private dialLane(conn: SwarmConnection, session: Session, addresses: LaneAddress[]): void {
    const lane = this.fastLane
    if (lane === null) return
    session.redial?.close()
    session.redial = new LaneRedial(() => this.tryLane(conn, session, addresses))
    if (lane.addresses.length > 0 && !isLowerKey(conn)) session.redial.later(SECOND_DIAL_MS)
    else this.tryLane(conn, session, addresses)
  }

  private tryLane(conn: SwarmConnection, session: Session, addresses: LaneAddress[]): void {
    const lane = this.fastLane
    if (lane === null || session.lane !== null || session.dialing) return
    session.dialing = true
    const host = conn.rawStream?.remoteHost
    const ordered = [...addresses.filter((a) => a.host === host), ...addresses.filter((a) => a.host !== host)]
    lane
      .dial(ordered, conn.remotePublicKey)
      .then((stream) => {
        session.dialing = false
        if (this.sessions.get(conn) !== session) return void stream?.destroy()
        if (stream === null) {
          if (session.redial?.lost() !== false) this.log(`no fast lane to ${deviceIdOf(conn.remotePublicKey)}: none of its addresses answered; bytes go over the swarm`)
          return
        }
        this.attachLane(conn, session, stream)
      })
      .catch((err: Error) => {
        session.dialing = false
        if (session.redial?.lost() !== false) this.log(`fast lane to ${deviceIdOf(conn.remotePublicKey)}: ${err.message}`)
      })
  }

  // A lane is taken only from a device that proved membership of a topic on its Hyperswarm connection.
  private acceptLane(stream: NoiseSecretStream): void {
    for (const [conn, session] of this.sessions) {
      if (!conn.remotePublicKey.equals(stream.remotePublicKey)) continue
      if (![...session.channels.values()].some((channel) => channel.proven)) break
      return this.attachLane(conn, session, stream)
    }
    this.refuseAt(stream, laneAddress(stream), 'it opened a direct connection without proving it knows the keyphrase')
  }

  // Two lanes open at once (both dialed): each side keeps the one the lower
  // key dialed, so both keep the same one. Otherwise the newer lane wins: the
  // peer dialed again because the old one is gone on its side.
  private attachLane(conn: SwarmConnection, session: Session, stream: NoiseSecretStream): void {
    if (session.lane !== null && dialedByLower(conn, session.lane.stream) && !dialedByLower(conn, stream)) return void stream.destroy()
    session.lane?.close()
    const lane = new PeerLane(stream, {
      serve: (topic, folderId, ref) => this.folderSet?.serveChunk(topic, folderId, ref) ?? Promise.resolve(null),
      onrefused: (reason) => {
        this.log(`closed the fast lane to ${deviceIdOf(conn.remotePublicKey)}: ${reason}`)
        lane.close()
      },
      onclose: () => {
        if (session.lane !== lane) return
        session.lane = null
        this.peers.setLane(conn, null)
        session.redial?.lost() // no log line: the peers view shows the lane gone
      }
    })
    session.lane = lane
    session.redial?.opened()
    for (const entry of this.topics.values()) if (session.chunks.has(entry.keys.id)) lane.openTopic(entry.keys)
    this.peers.setLane(conn, lane)
  }

  private broadcastCatalog(topicId: string): void {
    const catalog = this.folderSet!.catalogFor(topicId)
    for (const session of this.sessions.values()) session.channels.get(topicId)?.sendCatalog(catalog)
  }

  // Corestore replication starts only once the peer has proved membership.
  private replicate(conn: SwarmConnection, session: Session): void {
    if (session.replicating || this.store === null) return
    session.replicating = true
    this.store.replicate(conn)
  }

  private refuse(conn: SwarmConnection, reason: string): void {
    const raw = conn.rawStream
    this.refuseAt(conn, raw ? `${raw.remoteHost}:${raw.remotePort}` : 'unknown', reason)
  }

  // A Hyperswarm connection or a fast lane: said once, in the log and as an event, then hung up.
  private refuseAt(stream: { remotePublicKey: Buffer; destroy(): void }, address: string, reason: string): void {
    const refused = { address, deviceId: deviceIdOf(stream.remotePublicKey), reason }
    this.log(`refused peer ${refused.deviceId} at ${refused.address}: ${reason}`)
    this.emitEvent('peer.refused', refused)
    stream.destroy()
  }

  private live(): { identity: Identity; state: NodeState; network: Network } {
    if (this.closing !== null || this.network === null) throw errors.nodeClosed()
    return { identity: this.identity!, state: this.state!, network: this.network! }
  }

  private emitEvent<K extends EventName>(event: K, payload: EventPayload<K>): void {
    // Folder events come with work (scans, pulls, progress); peer updates also come on a timer.
    if (event.startsWith('folder.')) this.collector.activity()
    this.emit('event', { event, payload } satisfies EventMessage<K>)
  }

  private log(line: string): void {
    this.opts.log?.(line)
  }
}

function isLowerKey(conn: SwarmConnection): boolean {
  return Buffer.compare(conn.publicKey, conn.remotePublicKey) < 0
}

function dialedByLower(conn: SwarmConnection, stream: NoiseSecretStream): boolean {
  return stream.isInitiator === isLowerKey(conn)
}

function laneAddress(stream: NoiseSecretStream): string {
  const socket = stream.rawStream as { remoteAddress?: string; remotePort?: number } | null
  return socket?.remoteAddress === undefined ? 'unknown' : `${socket.remoteAddress}:${socket.remotePort}`
}

// The store notes the device and inode it lives on, and refuses to open a
// copy made without them (a backup restored with cp or tar): say so in a line
// a person can act on, and touch nothing.
function storeRefused(err: unknown, dir: string): unknown {
  if (!(err instanceof Error) || !/moved unsafely/.test(err.message)) return err
  return new HyperfoldError(
    'DATA_DIR_DAMAGED',
    `The store in ${dir} was copied or moved from elsewhere; if this copy is the one to use and the original is not running, delete ${dir}/CORESTORE and start again.`
  )
}
