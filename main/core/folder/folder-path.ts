// A folder path names an entry inside a shared folder the way Hyperdrive keys
// do: a POSIX string with a leading slash ("/photos/cat.jpg"). Paths arrive
// from peers, so one bad path must never escape the folder root, hit a name we
// use ourselves, or fail differently on Linux, macOS and Windows.
import { HyperfoldError } from '../../../contract/errors'

export const FOLDER_MARKER = '.hyperfold'
export const TEMP_PREFIX = '.hyperfold-tmp-'

export const MAX_SEGMENT_BYTES = 255 // NAME_MAX on ext4, APFS and NTFS
const MAX_PATH_BYTES = 4096 // PATH_MAX on Linux
const MESSAGE_PATH_CHARS = 120

export function parseFolderPath(input: string): string {
  const reason = unsafeReason(input)
  if (reason !== null) throw unsafePath(input, reason)
  return '/' + splitSegments(input).join('/')
}

// The directory a folder path is in ('/' for one at the root).
export function parentOf(path: string): string {
  return path.slice(0, path.lastIndexOf('/')) || '/'
}

// What a name comes to on a disk that ignores case (macOS, Windows) or
// Unicode normalisation (APFS stores é as NFD or NFC): two names with the same
// fold are one file there.
export function foldCase(name: string): string {
  return name.normalize('NFC').toLowerCase()
}

export function unsafePath(input: string, reason: string): HyperfoldError {
  const shown = input.length > MESSAGE_PATH_CHARS ? input.slice(0, MESSAGE_PATH_CHARS) + '…' : input
  // JSON quoting keeps control characters and lone surrogates visible and the message on one line.
  return new HyperfoldError('PATH_UNSAFE', `Refused the path ${JSON.stringify(shown)}: ${reason}.`)
}

function unsafeReason(input: string): string | null {
  if (input === '') return 'it is empty'
  if (!input.isWellFormed()) return 'it is not valid Unicode text'
  if (/\p{Cc}/u.test(input)) return 'it contains a control character'
  if (input.includes('\\')) return 'it contains a backslash'
  if (Buffer.byteLength(input) > MAX_PATH_BYTES) return `it is longer than ${MAX_PATH_BYTES} bytes`
  const segments = splitSegments(input)
  if (segments.length === 0) return 'it names the folder root, not an entry in it'
  if (/^[A-Za-z]:/.test(segments[0]!)) return 'it starts with a Windows drive letter'
  for (const segment of segments) {
    const reason = segmentReason(segment)
    if (reason !== null) return reason
  }
  return null
}

function segmentReason(segment: string): string | null {
  if (segment === '.' || segment === '..') return `it contains a "${segment}" segment`
  if (Buffer.byteLength(segment) > MAX_SEGMENT_BYTES) return `a name in it is longer than ${MAX_SEGMENT_BYTES} bytes`
  if (segment === FOLDER_MARKER || segment.startsWith(TEMP_PREFIX)) {
    return `"${segment}" is a name Hyperfold keeps for itself`
  }
  return null
}

// Empty segments come from a missing or doubled slash ("a//b", "/a/"); they name nothing, so they go.
function splitSegments(input: string): string[] {
  return input.split('/').filter((segment) => segment !== '')
}
