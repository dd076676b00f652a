// Which replaced versions of a folder's files the archive keeps: a pure
// decision over what the archive holds, so the sweep that deletes can be
// tested apart from it. Staggered is what a Syncthing user knows as
// "staggered" versioning, so it is the default.
import type { FolderHistory, FolderRetention } from '../../../contract/types'

const DAY = 24 * 60 * 60_000
const WEEK = 7 * DAY
const DAILY_UNTIL = 30 * DAY
const WEEKLY_UNTIL = 365 * DAY

export const DEFAULT_HISTORY: FolderHistory = Object.freeze({ retention: 'staggered', own: true })

export interface ArchivedVersion {
  id: string
  path: string
  // When the version was replaced or made (ms since the epoch).
  time: number
  // What this version alone costs in the archive (chunks no other version shares).
  bytes: number
}

// Syncthing's staggered versioner has no cap: a folder edited all day keeps
// a version an hour for a day and one a day for a month, whatever its size.
// A tenth of the disk lets history grow with use while never filling it.
export function defaultCapBytes(diskBytes: number): number {
  return Math.floor(diskBytes / 10)
}

export function keptVersions(policy: FolderRetention, now: number, versions: readonly ArchivedVersion[], capBytes: number | null): Set<string> {
  if (policy === 'off') return new Set()
  if (policy === 'all') return new Set(versions.map((v) => v.id))
  return underCap(staggered(now, versions), capBytes)
}

// With age = now - time, a version falls in one bucket per path:
//   age < 1 day                 its own bucket (every such version is kept);
//   1 day <= age < 30 days      day bucket floor(age / 1 day);
//   30 days <= age < 365 days   week bucket floor((age - 30 days) / 7 days);
//   age >= 365 days             none: dropped.
// Each bucket keeps its newest version (the greatest time; ties go to the greater id).
// A version dated in the future (a peer's clock ahead) counts as younger than a day.
function staggered(now: number, versions: readonly ArchivedVersion[]): ArchivedVersion[] {
  const newest = new Map<string, ArchivedVersion>()
  for (const v of versions) {
    const bucket = bucketOf(now - v.time, v.id)
    if (bucket === null) continue
    const key = JSON.stringify([v.path, bucket])
    const held = newest.get(key)
    if (held === undefined || byAge(v, held) > 0) newest.set(key, v)
  }
  return [...newest.values()]
}

function bucketOf(age: number, id: string): string | null {
  if (age < DAY) return `young:${id}`
  if (age < DAILY_UNTIL) return `day:${Math.floor(age / DAY)}`
  if (age < WEEKLY_UNTIL) return `week:${Math.floor((age - DAILY_UNTIL) / WEEK)}`
  return null
}

// Over the cap, the oldest kept versions go first, whatever their path, until the rest fit.
function underCap(kept: ArchivedVersion[], capBytes: number | null): Set<string> {
  let total = kept.reduce((sum, v) => sum + v.bytes, 0)
  const oldestFirst = kept.sort(byAge)
  let dropped = 0
  while (capBytes !== null && total > capBytes && dropped < oldestFirst.length) total -= oldestFirst[dropped++]!.bytes
  return new Set(oldestFirst.slice(dropped).map((v) => v.id))
}

// Older first; one order for equal times, so that the same input always keeps the same versions.
function byAge(a: ArchivedVersion, b: ArchivedVersion): number {
  return a.time - b.time || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)
}

// Whether this device copies what it writes into its chunk store (its own history).
export function keepsOwn(history: FolderHistory): boolean {
  return history.own && history.retention !== 'off'
}

// Whether a version replaced or deleted here keeps its chunks in the archive.
export function archives(history: FolderHistory): boolean {
  return history.retention !== 'off'
}
