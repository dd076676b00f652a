// What every protomux channel of ours shares: frames taken as raw bytes, and
// one record of the connections we hung up on. protomux rethrows a decoder's
// or a handler's SyntaxError or RangeError (safety-catch) out of the process,
// so nothing a peer sends may reach it as a throw.
import c from 'compact-encoding'
import type { Encoding } from 'protomux'
import type { Duplex } from 'stream'

// The bytes of a frame as they came: never throws, whatever the remote sent.
export const raw = c.raw as unknown as Encoding<Buffer>

// A connection is refused (or dropped) once, however many of its channels find fault with it.
const droppedConnections = new WeakSet<Duplex>()

export function isDropped(conn: Duplex): boolean {
  return droppedConnections.has(conn)
}

// True the first time only: the caller says why, in one line, once.
export function markDropped(conn: Duplex): boolean {
  if (droppedConnections.has(conn)) return false
  droppedConnections.add(conn)
  return true
}

// A throw from our own handling, reached through a peer's message, ends that
// connection and not the process. Nothing is thrown back into protomux: it
// rethrows TypeError, RangeError and their kin, and a throw out of an open
// handler leaves the channel half set up for the frames that follow.
// `what` names the channel in the error ("member channel").
export function guarded(conn: Duplex, what: string, fn: () => void): void {
  try {
    fn()
  } catch (err) {
    droppedConnections.add(conn) // nothing more is read from it
    conn.destroy(new Error(`${what}: ${err instanceof Error ? err.message : String(err)}`, { cause: err }))
  }
}
