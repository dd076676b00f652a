// Who may talk to the API: only pages served by this node (Host and Origin
// name 127.0.0.1 or localhost on our port, which defeats DNS rebinding and
// cross-site requests) holding the node's random token.
import type { IncomingMessage } from 'http'
import { timingSafeEqual } from 'crypto'
import { HyperfoldError, errors } from '../../contract/errors'
import { showInput } from '../../contract/text'
import { TOKEN_PARAM, tokenCookie } from '../../contract/wire'

export class RequestGuard {
  private readonly token: Buffer
  private readonly hosts: Set<string>
  private readonly origins: Set<string>
  private readonly cookie: string

  constructor(token: string, port: number) {
    this.token = Buffer.from(token)
    this.hosts = new Set([`127.0.0.1:${port}`, `localhost:${port}`])
    this.origins = new Set([...this.hosts].map((host) => `http://${host}`))
    this.cookie = tokenCookie(port)
  }

  // Throws the error to answer with, or returns how the token came (a token in
  // the URL is turned into a cookie, so the page's own assets load too).
  check(req: IncomingMessage, url: URL): 'header' | 'query' | 'cookie' {
    if (!this.hosts.has(req.headers.host ?? '')) throw errors.forbidden('Requests must be addressed to 127.0.0.1 or localhost.')
    const origin = req.headers.origin
    if (origin !== undefined && !this.origins.has(origin)) throw errors.forbidden(`Origin ${showInput(origin)} may not use this node.`)
    const bearer = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1]
    if (bearer !== undefined) return this.expect(bearer, 'header')
    const query = url.searchParams.get(TOKEN_PARAM)
    if (query !== null) return this.expect(query, 'query')
    const cookie = readCookie(req.headers.cookie ?? '', this.cookie)
    if (cookie !== undefined) return this.expect(cookie, 'cookie')
    throw errors.unauthorized()
  }

  private expect<T>(candidate: string, how: T): T {
    const given = Buffer.from(candidate)
    if (given.length !== this.token.length || !timingSafeEqual(given, this.token)) throw errors.unauthorized()
    return how
  }
}

export function statusOf(err: HyperfoldError): number {
  const statuses: Partial<Record<HyperfoldError['code'], number>> = {
    UNAUTHORIZED: 401,
    FORBIDDEN: 403,
    UNKNOWN_COMMAND: 404,
    INTERNAL: 500,
    NODE_CLOSED: 503
  }
  return statuses[err.code] ?? 400
}

function readCookie(header: string, name: string): string | undefined {
  for (const part of header.split(';')) {
    const [key, ...value] = part.trim().split('=')
    if (key === name) return value.join('=')
  }
  return undefined
}
