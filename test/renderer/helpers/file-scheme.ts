// Electron's protocol.handle stands in here: the page's fetches of the app's
// file scheme go to the desktop handler over a real node, as in the app; any
// other fetch is refused, as nothing else may be reached.
import { FILE_SCHEME } from '../../../contract/wire'
import type { HyperfoldNode } from '../../../main/core/node'
import { fileSchemeHandler } from '../../../main/electron/file-scheme'

const pageFetch = globalThis.fetch

export function routeFileScheme(node: HyperfoldNode): void {
  const handler = fileSchemeHandler((folder, file) => node.folders.openFile(folder, file))
  globalThis.fetch = async (input: RequestInfo | URL, init?: RequestInit) => {
    const url = input instanceof Request ? input.url : String(input)
    if (!url.startsWith(`${FILE_SCHEME}:`)) throw new TypeError(`Failed to fetch ${url}`)
    return handler(new Request(url, init))
  }
}

export function restoreFetch(): void {
  globalThis.fetch = pageFetch
}
