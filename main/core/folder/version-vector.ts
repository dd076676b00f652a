// A version vector counts, per device, the edits an entry has seen. Comparing
// two tells whether one edit descends from the other or whether two devices
// edited the same entry without seeing each other's change (a conflict).
// A device missing from a vector counts as 0.

export type VersionVector = Readonly<Record<string, number>>
export type VectorOrder = 'equal' | 'before' | 'after' | 'concurrent'

export function compareVectors(a: VersionVector, b: VersionVector): VectorOrder {
  let aAhead = false
  let bAhead = false
  for (const device of deviceIds(a, b)) {
    const diff = countOf(a, device) - countOf(b, device)
    if (diff > 0) aAhead = true
    if (diff < 0) bAhead = true
  }
  if (aAhead && bAhead) return 'concurrent'
  if (aAhead) return 'after'
  return bAhead ? 'before' : 'equal'
}

export function mergeVectors(a: VersionVector, b: VersionVector): VersionVector {
  return Object.fromEntries(
    [...deviceIds(a, b)].map((device) => [device, Math.max(countOf(a, device), countOf(b, device))])
  )
}

export function bumpVector(v: VersionVector, deviceId: string): VersionVector {
  return Object.fromEntries([...Object.entries(v), [deviceId, countOf(v, deviceId) + 1]])
}

function deviceIds(a: VersionVector, b: VersionVector): Set<string> {
  return new Set([...Object.keys(a), ...Object.keys(b)])
}

// Own properties only: vectors come from peers, and "constructor" or
// "__proto__" must count as device ids, not as what Object.prototype holds.
function countOf(v: VersionVector, deviceId: string): number {
  return Object.hasOwn(v, deviceId) ? v[deviceId]! : 0
}
