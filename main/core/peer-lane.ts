// One peer's fast lane once it is open (see fast-lane): the direct stream and,
// per topic the peer shares with us, a chunk channel that proves membership
// again in its own open. Chunks go this way while it lasts; when it closes,
// they go back to the Hyperswarm connection, which never stopped carrying
// everything else.
import type NoiseSecretStream from '@hyperswarm/secret-stream'
import { ChunkChannel, type ChunkChannelHandlers } from './chunk-channel'
import type { TopicKeys } from './keyphrase'

export interface PeerLaneHandlers {
  serve: ChunkChannelHandlers['serve']
  onrefused(reason: string): void
  onclose(): void
}

export class PeerLane {
  readonly stream: NoiseSecretStream
  private readonly handlers: PeerLaneHandlers
  private readonly chunks = new Map<string, ChunkChannel>()

  constructor(stream: NoiseSecretStream, handlers: PeerLaneHandlers) {
    this.stream = stream
    this.handlers = handlers
    stream.once('close', () => {
      for (const chunks of this.chunks.values()) chunks.close()
      this.handlers.onclose()
    })
  }

  get closed(): boolean {
    return this.stream.destroyed
  }

  // Raw bytes on the socket, for the peers view.
  get bytesIn(): number {
    return this.stream.rawBytesRead
  }

  get bytesOut(): number {
    return this.stream.rawBytesWritten
  }

  openTopic(keys: TopicKeys): void {
    if (this.closed || this.chunks.has(keys.id)) return
    const chunks = new ChunkChannel(
      this.stream,
      keys,
      {
        serve: this.handlers.serve,
        onrefused: (reason) => this.handlers.onrefused(reason),
        onclose: () => {
          if (this.chunks.get(keys.id) === chunks) this.chunks.delete(keys.id)
        }
      },
      { lane: true }
    )
    if (!chunks.closed) this.chunks.set(keys.id, chunks)
  }

  closeTopic(topicId: string): void {
    this.chunks.get(topicId)?.close()
  }

  // The topic's chunk channel, once both ends have proved membership on it.
  source(topicId: string): ChunkChannel | null {
    const chunks = this.chunks.get(topicId)
    return chunks?.usable === true ? chunks : null
  }

  close(): void {
    this.stream.destroy()
  }
}
