// Bytes on the wire between devices, from each product's own per-connection
// counters, taken before and after a step. A connection that began during the
// step counts from its start only: the figure is then a lower bound, flagged.
import type { Device, WireCounter } from '../products/product'

export type WireSnapshot = Map<string, WireCounter>

export interface WireBytes {
  bytes: number
  // The connection was not the same one throughout the step.
  partial: boolean
}

export async function snapshot(devices: Device[]): Promise<WireSnapshot[]> {
  return Promise.all(devices.map((d) => d.wire()))
}

// What `receiver` counted in from `sender` between two snapshots of it.
export function received(before: WireSnapshot | null, after: WireSnapshot, sender: Device): WireBytes {
  const now = after.get(sender.id)
  if (now === undefined) return { bytes: 0, partial: true }
  const then = before?.get(sender.id)
  if (then === undefined || then.since !== now.since) return { bytes: now.bytesIn, partial: before !== null }
  return { bytes: now.bytesIn - then.bytesIn, partial: false }
}
