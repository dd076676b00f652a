// The typed API client: the only way the UI talks to the node. Commands and
// events are typed from the contract; a failed command throws a
// HyperfoldError carrying the contract's code and a readable message.
import type { CommandInput, CommandName, CommandResult, EventName, EventPayload } from '../../../contract'
import { fromApiError } from '../../../contract/errors'
import type { ConnectionState, Transport } from './transport'

export class ApiClient {
  readonly #transport: Transport

  constructor(transport: Transport) {
    this.#transport = transport
  }

  async call<K extends CommandName>(command: K, input: CommandInput<K>): Promise<CommandResult<K>> {
    const outcome = await this.#transport.request(command, input)
    if (!outcome.ok) throw fromApiError(outcome.error)
    return outcome.result as CommandResult<K>
  }

  on<E extends EventName>(event: E, fn: (payload: EventPayload<E>) => void): () => void {
    return this.#transport.subscribe((message) => {
      if (message.event === event) fn(message.payload as EventPayload<E>)
    })
  }

  onConnection(fn: (state: ConnectionState) => void): () => void {
    return this.#transport.onState(fn)
  }

  close(): void {
    this.#transport.close()
  }
}

export function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err)
}
