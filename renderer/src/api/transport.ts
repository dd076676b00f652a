// How the UI reaches its node. Two transports behind this one interface:
// Electron IPC through window.hyperfold (desktop) and a WebSocket to the
// headless server (browser). The UI above it never knows which.
import type { ApiError, EventMessage } from '../../../contract'

export type Outcome = { ok: true; result: unknown } | { ok: false; error: ApiError }

// 'lost' means the transport is trying to get the connection back.
export type ConnectionState = 'connecting' | 'open' | 'lost'

export interface Transport {
  request(command: string, input: unknown): Promise<Outcome>
  subscribe(listener: (message: EventMessage) => void): () => void
  onState(listener: (state: ConnectionState) => void): () => void
  close(): void
}

export function lostConnection(): Outcome {
  return { ok: false, error: { code: 'NODE_NOT_RUNNING', message: 'No connection to the Hyperfold node.' } }
}
