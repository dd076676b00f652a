// When two devices edit a file concurrently, the loser is kept beside the
// winner under Syncthing's conflict name, so people who use both recognise it:
// `<name>.sync-conflict-YYYYMMDD-HHMMSS-<device><ext>`.
import { HyperfoldError } from '../../../contract/errors'
import { MAX_SEGMENT_BYTES } from './folder-path'

const CONFLICT_PATTERN = /\.sync-conflict-\d{8}-\d{6}-[A-Za-z0-9]+(\.|$)/

export function conflictCopyName(folderPath: string, date: Date, deviceId: string): string {
  if (!/^[A-Za-z0-9]+$/.test(deviceId)) {
    throw new HyperfoldError('BAD_INPUT', `A device id is letters and digits only, not ${JSON.stringify(deviceId)}.`)
  }
  return withMarker(folderPath, `.sync-conflict-${timestamp(date)}-${deviceId}`)
}

// Whether `copy` is the conflict copy of `original` that `marker` names: the
// test for a copy whose name had to be shortened (see parseConflictCopy).
export function isCopyOf(original: string, copy: string, marker: string): boolean {
  return !isConflictCopy(original) && withMarker(original, marker) === copy
}

export function isConflictCopy(folderPath: string): boolean {
  return CONFLICT_PATTERN.test(folderPath.slice(folderPath.lastIndexOf('/') + 1))
}

export interface ConflictCopyName {
  // The path the copy is a version of, as its name says; when `shortened`, the
  // name may have lost the end of its stem to fit, and isCopyOf finds the real one.
  original: string
  device: string
  marker: string
  shortened: boolean
}

// What a conflict copy's name says: the path it is a version of and the device
// whose edit lost. Null for any other path.
export function parseConflictCopy(folderPath: string): ConflictCopyName | null {
  const slash = folderPath.lastIndexOf('/')
  const name = folderPath.slice(slash + 1)
  const found = /\.sync-conflict-\d{8}-\d{6}-([A-Za-z0-9]+)(?=\.|$)/.exec(name)
  if (found === null) return null
  const [marker, device] = [found[0], found[1]!]
  const original = folderPath.slice(0, slash + 1) + name.slice(0, found.index) + name.slice(found.index + marker.length)
  // A cut removes whole characters (up to 4 bytes each) until the name fits.
  return { original, device, marker, shortened: Buffer.byteLength(name) > MAX_SEGMENT_BYTES - 4 }
}

// The extension is the last one ("archive.tar.gz" -> ".gz"), and leading dots
// belong to the name, so ".bashrc" has none.
export function splitExtension(name: string): { stem: string; ext: string } {
  const dot = name.lastIndexOf('.')
  const firstNonDot = name.search(/[^.]/)
  if (firstNonDot === -1 || dot <= firstNonDot) return { stem: name, ext: '' }
  return { stem: name.slice(0, dot), ext: name.slice(dot) }
}

function timestamp(date: Date): string {
  return date.toISOString().slice(0, 19).replace(/[-:]/g, '').replace('T', '-')
}

function withMarker(folderPath: string, marker: string): string {
  const slash = folderPath.lastIndexOf('/')
  const dir = folderPath.slice(0, slash + 1)
  const { stem, ext } = splitExtension(folderPath.slice(slash + 1))
  return dir + fitBytes(stem, MAX_SEGMENT_BYTES - Buffer.byteLength(marker + ext)) + marker + ext
}

// A long name plus the conflict marker would exceed what disks accept as one
// name, so the name gives way, whole characters at a time.
export function fitBytes(stem: string, room: number): string {
  const chars = [...stem]
  while (chars.length > 0 && Buffer.byteLength(chars.join('')) > room) chars.pop()
  return chars.join('')
}
