// Every web contents the app creates is held to the app's own page: no new
// windows, no navigation, no <webview>, no permissions but writing to the
// clipboard (the keyphrase's copy button) from the app itself.
import type { Session, WebContents } from 'electron'

type ContentsLike = Pick<WebContents, 'setWindowOpenHandler' | 'on'>
type SessionLike = Pick<Session, 'setPermissionRequestHandler' | 'setPermissionCheckHandler'>

const ALLOWED_PERMISSIONS = new Set(['clipboard-sanitized-write'])

export function hardenContents(contents: ContentsLike): void {
  contents.setWindowOpenHandler(() => ({ action: 'deny' }))
  // The renderer is one page that never navigates; anything else is a link or an attack.
  contents.on('will-navigate', (event) => event.preventDefault())
  contents.on('will-redirect', (event) => event.preventDefault())
  contents.on('will-attach-webview', (event) => event.preventDefault())
}

export function hardenSession(session: SessionLike, isApp: (url: string) => boolean): void {
  session.setPermissionRequestHandler((contents, permission, callback) => {
    callback(ALLOWED_PERMISSIONS.has(permission) && isApp(contents.getURL()))
  })
  // Judged by the page's URL: a file page's origin is just "file://", which would match any local file.
  session.setPermissionCheckHandler(
    (contents, permission) => contents !== null && ALLOWED_PERMISSIONS.has(permission) && isApp(contents.getURL())
  )
}
