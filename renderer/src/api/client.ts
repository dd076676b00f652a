// The typed API client: the only way the UI talks to the node. Commands and
// events are typed from the contract; a failed command throws a
// HyperfoldError carrying the contract's code and a readable message.
import type { CommandInput, CommandName, CommandResult, EventMessage, EventName, EventPayload } from '../../../contract'
import { fromApiError } from '../../../contract/errors'
import type { ConnectionState, Transport } from './transport'

export class ApiClient {
  readonly #transport: Transport
  // One subscription to the transport for all of the UI's listeners: over IPC
  // each one would be a listener of its own on Electron's ipcRenderer.
  readonly #listeners = new Set<(message: EventMessage) => void>()
  #unsubscribe: (() => void) | null = null

  constructor(transport: Transport) {
    this.#transport = transport
  }

  async call<K extends CommandName>(command: K, input: CommandInput<K>): Promise<CommandResult<K>> {
    const outcome = await this.#transport.request(command, input)
    if (!outcome.ok) throw fromApiError(outcome.error)
    return outcome.result as CommandResult<K>
  }

  on<E extends EventName>(event: E, fn: (payload: EventPayload<E>) => void): () => void {
    const listener = (message: EventMessage): void => {
      if (message.event === event) fn(message.payload as EventPayload<E>)
    }
    this.#listeners.add(listener)
    this.#unsubscribe ??= this.#transport.subscribe((message) => {
      for (const each of [...this.#listeners]) each(message)
    })
    return () => {
      this.#listeners.delete(listener)
      if (this.#listeners.size > 0) return
      this.#unsubscribe?.()
      this.#unsubscribe = null
    }
  }

  onConnection(fn: (state: ConnectionState) => void): () => void {
    return this.#transport.onState(fn)
  }

  close(): void {
    this.#unsubscribe?.()
    this.#unsubscribe = null
    this.#listeners.clear()
    this.#transport.close()
  }
}

export function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err)
}
