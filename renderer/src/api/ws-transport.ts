// The browser transport: one WebSocket to the headless node for commands and
// live events. When it drops (the node restarting, a laptop waking up) it
// reconnects with backoff, and the UI reloads its snapshot once it is open.
import type { EventMessage } from '../../../contract'
import type { ServerFrame } from '../../../contract/wire'
import { type ConnectionState, type Outcome, type Transport, lostConnection } from './transport'

const RETRY_MIN_MS = 500
const RETRY_MAX_MS = 10_000

export class WebSocketTransport implements Transport {
  readonly #url: string
  readonly #pending = new Map<number, (outcome: Outcome) => void>()
  // Requests made before the first connection opens wait for it instead of failing.
  readonly #queue: string[] = []
  readonly #listeners = new Set<(message: EventMessage) => void>()
  readonly #stateListeners = new Set<(state: ConnectionState) => void>()
  #socket: WebSocket | null = null
  #state: ConnectionState = 'connecting'
  #nextId = 1
  #retryMs = RETRY_MIN_MS
  #timer: ReturnType<typeof setTimeout> | null = null
  #closed = false

  constructor(url: string) {
    this.#url = url
    this.#connect()
  }

  request(command: string, input: unknown): Promise<Outcome> {
    if (this.#closed || this.#state === 'lost') return Promise.resolve(lostConnection())
    const id = this.#nextId++
    const frame = JSON.stringify({ id, command, input })
    return new Promise((resolve) => {
      this.#pending.set(id, resolve)
      if (this.#state === 'open') this.#socket!.send(frame)
      else this.#queue.push(frame)
    })
  }

  subscribe(listener: (message: EventMessage) => void): () => void {
    this.#listeners.add(listener)
    return () => this.#listeners.delete(listener)
  }

  onState(listener: (state: ConnectionState) => void): () => void {
    this.#stateListeners.add(listener)
    listener(this.#state)
    return () => this.#stateListeners.delete(listener)
  }

  close(): void {
    this.#closed = true
    if (this.#timer !== null) clearTimeout(this.#timer)
    this.#socket?.close()
  }

  #connect(): void {
    const socket = new WebSocket(this.#url)
    this.#socket = socket
    socket.onopen = () => {
      this.#retryMs = RETRY_MIN_MS
      for (const frame of this.#queue.splice(0)) socket.send(frame)
      this.#setState('open')
    }
    socket.onmessage = (event: MessageEvent) => this.#onframe(event.data)
    socket.onclose = () => this.#ondrop()
  }

  #ondrop(): void {
    this.#socket = null
    this.#queue.length = 0
    for (const resolve of this.#pending.values()) resolve(lostConnection())
    this.#pending.clear()
    if (this.#closed) return
    this.#setState('lost')
    this.#timer = setTimeout(() => this.#connect(), this.#retryMs)
    this.#retryMs = Math.min(this.#retryMs * 2, RETRY_MAX_MS)
  }

  #onframe(data: unknown): void {
    let frame: ServerFrame
    try {
      frame = JSON.parse(String(data)) as ServerFrame
    } catch {
      return // not ours to crash on; the server only sends JSON
    }
    if ('event' in frame) {
      for (const listener of this.#listeners) listener(frame)
      return
    }
    if (frame.id === null) return
    this.#pending.get(frame.id)?.(frame.ok ? { ok: true, result: frame.result } : { ok: false, error: frame.error })
    this.#pending.delete(frame.id)
  }

  #setState(state: ConnectionState): void {
    if (state === this.#state) return
    this.#state = state
    for (const listener of this.#stateListeners) listener(state)
  }
}
