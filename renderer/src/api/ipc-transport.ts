// The desktop transport: the preload's window.hyperfold, which answers every
// command with an outcome (IPC would drop an error's code if it threw).
import type { CommandName, EventMessage } from '../../../contract'
import type { HyperfoldBridge } from '../../../preload/bridge'
import type { ConnectionState, Outcome, Transport } from './transport'

export class IpcTransport implements Transport {
  readonly #bridge: HyperfoldBridge

  constructor(bridge: HyperfoldBridge) {
    this.#bridge = bridge
  }

  request(command: string, input: unknown): Promise<Outcome> {
    // The bridge holds exactly the contract's commands, so it is the list to check against.
    if (!Object.hasOwn(this.#bridge.commands, command)) {
      return Promise.resolve({ ok: false, error: { code: 'UNKNOWN_COMMAND', message: `Unknown command "${command}".` } })
    }
    return (this.#bridge.commands[command as CommandName] as (input: unknown) => Promise<Outcome>)(input)
  }

  subscribe(listener: (message: EventMessage) => void): () => void {
    return this.#bridge.onEvent(listener)
  }

  // IPC to the app's own main process cannot drop: it is open for the page's whole life.
  onState(listener: (state: ConnectionState) => void): () => void {
    listener('open')
    return () => {}
  }

  close(): void {}
}
