import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { TestEnv, nextEvent } from '../helpers/env'
import { createHandlers } from '../../main/api/handlers'
import type { HyperfoldNode } from '../../main/core/node'
import { ApiServer } from '../../main/server/server'
import { ApiClient } from '../../renderer/src/api/client'
import type { ConnectionState } from '../../renderer/src/api/transport'
import { socketUrl } from '../../renderer/src/api/connect'
import { WebSocketTransport } from '../../renderer/src/api/ws-transport'

// happy-dom's WebSocket sends the page's origin, which the server checks: the page must be the server's.
const page = globalThis as unknown as { happyDOM: { setURL(url: string): void } }

describe('the WebSocket transport against a real headless server', () => {
  let env: TestEnv
  let node: HyperfoldNode
  beforeAll(async () => {
    env = await TestEnv.create()
    node = await env.startNode()
  })
  afterAll(async () => {
    await env.close()
  })

  async function startServer(opts: { port?: number; token?: string } = {}): Promise<ApiServer> {
    const server = new ApiServer({ handlers: createHandlers(node), subscribe: (fn) => node.onEvent(fn), ...opts })
    await server.ready()
    env.defer(() => server.close())
    return server
  }

  // Listeners stay until the client closes at teardown: a test-long client, a handful of listeners.
  function until(client: ApiClient, wanted: ConnectionState): Promise<void> {
    return new Promise((resolve) => client.onConnection((state) => state === wanted && resolve()))
  }

  test('commands answer with results or coded errors, events arrive, and a restarted server is found again', async () => {
    const first = await startServer()
    page.happyDOM.setURL(first.url)
    const client = new ApiClient(new WebSocketTransport(socketUrl(first.url)))
    env.defer(async () => client.close())

    // Asked before the socket opens: queued, then answered.
    expect((await client.call('status', {})).device.id).toBe(node.status().device.id)
    await expect(client.call('topic.leave', { topic: 'nowhere' })).rejects.toMatchObject({ code: 'TOPIC_NOT_FOUND' })

    const renamed = new Promise((resolve) => client.on('device.renamed', resolve))
    await client.call('name.set', { name: 'over the socket' })
    expect(await renamed).toEqual({ id: node.status().device.id, name: 'over the socket' })

    const { port, token } = first
    const lost = until(client, 'lost')
    await first.close()
    await lost
    await expect(client.call('status', {})).rejects.toMatchObject({ code: 'NODE_NOT_RUNNING' })

    const back = until(client, 'open')
    await startServer({ port, token })
    await back
    const joined = nextEvent(node, 'topic.joined')
    expect((await client.call('topic.join', { keyphrase: 'a long phrase to join after the reconnect' })).label).toBeTruthy()
    await joined
  })

  test('the socket address carries the page token and the scheme of the page', () => {
    expect(socketUrl('http://127.0.0.1:4000/?token=abc')).toBe('ws://127.0.0.1:4000/api/ws?token=abc')
    expect(socketUrl('https://localhost/')).toBe('wss://localhost/api/ws')
  })
})
