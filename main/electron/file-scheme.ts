// The file route inside the desktop app, which has no HTTP server: a
// privileged scheme (FILE_ORIGIN) whose handler is the HTTP route's own
// answerFile, so previews, seeking in a video and text read by range work in
// the window as in the browser. Only the app's window can reach a scheme of
// this session (no navigation, no new windows), so no token guards it; the
// page is a file:// one, another origin, hence the CORS headers.
import { FILE_ORIGIN, FILE_PATH, FILE_SCHEME } from '../../contract/wire'
import { errors } from '../../contract/errors'
import { showInput } from '../../contract/text'
import { type OpenFile, answerFile } from '../server/file-answer'

// The parts of Electron's protocol module used here, so tests need no Electron.
export interface SchemePrivileges {
  standard: boolean
  secure: boolean
  supportFetchAPI: boolean
  stream: boolean
  corsEnabled: boolean
}
export interface ProtocolLike {
  registerSchemesAsPrivileged(schemes: { scheme: string; privileges: SchemePrivileges }[]): void
  handle(scheme: string, handler: (request: Request) => Promise<Response>): void
  unhandle(scheme: string): void
}

// stream: media elements read it by range as they play; supportFetchAPI and corsEnabled: the page's fetch (text, diffs).
export const FILE_SCHEME_PRIVILEGES: SchemePrivileges = { standard: true, secure: true, supportFetchAPI: true, stream: true, corsEnabled: true }

const CORS = {
  'access-control-allow-origin': '*',
  'access-control-expose-headers': 'content-range, accept-ranges, content-disposition'
}

// Before the app is ready, as Electron requires.
export function registerFileSchemePrivileges(protocol: ProtocolLike): void {
  protocol.registerSchemesAsPrivileged([{ scheme: FILE_SCHEME, privileges: FILE_SCHEME_PRIVILEGES }])
}

// Once the app is ready; returns the undo.
export function handleFileScheme(protocol: ProtocolLike, open: OpenFile): () => void {
  protocol.handle(FILE_SCHEME, fileSchemeHandler(open))
  return () => protocol.unhandle(FILE_SCHEME)
}

export function fileSchemeHandler(open: OpenFile): (request: Request) => Promise<Response> {
  return async (request) => {
    if (request.method === 'OPTIONS') {
      return new Response(null, { status: 204, headers: { ...CORS, 'access-control-allow-methods': 'GET, HEAD', 'access-control-allow-headers': 'range' } })
    }
    const url = new URL(request.url)
    const response =
      url.href.startsWith(`${FILE_ORIGIN}/`) && url.pathname === FILE_PATH
        ? await answerFile(request, open, { frameAncestors: null })
        : Response.json({ ok: false, error: errors.badInput(`Nothing at ${showInput(url.pathname)}.`).toJSON() }, { status: 404 })
    for (const [name, value] of Object.entries(CORS)) response.headers.set(name, value)
    return response
  }
}
