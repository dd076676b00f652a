import fs from 'fs/promises'
import path from 'path'
import { describe, expect, test } from 'vitest'
import { appEntry, isAppUrl } from '../../main/electron/app-url'
import { hardenContents, hardenSession } from '../../main/electron/harden'
import { webPreferences, windowOptions } from '../../main/electron/window-options'

const ENTRY = appEntry('/opt/Hyperfold/out/renderer')

type Listener = (event: { preventDefault(): void }) => void

// Records what the shell registers on a web contents, as Electron would call it.
function fakeContents() {
  const listeners = new Map<string, Listener>()
  let openHandler: ((details: { url: string }) => { action: string }) | null = null
  const contents = {
    setWindowOpenHandler: (handler: typeof openHandler) => void (openHandler = handler),
    on: (event: string, listener: Listener) => listeners.set(event, listener)
  }
  const prevented = (event: string) => {
    let stopped = false
    listeners.get(event)?.({ preventDefault: () => (stopped = true) })
    return stopped
  }
  return { contents, prevented, open: (url: string) => openHandler?.({ url }) }
}

describe('the desktop window is locked down', () => {
  test('no Node in the page, an isolated preload, the sandbox, web security on', () => {
    const prefs = webPreferences('/app/out/preload/index.cjs')
    expect(prefs).toMatchObject({
      preload: '/app/out/preload/index.cjs',
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false
    })
    const options = windowOptions('/app/out/preload/index.cjs', '/app/assets/icon.png')
    expect(options.webPreferences).toEqual(prefs)
    expect(options.show).toBe(false)
  })

  test('new windows are denied; navigation, redirects and <webview> are blocked', () => {
    const { contents, prevented, open } = fakeContents()
    hardenContents(contents as unknown as Parameters<typeof hardenContents>[0])
    expect(open('https://example.com/')).toEqual({ action: 'deny' })
    expect(prevented('will-navigate')).toBe(true)
    expect(prevented('will-redirect')).toBe(true)
    expect(prevented('will-attach-webview')).toBe(true)
  })

  test('permissions: only clipboard writes, and only for the app page', () => {
    let request: ((contents: { getURL(): string }, permission: string, callback: (ok: boolean) => void) => void) | null = null
    let check: ((contents: { getURL(): string } | null, permission: string) => boolean) | null = null
    const session = {
      setPermissionRequestHandler: (handler: typeof request) => void (request = handler),
      setPermissionCheckHandler: (handler: typeof check) => void (check = handler)
    }
    hardenSession(session as unknown as Parameters<typeof hardenSession>[0], (url) => isAppUrl(url, ENTRY))
    const asks = (url: string, permission: string) => {
      let granted: boolean | undefined
      request!({ getURL: () => url }, permission, (ok) => (granted = ok))
      return granted
    }
    expect(asks(ENTRY, 'clipboard-sanitized-write')).toBe(true)
    expect(asks(ENTRY, 'media')).toBe(false)
    expect(asks(ENTRY, 'notifications')).toBe(false)
    expect(asks('https://evil.example/', 'clipboard-sanitized-write')).toBe(false)
    expect(check!({ getURL: () => ENTRY }, 'clipboard-sanitized-write')).toBe(true)
    expect(check!(null, 'clipboard-sanitized-write')).toBe(false)
    expect(check!({ getURL: () => ENTRY }, 'geolocation')).toBe(false)
  })

  test('the app page is the built index.html alone', () => {
    expect(isAppUrl(ENTRY, ENTRY)).toBe(true)
    expect(isAppUrl(`${ENTRY}?x=1#y`, ENTRY)).toBe(true)
    expect(isAppUrl('file:///opt/Hyperfold/out/renderer/other.html', ENTRY)).toBe(false)
    expect(isAppUrl('file:///tmp/index.html', ENTRY)).toBe(false)
    expect(isAppUrl('http://127.0.0.1:5173/', ENTRY)).toBe(false)
    expect(isAppUrl('not a url', ENTRY)).toBe(false)
  })

  test('the page forbids inline and foreign scripts and styles, and framing-free navigation', async () => {
    const html = await fs.readFile(path.resolve(import.meta.dirname, '../../renderer/index.html'), 'utf8')
    const csp = /http-equiv="Content-Security-Policy"\s+content="([^"]+)"/.exec(html)?.[1]
    expect(csp).toBeDefined()
    const directives = new Map(csp!.split(';').map((d) => d.trim().split(/\s+/)).map(([name, ...values]) => [name, values]))
    expect(directives.get('default-src')).toEqual(["'none'"])
    expect(directives.get('script-src')).toEqual(["'self'"])
    expect(directives.get('style-src')).toEqual(["'self'"])
    expect(directives.get('object-src')).toEqual(["'none'"])
    expect(directives.get('base-uri')).toEqual(["'none'"])
    // A folder's files reach the desktop page through the app's file scheme: as images, media, a PDF's frame and fetched text only.
    for (const name of ['img-src', 'media-src', 'frame-src', 'connect-src']) expect(directives.get(name)).toContain('hyperfold-file:')
    for (const name of ['script-src', 'style-src', 'default-src', 'object-src']) expect(directives.get(name)).not.toContain('hyperfold-file:')
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/)
  })
})
