// The renderer's API client over a real node in this process: each command goes
// through dispatch() and every value through JSON, as over the WebSocket. Only
// the socket itself is left out; connection drops can be played with setState.
import { dispatch } from '../../../main/api/dispatch'
import { type Handlers, createHandlers } from '../../../main/api/handlers'
import type { HyperfoldNode } from '../../../main/core/node'
import type { EventMessage } from '../../../contract'
import { ApiClient } from '../../../renderer/src/api/client'
import type { ConnectionState, Outcome, Transport } from '../../../renderer/src/api/transport'
import { HyperfoldApp } from '../../../renderer/src/state/app.svelte'

const overTheWire = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T

export class InProcessTransport implements Transport {
  readonly #node: HyperfoldNode
  readonly #handlers: Handlers
  readonly #stateListeners = new Set<(state: ConnectionState) => void>()
  #state: ConnectionState

  constructor(node: HyperfoldNode, state: ConnectionState = 'open') {
    this.#node = node
    this.#state = state
    this.#handlers = createHandlers(node)
  }

  async request(command: string, input: unknown): Promise<Outcome> {
    return overTheWire(await dispatch(this.#handlers, command, overTheWire(input ?? {})))
  }

  subscribe(listener: (message: EventMessage) => void): () => void {
    return this.#node.onEvent((message) => listener(overTheWire(message)))
  }

  onState(listener: (state: ConnectionState) => void): () => void {
    this.#stateListeners.add(listener)
    listener(this.#state)
    return () => this.#stateListeners.delete(listener)
  }

  setState(state: ConnectionState): void {
    this.#state = state
    for (const listener of this.#stateListeners) listener(state)
  }

  close(): void {}
}

export function appFor(node: HyperfoldNode, state?: ConnectionState): { app: HyperfoldApp; transport: InProcessTransport } {
  const transport = new InProcessTransport(node, state)
  return { app: new HyperfoldApp(new ApiClient(transport)), transport }
}
