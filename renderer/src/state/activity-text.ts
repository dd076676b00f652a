// The sentences of the activity feed, one per thing that changed.
import type { Peer, RefusedPeer } from '../../../contract'
import { listOf, shortId } from '../lib/format'

export type LabelOf = (topicId: string) => string

export function peerChanges(before: Peer | undefined, after: Peer, labelOf: LabelOf): string[] {
  if (before === undefined) return [`${after.name} connected on ${listOf(after.topics.map(labelOf), 'no topic')}`]
  const lines: string[] = []
  if (before.name !== after.name) lines.push(`${before.name} is now called ${after.name}`)
  for (const id of after.topics) if (!before.topics.includes(id)) lines.push(`${after.name} joined ${labelOf(id)}`)
  for (const id of before.topics) if (!after.topics.includes(id)) lines.push(`${after.name} left ${labelOf(id)}`)
  return lines
}

export function peerLeft(peer: Peer): string {
  return `${peer.name} disconnected`
}

export function peerRefused(refused: RefusedPeer): string {
  return `Refused device ${shortId(refused.deviceId)} at ${refused.address}: ${refused.reason}`
}
