// The frames of the WebSocket transport, shared by the server and the UI.
import type { ApiError } from './errors'
import type { EventMessage } from './index'

export interface RequestFrame {
  id: number
  command: string
  input?: unknown
}

export type ReplyFrame = { id: number | null; ok: true; result: unknown } | { id: number | null; ok: false; error: ApiError }

export type ServerFrame = ReplyFrame | EventMessage

export const API_PREFIX = '/api/'
export const WS_PATH = '/api/ws'
export const TOKEN_PARAM = 'token'
// GET or HEAD FILE_PATH?folder=<name or id>&path=</in/folder>: one file's newest
// bytes, whole or the Range asked for (declared as the contract's `streams.file`).
export const FILE_PATH = '/api/file'

// The desktop app has no HTTP server: its window reads the same route through
// this privileged scheme, answered in the main process (FILE_ORIGIN + FILE_PATH).
export const FILE_SCHEME = 'hyperfold-file'
export const FILE_ORIGIN = `${FILE_SCHEME}://node`

// The file route's address for a file: relative to the page in a browser (the
// token travels in the page's cookie or a header), under FILE_ORIGIN on the desktop.
export function fileUrl(folder: string, path: string, origin = ''): string {
  return `${origin}${FILE_PATH}?folder=${encodeURIComponent(folder)}&path=${encodeURIComponent(path)}`
}
// Cookies are per host, not per port: each node names its own, so two nodes on one machine do not clash.
export function tokenCookie(port: number): string {
  return `hyperfold_token_${port}`
}
