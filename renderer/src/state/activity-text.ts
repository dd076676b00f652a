// The sentences of the activity feed, one per thing that changed.
import type { Peer, RefusedPeer } from '../../../contract'
import { listOf, shortId, shown } from '../lib/format'

export type LabelOf = (topicId: string) => string

export function peerChanges(before: Peer | undefined, after: Peer, labelOf: LabelOf): string[] {
  const name = shown(after.name)
  if (before === undefined) return [`${name} connected on ${listOf(after.topics.map(labelOf), 'no topic')}`]
  const lines: string[] = []
  if (before.name !== after.name) lines.push(`${shown(before.name)} is now called ${name}`)
  for (const id of after.topics) if (!before.topics.includes(id)) lines.push(`${name} joined ${labelOf(id)}`)
  for (const id of before.topics) if (!after.topics.includes(id)) lines.push(`${name} left ${labelOf(id)}`)
  return lines
}

export function peerLeft(peer: Peer): string {
  return `${shown(peer.name)} disconnected`
}

export function peerRefused(refused: RefusedPeer): string {
  return `Refused device ${shortId(refused.deviceId)} at ${refused.address}: ${shown(refused.reason)}`
}
