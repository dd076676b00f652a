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
// GET FILE_PATH?folder=<name or id>&path=</in/folder>: one file's newest bytes, for a browser download.
export const FILE_PATH = '/api/file'
// Cookies are per host, not per port: each node names its own, so two nodes on one machine do not clash.
export function tokenCookie(port: number): string {
  return `hyperfold_token_${port}`
}
