// The node as the UI sees it: a snapshot loaded each time the connection
// opens, then kept live by events, never by polling. Snapshots are replaced
// whole ($state.raw), never mutated in place.
import type { Device, JoinedTopic, NodeStatus, Peer, Topic } from '../../../contract'
import { type ApiClient, messageOf } from '../api/client'
import type { ConnectionState } from '../api/transport'
import { shortId, shown, topicName } from '../lib/format'
import type { ActivityLog } from './activity.svelte'
import { peerChanges, peerLeft, peerRefused } from './activity-text'

export type Phase = 'loading' | 'ready' | 'error'

export interface PeerView extends Peer {
  online: boolean
}

export class NodeStore {
  readonly #client: ApiClient
  readonly #activity: ActivityLog
  #status = $state.raw<NodeStatus | null>(null)
  #topics = $state.raw<Topic[]>([])
  #peers = $state.raw<Peer[]>([])
  // Peers that disconnected while the page was open, shown greyed out on their topics.
  #departed = $state.raw<Peer[]>([])
  #phase = $state<Phase>('loading')
  #loadError = $state<string | null>(null)
  #connection = $state<ConnectionState>('connecting')

  // No event carries a topic's peer count, so it is counted from the live peer list.
  readonly topics: Topic[] = $derived(
    this.#topics.map((topic) => ({ ...topic, peers: this.#peers.filter((p) => p.topics.includes(topic.id)).length }))
  )

  constructor(client: ApiClient, activity: ActivityLog) {
    this.#client = client
    this.#activity = activity
  }

  get status(): NodeStatus | null {
    return this.#status
  }
  get phase(): Phase {
    return this.#phase
  }
  get loadError(): string | null {
    return this.#loadError
  }
  get connection(): ConnectionState {
    return this.#connection
  }

  peersOn(topicId: string): PeerView[] {
    const on = (peer: Peer) => peer.topics.includes(topicId)
    return [
      ...this.#peers.filter(on).map((peer) => ({ ...peer, online: true })),
      ...this.#departed.filter(on).map((peer) => ({ ...peer, online: false }))
    ]
  }

  // Files and versions name the device that wrote them by id: shown by name where this page knows it.
  deviceName(deviceId: string): string {
    if (deviceId === this.#status?.device.id) return `${shown(this.#status.device.name)} (this device)`
    const peer = this.#peers.find((p) => p.deviceId === deviceId) ?? this.#departed.find((p) => p.deviceId === deviceId)
    return peer === undefined ? shortId(deviceId) : shown(peer.name)
  }

  // Subscribes before loading, so no event between the snapshot and the subscription is lost.
  start(): () => void {
    const client = this.#client
    const stops = [
      client.on('peer.joined', (peer) => this.#onpeer(peer)),
      client.on('peer.updated', (peer) => this.#onpeer(peer)),
      client.on('peer.left', (peer) => this.#onpeerleft(peer)),
      client.on('peer.refused', (refused) => this.#activity.add('refused', peerRefused(refused))),
      client.on('topic.joined', (topic) => this.#ontopic(topic)),
      client.on('topic.left', (topic) => this.#ontopicleft(topic)),
      client.on('device.renamed', (device) => this.#ondevice(device)),
      client.onConnection((state) => {
        this.#connection = state
        if (state === 'open') void this.load()
      })
    ]
    return () => stops.forEach((stop) => stop())
  }

  async load(): Promise<void> {
    try {
      const [status, topics, peers] = await Promise.all([
        this.#client.call('status', {}),
        this.#client.call('topics', {}),
        this.#client.call('peers', {})
      ])
      this.#status = status
      this.#topics = topics
      this.#peers = peers
      this.#phase = 'ready'
      this.#loadError = null
    } catch (err) {
      this.#loadError = messageOf(err)
      // A failed reload keeps the last snapshot on screen; the connection banner says why.
      if (this.#status === null) this.#phase = 'error'
    }
  }

  async rename(name: string): Promise<Device> {
    const device = await this.#client.call('name.set', { name })
    this.#ondevice(device)
    return device
  }

  async createTopic(label: string | undefined): Promise<JoinedTopic> {
    const topic = await this.#client.call('topic.create', { label })
    this.#ontopic(topic)
    return topic
  }

  async joinTopic(keyphrase: string, label: string | undefined): Promise<JoinedTopic> {
    const topic = await this.#client.call('topic.join', { keyphrase, label })
    this.#ontopic(topic)
    return topic
  }

  async leaveTopic(topicId: string): Promise<void> {
    const topic = await this.#client.call('topic.leave', { topic: topicId })
    this.#ontopicleft(topic)
  }

  #labelOf = (topicId: string): string => {
    const topic = this.#topics.find((t) => t.id === topicId)
    return topic === undefined ? topicId : topicName(topic)
  }

  #onpeer(peer: Peer): void {
    const before = this.#peers.find((p) => p.deviceId === peer.deviceId)
    this.#peers = [...this.#peers.filter((p) => p.deviceId !== peer.deviceId), peer].sort(byName)
    this.#departed = this.#departed.filter((p) => p.deviceId !== peer.deviceId)
    for (const line of peerChanges(before, peer, this.#labelOf)) this.#activity.add('peer', line)
  }

  #onpeerleft(peer: Peer): void {
    // The event's peer may already have no topics left; the last known row says where it was.
    const last = this.#peers.find((p) => p.deviceId === peer.deviceId) ?? peer
    this.#peers = this.#peers.filter((p) => p.deviceId !== peer.deviceId)
    this.#departed = [...this.#departed.filter((p) => p.deviceId !== peer.deviceId), last].sort(byName)
    this.#activity.add('peer', peerLeft(last))
  }

  // A command's own result and its event both land here; only the first one counts as news.
  #ontopic(topic: Topic): void {
    const known = this.#topics.some((t) => t.id === topic.id)
    const { id, label, peers, joinedAt } = topic
    this.#topics = [...this.#topics.filter((t) => t.id !== id), { id, label, peers, joinedAt }]
    if (!known) this.#activity.add('topic', `You joined ${topicName(topic)}`)
  }

  #ontopicleft(topic: Topic): void {
    const known = this.#topics.some((t) => t.id === topic.id)
    this.#topics = this.#topics.filter((t) => t.id !== topic.id)
    if (known) this.#activity.add('topic', `You left ${topicName(topic)}`)
  }

  #ondevice(device: Device): void {
    const renamed = this.#status !== null && this.#status.device.name !== device.name
    if (this.#status !== null) this.#status = { ...this.#status, device }
    if (renamed) this.#activity.add('device', `This device is now called ${device.name}`)
  }
}

function byName(a: Peer, b: Peer): number {
  return a.name.localeCompare(b.name) || a.deviceId.localeCompare(b.deviceId)
}
