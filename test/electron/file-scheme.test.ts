// The desktop wiring of the file scheme: the scheme is made privileged (it
// must be, before the app is ready, for media to stream and fetch to work) and
// its handler is registered and removed again, as Electron's protocol sees it.
import { describe, expect, test } from 'vitest'
import { FILE_SCHEME } from '../../contract/wire'
import { type ProtocolLike, type SchemePrivileges, handleFileScheme, registerFileSchemePrivileges } from '../../main/electron/file-scheme'

class FakeProtocol implements ProtocolLike {
  readonly privileged = new Map<string, SchemePrivileges>()
  readonly handlers = new Map<string, (request: Request) => Promise<Response>>()

  registerSchemesAsPrivileged(schemes: { scheme: string; privileges: SchemePrivileges }[]): void {
    for (const { scheme, privileges } of schemes) this.privileged.set(scheme, privileges)
  }

  handle(scheme: string, handler: (request: Request) => Promise<Response>): void {
    if (this.handlers.has(scheme)) throw new Error(`${scheme} is already handled`) // as Electron does
    this.handlers.set(scheme, handler)
  }

  unhandle(scheme: string): void {
    this.handlers.delete(scheme)
  }
}

describe('the desktop file scheme', () => {
  test('is privileged: standard, secure, streamed, readable by fetch with CORS', () => {
    const protocol = new FakeProtocol()
    registerFileSchemePrivileges(protocol)
    expect(protocol.privileged.get(FILE_SCHEME)).toEqual({ standard: true, secure: true, supportFetchAPI: true, stream: true, corsEnabled: true })
  })

  test('its handler is registered once and removed by the undo', async () => {
    const protocol = new FakeProtocol()
    const undo = handleFileScheme(protocol, () => Promise.reject(new Error('not asked')))
    expect([...protocol.handlers.keys()]).toEqual([FILE_SCHEME])
    const missing = await protocol.handlers.get(FILE_SCHEME)!(new Request(`${FILE_SCHEME}://node/elsewhere`))
    expect(missing.status).toBe(404)
    undo()
    expect(protocol.handlers.size).toBe(0)
  })
})
