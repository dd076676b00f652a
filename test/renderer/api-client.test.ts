import { describe, expect, test } from 'vitest'
import { ApiClient } from '../../renderer/src/api/client'
import type { ConnectionState, Outcome, Transport } from '../../renderer/src/api/transport'
import type { EventMessage } from '../../contract'

// A transport that only carries events, and counts who listens.
class EventPipe implements Transport {
  readonly listeners = new Set<(message: EventMessage) => void>()
  async request(): Promise<Outcome> {
    return { ok: true, result: null }
  }
  subscribe(listener: (message: EventMessage) => void): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }
  onState(listener: (state: ConnectionState) => void): () => void {
    listener('open')
    return () => {}
  }
  close(): void {}
  emit(message: EventMessage): void {
    for (const listener of this.listeners) listener(message)
  }
}

describe('ApiClient events', () => {
  test('many listeners share one subscription of the transport, each hears its own event, and the last one leaving ends it', () => {
    const pipe = new EventPipe()
    const client = new ApiClient(pipe)
    const heard: string[] = []
    const offs = Array.from({ length: 12 }, (_, i) => client.on('folder.updated', () => heard.push(`folder ${i}`)))
    offs.push(client.on('peer.left', (peer) => heard.push(`left ${peer.name}`)))
    expect(pipe.listeners.size).toBe(1)

    pipe.emit({ event: 'peer.left', payload: { name: 'abc' } } as EventMessage)
    expect(heard).toEqual(['left abc'])

    offs.pop()!()
    pipe.emit({ event: 'peer.left', payload: { name: 'abc' } } as EventMessage)
    expect(heard).toEqual(['left abc'])
    for (const off of offs) off()
    expect(pipe.listeners.size).toBe(0)
  })
})
