// The topics this node has joined, found by id or by label.
import type { Topic } from '../../contract/types'
import { errors } from '../../contract/errors'
import type { TopicKeys } from './keyphrase'

export interface JoinedTopicEntry {
  keys: TopicKeys
  keyphrase: string
  label: string
  joinedAt: string
}

export class TopicRegistry {
  private readonly byId = new Map<string, JoinedTopicEntry>()

  get size(): number {
    return this.byId.size
  }

  values(): IterableIterator<JoinedTopicEntry> {
    return this.byId.values()
  }

  has(id: string): boolean {
    return this.byId.has(id)
  }

  add(entry: JoinedTopicEntry): void {
    if (this.byId.has(entry.keys.id)) throw errors.topicAlreadyJoined(entry.keys.id)
    if (this.findByLabel(entry.label) !== undefined) {
      throw errors.badInput(`A topic labelled "${entry.label}" is already joined; pick another label.`)
    }
    this.byId.set(entry.keys.id, entry)
  }

  delete(id: string): void {
    this.byId.delete(id)
  }

  resolve(ref: string): JoinedTopicEntry {
    const entry = this.byId.get(ref) ?? this.findByLabel(ref)
    if (entry === undefined) throw errors.topicNotFound(ref)
    return entry
  }

  findByChannel(channelId: Buffer): JoinedTopicEntry | undefined {
    for (const entry of this.byId.values()) if (entry.keys.channel.equals(channelId)) return entry
    return undefined
  }

  private findByLabel(label: string): JoinedTopicEntry | undefined {
    const wanted = label.toLocaleLowerCase()
    for (const entry of this.byId.values()) if (entry.label.toLocaleLowerCase() === wanted) return entry
    return undefined
  }
}

export function describeTopic(entry: JoinedTopicEntry, peers: number): Topic {
  return { id: entry.keys.id, label: entry.label, peers, joinedAt: entry.joinedAt }
}
