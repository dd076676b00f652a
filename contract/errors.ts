// Every error that crosses a transport carries a stable code (tests and scripts
// match on it) and a one-line message a person can act on.
import { showInput } from './text'

// A message longer than this is cut: it still says what went wrong, and a
// caller's megabyte of input never comes back as a megabyte of error.
const MESSAGE_CHARS = 500

export const ERROR_CODES = [
  'BAD_INPUT',
  'UNKNOWN_COMMAND',
  'KEYPHRASE_EMPTY',
  'KEYPHRASE_TOO_LONG',
  'KEYPHRASE_INVALID',
  'TOPIC_NOT_FOUND',
  'TOPIC_ALREADY_JOINED',
  'UNAUTHORIZED',
  'FORBIDDEN',
  'DATA_DIR_LOCKED',
  'DATA_DIR_NOT_WRITABLE',
  'DATA_DIR_DAMAGED',
  'BAD_BOOTSTRAP',
  'NODE_NOT_RUNNING',
  'NODE_CLOSED',
  'PATH_UNSAFE',
  'IGNORE_PARSE',
  'DISK_FULL',
  'PERMISSION_DENIED',
  'FOLDER_NOT_FOUND',
  'FOLDER_NOT_LOCAL',
  // A path on this device (a folder to share or sync into, a file to write) cannot be used.
  'FOLDER_PATH_INVALID',
  'FOLDER_NAME_TAKEN',
  'FILE_NOT_FOUND',
  'VERSION_NOT_FOUND',
  // A path given as a conflict copy that is none, or no longer on this device.
  'NOT_A_CONFLICT',
  'PEER_DATA_INVALID',
  // No peer online now holds the bytes of a version (and this device does not either).
  'BYTES_UNAVAILABLE',
  // Freeing a file's space here would leave no online device with its current version.
  'LAST_COPY',
  // A byte range that lies past the end of the file.
  'RANGE_NOT_SATISFIABLE',
  // The OS's opener (xdg-open, open, start) is missing or refused the file `hyperfold open` wrote.
  'OPEN_FAILED',
  'TIMEOUT',
  // The system failed an operation on a file for a reason none of the codes above names (EIO, EBUSY...).
  'DISK_ERROR',
  'INTERNAL'
] as const

export type ErrorCode = (typeof ERROR_CODES)[number]

export interface ApiError {
  code: ErrorCode
  message: string
}

export class HyperfoldError extends Error {
  readonly code: ErrorCode

  constructor(code: ErrorCode, message: string) {
    super(message)
    this.name = 'HyperfoldError'
    this.code = code
  }

  toJSON(): ApiError {
    return { code: this.code, message: this.message }
  }
}

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && (ERROR_CODES as readonly string[]).includes(value)
}

// Whatever fails, the answer is a stable code and one bounded line of text.
export function toApiError(err: unknown): ApiError {
  const known = err instanceof HyperfoldError ? err : systemError(err)
  if (known !== null) return { code: known.code, message: showInput(known.message, MESSAGE_CHARS) }
  const message = err instanceof Error ? err.message : String(err)
  return { code: 'INTERNAL', message: `Internal error: ${showInput(message, MESSAGE_CHARS)}` }
}

export function fromApiError(err: ApiError): HyperfoldError {
  return new HyperfoldError(isErrorCode(err.code) ? err.code : 'INTERNAL', err.message)
}

// A path in a message: long ones are cut later than echoed input, since the end of a path says most.
const PATH_CHARS = 240

// What a failed system call means to a person, by its errno code; a path in
// the message is `where` or the error's own. Null for an error that is no system call's.
export function systemError(err: unknown, where?: string): HyperfoldError | null {
  const { code, path } = (err ?? {}) as { code?: unknown; path?: unknown }
  if (typeof code !== 'string' || !/^E[A-Z0-9]+$/.test(code)) return null
  const shown = showInput(where ?? (typeof path === 'string' ? path : 'a file'), PATH_CHARS)
  return SYSTEM_ERRORS[code]?.(shown) ?? new HyperfoldError('DISK_ERROR', `The system could not use ${shown} (${code}).`)
}

const SYSTEM_ERRORS: Record<string, (shown: string) => HyperfoldError> = {
  ENOSPC: (p) => new HyperfoldError('DISK_FULL', `The disk is full: could not write ${p}.`),
  EDQUOT: (p) => new HyperfoldError('DISK_FULL', `The disk is full: could not write ${p}.`),
  EACCES: (p) => new HyperfoldError('PERMISSION_DENIED', `Permission denied on ${p}: check its owner and mode.`),
  EPERM: (p) => new HyperfoldError('PERMISSION_DENIED', `Permission denied on ${p}: check its owner and mode.`),
  EROFS: (p) => new HyperfoldError('PERMISSION_DENIED', `The disk holding ${p} is read-only.`),
  ENOENT: (p) => new HyperfoldError('FOLDER_PATH_INVALID', `${p} does not exist, or a folder on its way does not.`),
  ENOTDIR: (p) => new HyperfoldError('FOLDER_PATH_INVALID', `Part of ${p} is a file, not a folder.`),
  ENAMETOOLONG: (p) => new HyperfoldError('FOLDER_PATH_INVALID', `${p} is too long, or a name in it is.`),
  ELOOP: (p) => new HyperfoldError('FOLDER_PATH_INVALID', `${p} goes through too many symlinks.`),
  EISDIR: (p) => new HyperfoldError('FOLDER_PATH_INVALID', `${p} is a folder, not a file.`),
  EEXIST: (p) => new HyperfoldError('FOLDER_PATH_INVALID', `${p} already exists.`)
}

export const errors = {
  badInput: (message: string) => new HyperfoldError('BAD_INPUT', message),
  unknownCommand: (name: string) => new HyperfoldError('UNKNOWN_COMMAND', `Unknown command "${showInput(name)}".`),
  topicNotFound: (ref: string) =>
    new HyperfoldError('TOPIC_NOT_FOUND', `No joined topic matches "${showInput(ref)}" (see the topic list for ids and labels).`),
  topicAlreadyJoined: (id: string) => new HyperfoldError('TOPIC_ALREADY_JOINED', `Topic ${id} is already joined.`),
  unauthorized: () => new HyperfoldError('UNAUTHORIZED', 'Missing or wrong API token.'),
  forbidden: (why: string) => new HyperfoldError('FORBIDDEN', why),
  nodeClosed: () => new HyperfoldError('NODE_CLOSED', 'The node is shutting down.')
}
