// The contract's file stream over the node's HTTP server: the request handed
// to answerFile as a WHATWG Request, its Response written back. A browser that
// goes away mid-file aborts the request, which stops the fetch from peers.
import type { IncomingMessage, ServerResponse } from 'http'
import { Readable } from 'stream'
import { pipeline } from 'stream/promises'
import type { ReadableStream as NodeReadableStream } from 'stream/web'
import { errors } from '../../contract/errors'
import { type OpenFile, answerFile } from './file-answer'

export type { OpenFile, OpenedFile } from './file-answer'

export async function serveFile(req: IncomingMessage, res: ServerResponse, url: URL, open: OpenFile | undefined): Promise<void> {
  const stop = new AbortController()
  res.on('close', () => stop.abort())
  const range = req.headers.range
  const request = toRequest(url, req.method ?? 'GET', range, stop.signal)
  const response = await answerFile(request, open, { frameAncestors: "'self'" })
  res.writeHead(response.status, Object.fromEntries(response.headers))
  if (response.body === null) return void res.end()
  await pipeline(Readable.fromWeb(response.body as NodeReadableStream<Uint8Array>), res).catch(() => res.destroy()) // the peer or the browser went away mid-file
}

function toRequest(url: URL, method: string, range: string | undefined, signal: AbortSignal): Request {
  try {
    return new Request(url, { method, headers: range === undefined ? {} : { range }, signal })
  } catch {
    throw errors.badInput(`Use GET ${url.pathname}?folder=<name>&path=</file>.`) // a method no Request may carry (CONNECT, TRACE)
  }
}
