// The API over HTTP and WebSocket on 127.0.0.1: POST /api/<command> and a
// WebSocket at /api/ws for commands and live events. Routes come from the
// contract through dispatch(); nothing here names a command.
import http, { type IncomingMessage, type ServerResponse } from 'http'
import type { Duplex } from 'stream'
import { randomBytes } from 'crypto'
import ReadyResource from 'ready-resource'
import { WebSocketServer, type WebSocket } from 'ws'
import { type EventMessage, HyperfoldError, commands, errors, fromApiError, showInput, toApiError } from '../../contract'
import { API_PREFIX, FILE_PATH, type ReplyFrame, WS_PATH, tokenCookie } from '../../contract/wire'
import { dispatch } from '../api/dispatch'
import type { Handlers } from '../api/handlers'
import { MAX_BODY_BYTES, parseJsonText, readJsonBody } from './body'
import { type OpenFile, serveFile } from './file-route'
import { RequestGuard, statusOf } from './guard'
import { statusPage } from './status-page'
import { serveStatic } from './static-files'

export interface ApiServerOptions {
  handlers: Handlers
  subscribe(listener: (message: EventMessage) => void): () => void
  port?: number
  token?: string
  staticDir?: string | null
  openFile?: OpenFile
}

export class ApiServer extends ReadyResource {
  readonly token: string
  private readonly opts: ApiServerOptions
  private readonly http = http.createServer((req, res) => void this.onrequest(req, res))
  private readonly wss = new WebSocketServer({ noServer: true, maxPayload: MAX_BODY_BYTES })
  private guard: RequestGuard | null = null
  private unsubscribe: (() => void) | null = null

  constructor(opts: ApiServerOptions) {
    super()
    this.opts = opts
    this.token = opts.token ?? randomBytes(24).toString('base64url')
    this.http.on('upgrade', (req, socket) => this.onupgrade(req, socket))
  }

  get port(): number {
    const address = this.http.address()
    return typeof address === 'object' && address !== null ? address.port : 0
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}/?token=${this.token}`
  }

  protected override async _open(): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      this.http.once('error', reject)
      this.http.listen(this.opts.port ?? 0, '127.0.0.1', () => resolve())
    })
    this.guard = new RequestGuard(this.token, this.port)
    this.unsubscribe = this.opts.subscribe((message) => this.broadcast(message))
  }

  protected override async _close(): Promise<void> {
    this.unsubscribe?.()
    for (const client of this.wss.clients) client.terminate()
    await new Promise<void>((resolve) => this.wss.close(() => resolve()))
    this.http.closeAllConnections()
    await new Promise<void>((resolve) => this.http.close(() => resolve()))
  }

  private async onrequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    try {
      const url = requestUrl(req)
      const how = this.guard!.check(req, url)
      if (how === 'query') res.setHeader('set-cookie', `${tokenCookie(this.port)}=${this.token}; HttpOnly; SameSite=Strict; Path=/`)
      if (url.pathname === FILE_PATH) await serveFile(req, res, url, this.opts.openFile)
      else if (url.pathname.startsWith(API_PREFIX)) await this.onapi(req, res, url.pathname.slice(API_PREFIX.length))
      else await this.onpage(req, res, url.pathname)
    } catch (err) {
      const error = toApiError(err)
      if (res.headersSent) res.destroy() // failed mid-answer: cutting the connection is all that is left to say
      else sendJson(res, statusOf(fromApiError(error)), { ok: false, error })
    }
  }

  private async onapi(req: IncomingMessage, res: ServerResponse, name: string): Promise<void> {
    if (req.method === 'GET' && name === '') {
      sendJson(res, 200, { ok: true, result: Object.entries(commands).map(([n, c]) => ({ name: n, summary: c.summary })) })
      return
    }
    if (req.method !== 'POST') throw errors.badInput(`Use POST ${API_PREFIX}<command>.`)
    const outcome = await dispatch(this.opts.handlers, name, await readJsonBody(req))
    sendJson(res, outcome.ok ? 200 : statusOf(fromApiError(outcome.error)), outcome)
  }

  private async onpage(req: IncomingMessage, res: ServerResponse, pathname: string): Promise<void> {
    if (req.method !== 'GET') throw errors.badInput('Only GET is served here.')
    const dir = this.opts.staticDir
    if (dir && (await serveStatic(dir, pathname, res))) return
    if (pathname !== '/') throw errors.badInput(`Nothing at ${showInput(pathname)}.`)
    const status = await dispatch(this.opts.handlers, 'status', {})
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' })
    res.end(statusPage(status))
  }

  private onupgrade(req: IncomingMessage, socket: Duplex): void {
    socket.on('error', () => socket.destroy())
    let url: URL
    try {
      url = requestUrl(req)
      if (url.pathname !== WS_PATH) throw errors.badInput(`Nothing at ${showInput(url.pathname)}.`)
      this.guard!.check(req, url)
    } catch (err) {
      const status = err instanceof HyperfoldError ? statusOf(err) : 400
      socket.end(`HTTP/1.1 ${status} ${http.STATUS_CODES[status]}\r\nconnection: close\r\n\r\n`)
      return
    }
    this.wss.handleUpgrade(req, socket, Buffer.alloc(0), (ws) => this.onsocket(ws))
  }

  private onsocket(ws: WebSocket): void {
    ws.on('error', () => ws.terminate())
    ws.on('message', (data: Buffer) => void this.onframe(ws, data))
  }

  private async onframe(ws: WebSocket, data: Buffer): Promise<void> {
    let reply: ReplyFrame
    let id: number | null = null
    try {
      const frame = parseJsonText(data) as { id?: unknown; command?: unknown; input?: unknown }
      id = typeof frame?.id === 'number' ? frame.id : null
      if (id === null || typeof frame.command !== 'string') throw errors.badInput('A request needs a numeric id and a command.')
      reply = { id, ...(await dispatch(this.opts.handlers, frame.command, frame.input)) }
    } catch (err) {
      reply = { id, ok: false, error: toApiError(err) }
    }
    if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(reply))
  }

  private broadcast(message: EventMessage): void {
    const text = JSON.stringify(message)
    for (const client of this.wss.clients) if (client.readyState === client.OPEN) client.send(text)
  }
}

// Only the path form ("/api/x?y") is taken: "//host/x" would otherwise parse with a host of its own.
function requestUrl(req: IncomingMessage): URL {
  const target = req.url ?? '/'
  if (!target.startsWith('/')) throw errors.badInput('A request must name a path starting with "/".')
  try {
    return new URL(`http://127.0.0.1${target}`)
  } catch {
    throw errors.badInput('The request address is not a valid URL.')
  }
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' })
  res.end(JSON.stringify(body))
}
