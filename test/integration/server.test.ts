import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import http from 'http'
import { WebSocket } from 'ws'
import { TestEnv } from '../helpers/env'
import { ApiServer } from '../../main/server/server'
import { createHandlers } from '../../main/api/handlers'
import type { HyperfoldNode } from '../../main/core/node'

interface Reply {
  status: number
  body: { ok: boolean; result?: unknown; error?: { code: string; message: string } }
}

describe('headless API server', () => {
  let env: TestEnv
  let node: HyperfoldNode
  let server: ApiServer

  beforeAll(async () => {
    env = await TestEnv.create()
    node = await env.startNode()
    server = new ApiServer({ handlers: createHandlers(node), subscribe: (fn) => node.onEvent(fn) })
    await server.ready()
    env.defer(() => server.close())
  })
  afterAll(async () => {
    await env.close()
  })

  function request(path: string, opts: { body?: string | Buffer; headers?: Record<string, string>; method?: string } = {}) {
    return new Promise<Reply>((resolve, reject) => {
      const req = http.request(
        { host: '127.0.0.1', port: server.port, path, method: opts.method ?? 'POST', headers: opts.headers },
        (res) => {
          const chunks: Buffer[] = []
          res.on('data', (chunk: Buffer) => chunks.push(chunk))
          res.on('end', () => resolve({ status: res.statusCode!, body: JSON.parse(Buffer.concat(chunks).toString()) }))
        }
      )
      req.on('error', reject)
      req.end(opts.body)
    })
  }
  const auth = () => ({ authorization: `Bearer ${server.token}`, 'content-type': 'application/json' })

  test('a command with the token answers its result', async () => {
    const reply = await request('/api/topic.create', { headers: auth(), body: JSON.stringify({ label: 'family' }) })
    expect(reply.status).toBe(200)
    expect(reply.body.result).toMatchObject({ label: 'family', peers: 0 })
  })

  test('no token or a wrong token is refused with UNAUTHORIZED', async () => {
    expect((await request('/api/status')).body.error?.code).toBe('UNAUTHORIZED')
    const wrong = await request('/api/status', { headers: { authorization: 'Bearer nope' } })
    expect(wrong.status).toBe(401)
    expect(wrong.body.error?.code).toBe('UNAUTHORIZED')
  })

  test('a foreign Host or Origin is refused with FORBIDDEN', async () => {
    const host = await request('/api/status', { headers: { ...auth(), host: 'evil.example' } })
    expect([host.status, host.body.error?.code]).toEqual([403, 'FORBIDDEN'])
    const origin = await request('/api/status', { headers: { ...auth(), origin: 'http://evil.example' } })
    expect([origin.status, origin.body.error?.code]).toEqual([403, 'FORBIDDEN'])
  })

  test('bad input gets a readable error and changes nothing', async () => {
    const before = node.listTopics().length
    const cases: [string, string | Buffer, string][] = [
      ['/api/frobnicate', '{}', 'UNKNOWN_COMMAND'],
      ['/api/topic.join', Buffer.from([0x7b, 0xff, 0xfe, 0x7d]), 'BAD_INPUT'],
      ['/api/topic.join', '{not json', 'BAD_INPUT'],
      ['/api/topic.join', '{}', 'BAD_INPUT'],
      ['/api/topic.join', JSON.stringify({ keyphrase: 'x'.repeat(100 * 1024) }), 'KEYPHRASE_TOO_LONG'],
      ['/api/topic.join', JSON.stringify({ keyphrase: ' \n ' }), 'KEYPHRASE_EMPTY'],
      ['/api/topic.leave', JSON.stringify({ topic: 'no-such-topic' }), 'TOPIC_NOT_FOUND']
    ]
    for (const [path, body, code] of cases) {
      const reply = await request(path, { headers: auth(), body })
      expect(reply.body.error?.code, path).toBe(code)
      expect(reply.body.error?.message).toMatch(/^[^\n]{5,200}$/)
    }
    expect(node.listTopics()).toHaveLength(before)
  })

  test('the WebSocket needs the token, answers commands and pushes events', async () => {
    const base = `ws://127.0.0.1:${server.port}/api/ws`
    const refused = new WebSocket(base)
    const failure = await new Promise<string>((resolve) => refused.on('unexpected-response', (_req, res) => resolve(String(res.statusCode))))
    expect(failure).toBe('401')

    const ws = new WebSocket(`${base}?token=${server.token}`)
    const frames: { id?: number; event?: string; ok?: boolean; result?: { name?: string } }[] = []
    ws.on('message', (data: Buffer) => frames.push(JSON.parse(data.toString())))
    await new Promise((resolve) => ws.once('open', resolve))
    const allArrived = new Promise<void>((resolve) => ws.on('message', () => frames.length === 3 && resolve()))
    ws.send(JSON.stringify({ id: 1, command: 'name.set', input: { name: 'kitchen' } }))
    ws.send('not json')
    await allArrived
    expect(frames.find((f) => f.event === 'device.renamed')).toMatchObject({ payload: { name: 'kitchen' } })
    expect(frames.find((f) => f.id === 1)).toMatchObject({ ok: true, result: { name: 'kitchen' } })
    expect(frames.find((f) => f.id === null)).toMatchObject({ ok: false, error: { code: 'BAD_INPUT' } })
    ws.close()
  })
})
