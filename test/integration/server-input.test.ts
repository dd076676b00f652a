// Malformed addresses and headers get BAD_INPUT (or FORBIDDEN) in one short line, never a 500.
import fs from 'fs/promises'
import net from 'net'
import path from 'path'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { createHandlers } from '../../main/api/handlers'
import { ApiServer } from '../../main/server/server'
import { TestEnv } from '../helpers/env'

let env: TestEnv
let server: ApiServer

beforeAll(async () => {
  env = await TestEnv.create()
  const node = await env.startNode()
  const staticDir = await env.tmpDir('hf-web-')
  await fs.writeFile(path.join(staticDir, 'index.html'), '<!doctype html>')
  server = new ApiServer({ handlers: createHandlers(node), subscribe: (fn) => node.onEvent(fn), staticDir })
  await server.ready()
  env.defer(() => server.close())
})

afterAll(() => env.close())

function send(requestLine: string, headers: string[] = []): Promise<{ status: number; error?: { code: string; message: string } }> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(server.port, '127.0.0.1')
    const chunks: Buffer[] = []
    socket.on('data', (chunk: Buffer) => chunks.push(chunk))
    socket.on('error', reject)
    socket.on('close', () => {
      const text = Buffer.concat(chunks).toString()
      // The body may come chunked: the JSON is from its first brace to its last.
      const json = text.slice(text.indexOf('{'), text.lastIndexOf('}') + 1)
      resolve({ status: Number(/^HTTP\/1\.1 (\d{3})/.exec(text)?.[1]), error: json === '' ? undefined : JSON.parse(json).error })
    })
    const head = [requestLine, `Host: 127.0.0.1:${server.port}`, `Authorization: Bearer ${server.token}`, 'Connection: close', ...headers]
    socket.end(head.join('\r\n') + '\r\n\r\n')
  })
}

describe('the HTTP server and malformed requests', () => {
  test('a malformed %-escape answers BAD_INPUT, not INTERNAL "URI malformed"', async () => {
    for (const target of ['/%', '/%zz', '/assets/%E0%A4%A']) {
      expect(await send(`GET ${target} HTTP/1.1`)).toEqual({ status: 400, error: { code: 'BAD_INPUT', message: 'The address has a malformed %-escape.' } })
    }
  })

  test('an address that is no URL path answers BAD_INPUT, and "//host/x" is not read as another host\'s /x', async () => {
    expect(await send('GET // HTTP/1.1')).toMatchObject({ status: 400, error: { code: 'BAD_INPUT' } })
    expect(await send('POST //evil/api/status HTTP/1.1', ['Content-Length: 0'])).toMatchObject({ status: 400, error: { code: 'BAD_INPUT' } })
    expect(await send('GET * HTTP/1.1')).toMatchObject({ status: 400, error: { code: 'BAD_INPUT' } })
  })

  test('a WebSocket upgrade to a malformed address is refused and the server keeps answering', async () => {
    const refused = await send('GET //[ HTTP/1.1', ['Upgrade: websocket', 'Connection: Upgrade', 'Sec-WebSocket-Version: 13', 'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ=='])
    expect(refused.status).toBe(400)
    expect(await send('POST /api/status HTTP/1.1', ['Content-Length: 0'])).toMatchObject({ status: 200 })
  })

  test('a long foreign Origin is echoed cut short', async () => {
    const reply = await send('POST /api/status HTTP/1.1', [`Origin: http://${'e'.repeat(8000)}.example`, 'Content-Length: 0'])
    expect(reply).toMatchObject({ status: 403, error: { code: 'FORBIDDEN' } })
    expect(reply.error!.message.length).toBeLessThan(150)
  })
})
