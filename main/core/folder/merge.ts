// The folder's state is a deterministic merge of every writer's latest entry
// per path: the version whose vector dominates wins. Versions made without
// seeing each other are concurrent; then an edit beats a deletion, a newer
// mtime beats an older one, and the larger device id breaks a tie, so every
// device picks the same winner. Concurrent losers that hold content become
// conflict copies. The merged vector absorbs every candidate's, losers
// included: what a device records and later publishes descends from all of
// them, so a deletion after a conflict is not concurrent with the loser (which
// would bring the loser back, an edit beating a deletion).
import type { BlobId } from 'hyperdrive'
import type { EntryMeta } from './entry-meta'
import { type VersionVector, compareVectors, mergeVectors } from './version-vector'

export interface Candidate {
  writer: string // drive key, hex
  seq: number // the entry's position in its drive
  meta: EntryMeta
  blob: BlobId | null // where its bytes are in the drive's blobs
}

export interface Resolution {
  winner: Candidate
  losers: Candidate[] // concurrent with the winner, with content worth keeping
  vv: VersionVector // every candidate's vector merged
}

export function resolve(candidates: Candidate[]): Resolution | null {
  const maximal = candidates.filter(
    (c) => !candidates.some((other) => other !== c && compareVectors(c.meta.vv, other.meta.vv) === 'before')
  )
  if (maximal.length === 0) return null
  const [winner, ...rest] = maximal.sort(byPreference)
  const losers = rest.filter((c) => c.meta.kind === 'file' && compareVectors(c.meta.vv, winner!.meta.vv) === 'concurrent')
  return { winner: winner!, losers, vv: candidates.reduce<VersionVector>((vv, c) => mergeVectors(vv, c.meta.vv), {}) }
}

function byPreference(a: Candidate, b: Candidate): number {
  return (
    Number(a.meta.kind === 'deleted') - Number(b.meta.kind === 'deleted') ||
    b.meta.mtime - a.meta.mtime ||
    (a.meta.device < b.meta.device ? 1 : a.meta.device > b.meta.device ? -1 : 0) ||
    (a.writer < b.writer ? 1 : a.writer > b.writer ? -1 : 0)
  )
}
