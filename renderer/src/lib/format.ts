// How numbers, ids, times and names read in the UI.
import { type ConnectionType, type PeerLane, type Topic, escapeControls } from '../../../contract'

// A name a peer chose (device, folder, file): Svelte already keeps it from
// being markup; this keeps its control characters (line breaks, bidi
// overrides) visible as escapes instead of letting them reshape the text.
export function shown(name: string): string {
  return escapeControls(name)
}

const UNITS = ['B', 'KB', 'MB', 'GB', 'TB']

export function formatBytes(bytes: number): string {
  let value = bytes
  let unit = 0
  while (value >= 1000 && unit < UNITS.length - 1) {
    value /= 1000
    unit++
  }
  return `${unit === 0 ? value : value.toFixed(value < 10 ? 1 : 0)} ${UNITS[unit]}`
}

export function formatRate(bytesPerSecond: number): string {
  return `${formatBytes(bytesPerSecond)}/s`
}

export function formatCount(count: number, one: string, many = `${one}s`): string {
  return `${count.toLocaleString()} ${count === 1 ? one : many}`
}

// "a", "a and b", "a, b and c".
export function listOf(items: string[], empty: string): string {
  if (items.length <= 1) return items[0] ?? empty
  return `${items.slice(0, -1).join(', ')} and ${items.at(-1)}`
}

export function formatRtt(ms: number): string {
  return ms < 1 ? '< 1 ms' : `${Math.round(ms)} ms`
}

// Ids are 16 z-base-32 characters; the first 8 tell one's own devices apart at a glance.
export function shortId(id: string): string {
  return id.slice(0, 8)
}

export function formatTime(at: Date): string {
  return at.toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit', second: '2-digit' })
}

export function formatDate(iso: string): string {
  return new Date(iso).toLocaleDateString(undefined, { year: 'numeric', month: 'short', day: 'numeric' })
}

export function formatDateTime(iso: string): string {
  return new Date(iso).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' })
}

const CONNECTIONS: Record<ConnectionType, string> = {
  direct: 'Direct',
  holepunched: 'Hole-punched',
  relayed: 'Relayed'
}

export function connectionLabel(type: ConnectionType): string {
  return CONNECTIONS[type]
}

const LANES: Record<PeerLane, string> = {
  tcp: 'Fast lane (TCP)',
  swarm: 'Swarm (UDX)'
}

export function laneLabel(lane: PeerLane): string {
  return LANES[lane]
}

// The node labels a topic joined without a label with its id; show that as a short, readable name.
export function topicName(topic: Topic): string {
  return topic.label === topic.id ? `Topic ${shortId(topic.id)}` : topic.label
}
