// Every error that crosses a transport carries a stable code (tests and scripts
// match on it) and a one-line message a person can act on.

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
  'FOLDER_PATH_INVALID',
  'FOLDER_NAME_TAKEN',
  'FILE_NOT_FOUND',
  'VERSION_NOT_FOUND',
  'PEER_DATA_INVALID',
  'TIMEOUT',
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

export function toApiError(err: unknown): ApiError {
  if (err instanceof HyperfoldError) return err.toJSON()
  const message = err instanceof Error ? err.message : String(err)
  return { code: 'INTERNAL', message: `Internal error: ${message}` }
}

export function fromApiError(err: ApiError): HyperfoldError {
  return new HyperfoldError(isErrorCode(err.code) ? err.code : 'INTERNAL', err.message)
}

export const errors = {
  badInput: (message: string) => new HyperfoldError('BAD_INPUT', message),
  unknownCommand: (name: string) => new HyperfoldError('UNKNOWN_COMMAND', `Unknown command "${name}".`),
  topicNotFound: (ref: string) =>
    new HyperfoldError('TOPIC_NOT_FOUND', `No joined topic matches "${ref}" (see the topic list for ids and labels).`),
  topicAlreadyJoined: (id: string) => new HyperfoldError('TOPIC_ALREADY_JOINED', `Topic ${id} is already joined.`),
  unauthorized: () => new HyperfoldError('UNAUTHORIZED', 'Missing or wrong API token.'),
  forbidden: (why: string) => new HyperfoldError('FORBIDDEN', why),
  nodeClosed: () => new HyperfoldError('NODE_CLOSED', 'The node is shutting down.')
}
