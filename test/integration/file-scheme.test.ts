// The desktop app's file scheme answers the file route as the HTTP server
// does: a peer's file, not synced here, read by range through the very
// handler Electron's protocol.handle is given (WHATWG Request in, Response out).
import fs from 'fs/promises'
import path from 'path'
import { randomBytes } from 'crypto'
import { afterAll, beforeAll, describe, expect, test, vi } from 'vitest'
import type { HyperfoldNode } from '../../main/core/node'
import { FILE_ORIGIN, fileUrl } from '../../contract/wire'
import { fileSchemeHandler } from '../../main/electron/file-scheme'
import { TestEnv } from '../helpers/env'
import { joinedNodes, waitOffered } from '../helpers/folders'

vi.setConfig({ testTimeout: 120_000, hookTimeout: 120_000 })

const MiB = 1 << 20
const SIZE = 3 * MiB + 123

describe("the desktop file scheme reads a peer's file before syncing it", () => {
  let env: TestEnv
  let b: HyperfoldNode
  let handler: (request: Request) => Promise<Response>
  const bytes = randomBytes(SIZE)

  beforeAll(async () => {
    env = await TestEnv.create()
    const [a, second] = (await joinedNodes(env, 2)).nodes as [HyperfoldNode, HyperfoldNode]
    b = second
    const root = await env.tmpDir()
    await fs.mkdir(path.join(root, 'clips'))
    await fs.writeFile(path.join(root, 'clips', 'film.mp4'), bytes)
    await fs.writeFile(path.join(root, 'paper.pdf'), '%PDF-1.4\n%%EOF\n')
    await fs.writeFile(path.join(root, 'page.html'), '<script>alert(1)</script>')
    await a.folders.share({ path: root, topic: 'family', name: 'Media' })
    await a.folders.waitSynced('Media', 60_000)
    await waitOffered(b, 'Media')
    handler = fileSchemeHandler((folder, file) => b.folders.openFile(folder, file))
  })
  afterAll(async () => {
    await env.close()
  })

  function request(file: string, headers: Record<string, string> = {}, method = 'GET'): Promise<Response> {
    return handler(new Request(fileUrl('Media', file, FILE_ORIGIN), { method, headers }))
  }

  test('nothing of the file is on this device', () => {
    expect(b.folders.info('Media')).toMatchObject({ state: 'available', path: null })
  })

  test.each([
    ['the first byte', 'bytes=0-0', 0, 0],
    ['bytes in the middle', `bytes=${MiB + 5}-${2 * MiB + 4}`, MiB + 5, 2 * MiB + 4],
    ['the last byte', `bytes=${SIZE - 1}-${SIZE - 1}`, SIZE - 1, SIZE - 1],
    ['a suffix range', 'bytes=-777', SIZE - 777, SIZE - 1]
  ])('%s: 206, typed and inline, exactly those bytes', async (_, range, start, end) => {
    const res = await request('/clips/film.mp4', { range })
    expect(res.status).toBe(206)
    expect(res.headers.get('content-range')).toBe(`bytes ${start}-${end}/${SIZE}`)
    expect(res.headers.get('content-length')).toBe(String(end - start + 1))
    expect(res.headers.get('content-type')).toBe('video/mp4')
    expect(res.headers.get('content-disposition')).toBe("inline; filename*=UTF-8''film.mp4")
    // The page is a file:// one: it may read the answer and its Content-Range.
    expect(res.headers.get('access-control-allow-origin')).toBe('*')
    expect(res.headers.get('access-control-expose-headers')).toMatch(/content-range/)
    expect(Buffer.from(await res.arrayBuffer()).equals(bytes.subarray(start, end + 1))).toBe(true)
  })

  test('the whole file without a Range', async () => {
    const res = await request('/clips/film.mp4')
    expect([res.status, res.headers.get('content-length')]).toEqual([200, String(SIZE)])
    expect(Buffer.from(await res.arrayBuffer()).equals(bytes)).toBe(true)
  })

  test('a range past the end is 416 with the size and a readable error', async () => {
    const res = await request('/clips/film.mp4', { range: `bytes=${SIZE}-` })
    expect(res.status).toBe(416)
    expect(res.headers.get('content-range')).toBe(`bytes */${SIZE}`)
    expect(((await res.json()) as { error: { code: string; message: string } }).error).toMatchObject({ code: 'RANGE_NOT_SATISFIABLE', message: expect.stringContaining('past the end') })
  })

  test('HEAD tells the size without a body; a missing file is its error code', async () => {
    const head = await request('/clips/film.mp4', {}, 'HEAD')
    expect([head.status, head.headers.get('content-length'), head.body]).toEqual([200, String(SIZE), null])
    const missing = await request('/nope.txt')
    expect(missing.status).toBe(400)
    expect(((await missing.json()) as { error: { code: string } }).error.code).toBe('FILE_NOT_FOUND')
  })

  test('HTML only ever as plain text in a sandbox; a PDF inline for the viewer', async () => {
    const html = await request('/page.html')
    expect(html.headers.get('content-type')).toBe('text/plain; charset=utf-8')
    expect(html.headers.get('content-security-policy')).toMatch(/^sandbox; default-src 'none'/)
    expect(await html.text()).toBe('<script>alert(1)</script>')
    const pdf = await request('/paper.pdf')
    expect([pdf.headers.get('content-type'), pdf.headers.get('content-disposition')]).toEqual(['application/pdf', "inline; filename*=UTF-8''paper.pdf"])
    expect(pdf.headers.get('content-security-policy')).toBeNull() // the viewer starts in no sandbox; only the app's window reaches the scheme
    expect(await pdf.text()).toBe('%PDF-1.4\n%%EOF\n')
  })

  test('only the file route lives under the scheme', async () => {
    const other = await handler(new Request(`${FILE_ORIGIN}/api/status`))
    expect(other.status).toBe(404)
    const preflight = await handler(new Request(fileUrl('Media', '/page.html', FILE_ORIGIN), { method: 'OPTIONS' }))
    expect([preflight.status, preflight.headers.get('access-control-allow-headers')]).toEqual([204, 'range'])
  })
})
