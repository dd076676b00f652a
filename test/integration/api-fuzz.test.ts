// Random commands, inputs, URLs, methods, headers and bodies against a real
// node and its HTTP server: nothing answers INTERNAL or 500, every error is
// one bounded line, and the server keeps answering.
import fs from 'fs/promises'
import net from 'net'
import path from 'path'
import fc from 'fast-check'
import { WebSocket } from 'ws'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { type ApiError, type CommandName, commandNames, commands } from '../../contract'
import { dispatch } from '../../main/api/dispatch'
import { type Handlers, createHandlers } from '../../main/api/handlers'
import type { HyperfoldNode } from '../../main/core/node'
import { ApiServer } from '../../main/server/server'
import { TestEnv } from '../helpers/env'
import { joinedNodes, waitOffered } from '../helpers/folders'

const MAX_MESSAGE = 600

let env: TestEnv
let node: HyperfoldNode
let handlers: Handlers
let server: ApiServer
let sandbox: string

beforeAll(async () => {
  env = await TestEnv.create()
  const { nodes, topic } = await joinedNodes(env, 2)
  node = nodes[0]!
  handlers = createHandlers(node)
  sandbox = await env.tmpDir('hf-fuzz-')
  const staticDir = path.join(sandbox, 'web')
  await fs.mkdir(path.join(staticDir, 'assets'), { recursive: true })
  await fs.writeFile(path.join(staticDir, 'index.html'), '<!doctype html>')
  await fs.writeFile(path.join(staticDir, 'assets', 'app.js'), '')
  server = new ApiServer({ handlers, subscribe: (fn) => node.onEvent(fn), openFile: (f, p) => node.folders.openFile(f, p), staticDir })
  await server.ready()
  env.defer(() => server.close())
  await fs.mkdir(path.join(sandbox, 'Docs'))
  await fs.writeFile(path.join(sandbox, 'Docs', 'a.txt'), 'hello')
  await fs.writeFile(path.join(sandbox, 'plain-file'), 'x')
  await fs.symlink(node.status().dataDir, path.join(sandbox, 'to-data'))
  await node.folders.share({ path: path.join(sandbox, 'Docs'), topic: 'family', name: 'Docs' })
  // A peer offers Remote, so sync's own path checks are reached too.
  const remote = await env.tmpDir('hf-remote-')
  await fs.writeFile(path.join(remote, 'r.txt'), 'remote')
  await nodes[1]!.folders.share({ path: remote, topic, name: 'Remote' })
  await waitOffered(node, 'Remote')
}, 60_000)

afterAll(() => env.close())

function expectReadable(error: ApiError): void {
  expect(error.code).not.toBe('INTERNAL')
  expect(error.message).not.toMatch(/[\p{Cc}\u2028\u2029]/u)
  expect(error.message.length).toBeLessThanOrEqual(MAX_MESSAGE)
}

// Text of every kind, from the plausible to the hostile.
const hostile = fc.constantFrom('', '%', 'a\0b', 'x\r\ny', '\x1b[2J', '\u202Eevil', 'z'.repeat(100_000), '__proto__', '/../..', '\\\\srv\\s', 'C:\\x')
const text = fc.oneof(hostile, fc.string({ maxLength: 40 }), fc.string({ unit: 'binary', maxLength: 40 }))
const junk = fc.oneof(text, fc.integer(), fc.double(), fc.boolean(), fc.constant(null), fc.jsonValue({ maxDepth: 2 }))

// A name inside the sandbox: never "..", so a random path never leaves it (a
// random "/usr" is never shared, a random "/x" never created at the root).
const segment = fc
  .oneof(fc.constantFrom('new', 'Docs', 'a.txt', 'to-data', 'plain-file', 'n'.repeat(300), 'a\0b', 'li\ne', '.'), fc.string({ maxLength: 12 }))
  .map((s) => s.replace(/\.\./g, '_'))
const localPath = fc.oneof(
  { weight: 4, arbitrary: fc.array(segment, { minLength: 1, maxLength: 3 }).map((segs) => `${sandbox}/${segs.join('/')}`) },
  { weight: 1, arbitrary: fc.oneof(fc.constantFrom('Docs', './Docs', 'new', '~/x'), segment) },
  { weight: 1, arbitrary: junk.filter((v) => typeof v !== 'string' || !/^([/\\]|[A-Za-z]:)/.test(v)) }
)
const folderPath = mostly(
  fc.oneof(fc.constantFrom('/', '/a.txt', '/nope', '/a.txt/x', '/.hyperfold/folder.json'), fc.string({ maxLength: 20 }).map((s) => `/${s}`))
)
const valueOf: Record<string, fc.Arbitrary<unknown>> = {
  folder: mostly(fc.constantFrom('Docs', 'docs', 'Remote')),
  topic: mostly(fc.constant('family')),
  name: mostly(fc.string({ minLength: 1, maxLength: 20 })),
  mode: mostly(fc.constantFrom('send-receive', 'send-only', 'receive-only')),
  label: junk,
  keyphrase: junk,
  version: mostly(fc.integer({ min: -1, max: 4 })),
  waitSynced: mostly(fc.boolean()),
  // A random wait on a folder ends at once or never: keep it short.
  timeout: mostly(fc.constantFrom(0.05, 0.1))
}

function mostly<T>(plausible: fc.Arbitrary<T>): fc.Arbitrary<unknown> {
  return fc.oneof({ weight: 4, arbitrary: plausible }, { weight: 1, arbitrary: junk })
}

function rarely<T>(value: fc.Arbitrary<T>): fc.Arbitrary<T | null> {
  return fc.oneof({ weight: 4, arbitrary: fc.constant(null) }, { weight: 1, arbitrary: value })
}

// Each command gets its own keys, mostly with plausible values, so runs reach past the schema into the node.
function inputFor(name: CommandName): fc.Arbitrary<unknown> {
  const keys = Object.keys(commands[name].input.shape)
  const local = new Set<string>(commands[name].localPaths)
  const fields = Object.fromEntries(keys.map((key) => [key, local.has(key) ? localPath : key === 'path' ? folderPath : (valueOf[key] ?? junk)]))
  return fc.oneof(
    { weight: 6, arbitrary: fc.record(fields) },
    { weight: 1, arbitrary: fc.record(fields, { requiredKeys: [] }) },
    { weight: 1, arbitrary: junk }
  )
}

// Joining a random keyphrase is slow by design (Argon2id), and leaving "home" or removing
// Docs would end the run's reach: those are left out.
const fuzzed = commandNames.filter((name) => !['topic.join', 'topic.create', 'topic.leave', 'remove'].includes(name))
const call = fc.oneof(
  { weight: 8, arbitrary: fc.constantFrom(...fuzzed).chain((name) => inputFor(name).map((input) => [name, input] as const)) },
  { weight: 1, arbitrary: fc.tuple(fc.oneof(fc.string({ maxLength: 30 }), fc.constantFrom('__proto__', 'constructor', 'status ', 'STATUS')), junk) }
)

describe('dispatch(handlers, random command, random input)', () => {
  test('never answers INTERNAL; every error is one line of bounded length', async () => {
    await fc.assert(
      fc.asyncProperty(call, async ([name, given]) => {
        const outcome = await dispatch(handlers, name, given)
        if (!outcome.ok) expectReadable(outcome.error)
      }),
      { numRuns: 400 }
    )
    expect(node.status().device.id.length).toBeGreaterThan(0) // the node is still up
  }, 180_000)
})

interface RawReply {
  status: number | null
  body: string
}

// A request written byte for byte, so malformed ones reach the server as sent.
function rawRequest(head: string, body: Buffer): Promise<RawReply> {
  return new Promise((resolve) => {
    const socket = net.connect(server.port, '127.0.0.1')
    const chunks: Buffer[] = []
    socket.on('data', (chunk: Buffer) => chunks.push(chunk))
    socket.on('error', () => undefined) // a reset after the answer: what was read is the answer
    socket.on('close', () => {
      // Headers are ASCII; the body is UTF-8 JSON, so one UTF-8 decode reads both.
      const reply = Buffer.concat(chunks).toString('utf8')
      const status = /^HTTP\/1\.1 (\d{3})/.exec(reply)?.[1]
      resolve({ status: status === undefined ? null : Number(status), body: reply.slice(reply.indexOf('\r\n\r\n') + 4) })
    })
    socket.end(Buffer.concat([Buffer.from(head, 'latin1'), body]))
  })
}

const method = fc.oneof({ weight: 3, arbitrary: fc.constant('POST') }, fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'HEAD', 'OPTIONS', 'PATCH', 'CONNECT', 'TRACE'), fc.stringMatching(/^[A-Z]{1,8}$/))
const target = fc.oneof(
  fc.constantFrom('/', '/%', '//', '//x/api/status', '/assets/app.js', '/assets/%', '/assets/..%2f..%2fetc', '/%2e%2e/%2e%2e/etc/passwd', '/%zz', '/%ff%fe', '/api/', '/api/ws', '/api/file', '/api/file?folder=Docs&path=/a.txt', '/api/file?folder=Docs&path=%00', '*'),
  fc.tuple(fc.constantFrom('/', '/api/', '/api/file?folder=', '/assets/', '/?token='), fc.string({ maxLength: 30 })).map(([a, b]) => a + encodeURI(b)),
  fc.tuple(fc.constantFrom('/', '/api/'), fc.string({ unit: 'binary-ascii', maxLength: 30 })).map(([a, b]) => a + b),
  { weight: 4, arbitrary: fc.constantFrom(...commandNames).map((name) => `/api/${name}`) }
)
const body = fc.oneof(
  fc.constant(Buffer.alloc(0)),
  fc.jsonValue({ maxDepth: 3 }).map((v) => Buffer.from(JSON.stringify(v) ?? '')),
  fc.uint8Array({ maxLength: 200 }).map((bytes) => Buffer.from(bytes)),
  call.map(([, v]) => Buffer.from(JSON.stringify(v) ?? ''))
)
const headerValue = fc.string({ unit: 'binary-ascii', maxLength: 40 }).map((v) => v.replace(/[\r\n]/g, ''))

describe('the HTTP server under random requests', () => {
  test('never answers 500, never crashes, and keeps answering', async () => {
    await fc.assert(
      fc.asyncProperty(
        method,
        target,
        body,
        fc.record({ auth: fc.constantFrom('token', 'token', 'none', 'wrong'), host: rarely(headerValue), origin: rarely(headerValue), extra: rarely(headerValue) }),
        async (verb, path, payload, h) => {
          const lines = [
            `${verb} ${path} HTTP/1.1`,
            `Host: ${h.host ?? `127.0.0.1:${server.port}`}`,
            ...(h.auth === 'token' ? [`Authorization: Bearer ${server.token}`] : h.auth === 'wrong' ? ['Authorization: Bearer nope'] : []),
            ...(h.origin === null ? [] : [`Origin: ${h.origin}`]),
            ...(h.extra === null ? [] : [`X-Extra: ${h.extra}`]),
            'Connection: close',
            `Content-Length: ${payload.length}`
          ]
          const reply = await rawRequest(lines.join('\r\n') + '\r\n\r\n', payload)
          expect(reply.status).not.toBe(500)
          const json = reply.body.slice(reply.body.indexOf('{'), reply.body.lastIndexOf('}') + 1) // it may come chunked
          if (reply.status !== null && reply.status >= 400 && json !== '') expectReadable((JSON.parse(json) as { error: ApiError }).error)
        }
      ),
      { numRuns: 300 }
    )
    const alive = await rawRequest(`POST /api/status HTTP/1.1\r\nHost: 127.0.0.1:${server.port}\r\nAuthorization: Bearer ${server.token}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`, Buffer.alloc(0))
    expect(alive.status).toBe(200)
  }, 180_000)

  test('random WebSocket frames each get a reply that is never INTERNAL', async () => {
    const ws = new WebSocket(`ws://127.0.0.1:${server.port}/api/ws`, { headers: { authorization: `Bearer ${server.token}` } })
    await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject))
    const frame = fc.oneof(
      fc.tuple(fc.integer(), call).map(([id, [name, given]]) => JSON.stringify({ id, command: name, input: given })),
      fc.jsonValue({ maxDepth: 2 }).map((v) => JSON.stringify(v) ?? ''),
      fc.string({ unit: 'binary', maxLength: 60 })
    )
    await fc.assert(
      fc.asyncProperty(frame, async (sent) => {
        // Events (a rename, a folder update) may come first: the reply is the frame with an id key.
        const reply = new Promise<{ ok: boolean; error?: ApiError }>((resolve) => {
          const onmessage = (data: Buffer) => {
            const frame = JSON.parse(data.toString()) as { id?: unknown; ok: boolean; error?: ApiError }
            if (!('id' in frame)) return
            ws.off('message', onmessage)
            resolve(frame)
          }
          ws.on('message', onmessage)
        })
        ws.send(sent)
        const parsed = await reply
        if (!parsed.ok) expectReadable(parsed.error!)
      }),
      { numRuns: 150 }
    )
    ws.close()
  }, 180_000)
})
