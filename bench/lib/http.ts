// JSON over HTTP to 127.0.0.1. node:http rather than fetch: fetch gives up on
// an answer that takes over 300 s, and some calls answer only when their work
// is done (a first share of a big folder, a Syncthing rescan).
import http from 'http'

export interface HttpResult {
  status: number
  body: unknown
}

export function requestJson(
  port: number,
  method: string,
  path: string,
  headers: Record<string, string>,
  payload?: unknown,
  timeoutMs = 3_700_000
): Promise<HttpResult> {
  const body = payload === undefined ? '' : JSON.stringify(payload)
  const allHeaders = { ...headers, ...(payload === undefined ? {} : { 'content-type': 'application/json' }), 'content-length': String(Buffer.byteLength(body)) }
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, path, method, headers: allHeaders, timeout: timeoutMs }, (res) => {
      let text = ''
      res.setEncoding('utf8')
      res.on('data', (chunk: string) => (text += chunk))
      res.on('error', reject)
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: parse(text) }))
    })
    req.on('timeout', () => req.destroy(new Error(`${method} ${path}: no answer after ${timeoutMs / 1000} s`)))
    req.on('error', reject)
    req.end(body)
  })
}

function parse(text: string): unknown {
  if (text === '') return null
  try {
    return JSON.parse(text)
  } catch {
    return text
  }
}
