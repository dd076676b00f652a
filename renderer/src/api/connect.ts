// Picks the transport: the preload's bridge inside the desktop app, otherwise
// the WebSocket of the headless node that served this page.
import { FILE_ORIGIN, TOKEN_PARAM, WS_PATH, fileUrl } from '../../../contract/wire'
import { ApiClient } from './client'
import { IpcTransport } from './ipc-transport'
import { WebSocketTransport } from './ws-transport'

export function connect(win: Window): ApiClient {
  if (win.hyperfold !== undefined) return new ApiClient(new IpcTransport(win.hyperfold))
  return new ApiClient(new WebSocketTransport(socketUrl(win.location.href)))
}

// Where the page reads a file's bytes (previews, text, diffs): the node's HTTP
// route in a browser, the app's privileged file scheme on the desktop.
export function fileAddress(win: Window, folder: string, path: string): string {
  return fileUrl(folder, path, win.hyperfold === undefined ? '' : FILE_ORIGIN)
}

// The token comes in the page's address; it is sent on the socket too, because the
// cookie the server also sets is shared by every node on this host, whatever its port.
export function socketUrl(pageHref: string): string {
  const page = new URL(pageHref)
  const url = new URL(WS_PATH, page)
  url.protocol = page.protocol === 'https:' ? 'wss:' : 'ws:'
  const token = page.searchParams.get(TOKEN_PARAM)
  if (token !== null) url.searchParams.set(TOKEN_PARAM, token)
  return url.href
}
