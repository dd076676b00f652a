// The contract's file stream over HTTP: GET or HEAD with the input as query
// parameters, whole or one Range (206 with its Content-Range, 416 past the
// end), typed by the file's extension. A file is shown inline only where a
// browser can show it, never as a page: text of any kind is text/plain, and
// every answer carries a policy that runs nothing (a PDF's viewer aside).
import type { IncomingMessage, ServerResponse } from 'http'
import { Readable } from 'stream'
import { pipeline } from 'stream/promises'
import { HyperfoldError, type StreamInput, contentRange, errors, mediaOf, parseRange, showInput, streams } from '../../contract'

export interface OpenedFile {
  name: string
  size: number
  read(range?: { start: number; end: number }, signal?: AbortSignal): AsyncIterable<Uint8Array>
}

export type OpenFile = (folder: string, path: string) => Promise<OpenedFile>

// Nothing in a file may run or load anything: a sandbox with no scripts. A
// PDF is the exception, as Chromium will not start its viewer in a sandbox.
const SANDBOX = "sandbox; default-src 'none'; img-src 'self' data:; media-src 'self'; style-src 'unsafe-inline'; frame-ancestors 'self'"
const PDF = "frame-ancestors 'self'"

export async function serveFile(req: IncomingMessage, res: ServerResponse, url: URL, open: OpenFile | undefined): Promise<void> {
  const def = streams.file
  if ((req.method !== 'GET' && req.method !== 'HEAD') || open === undefined) throw errors.badInput(`Use GET ${def.path}?folder=<name>&path=</file>.`)
  const input = parseInput(url)
  const file = await open(input.folder, input.path)
  const media = mediaOf(file.name)
  const answer = parseRange(req.headers.range, file.size)
  const headers: Record<string, string | number> = {
    'content-type': media.type,
    'accept-ranges': 'bytes',
    'content-disposition': `${media.preview === null ? 'attachment' : 'inline'}; filename*=UTF-8''${encodeURIComponent(file.name)}`,
    'x-content-type-options': 'nosniff',
    'content-security-policy': media.preview === 'pdf' ? PDF : SANDBOX,
    'cache-control': 'no-store'
  }
  if (answer.kind === 'unsatisfiable') {
    res.writeHead(416, { 'content-range': `bytes */${file.size}`, 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' })
    const error = new HyperfoldError('RANGE_NOT_SATISFIABLE', `${req.headers.range} lies past the end of ${file.name} (${file.size} bytes).`)
    res.end(req.method === 'HEAD' ? undefined : JSON.stringify({ ok: false, error: error.toJSON() }))
    return
  }
  const range = answer.kind === 'partial' ? answer.range : undefined
  const length = range === undefined ? file.size : range.end - range.start + 1
  if (range !== undefined) headers['content-range'] = contentRange(range, file.size)
  const status = range === undefined ? 200 : 206
  if (req.method === 'HEAD' || length === 0) {
    res.writeHead(status, { ...headers, 'content-length': length })
    res.end()
    return
  }
  // A browser that lets go (a seek, a closed preview) stops the fetch from peers.
  const stop = new AbortController()
  res.on('close', () => stop.abort())
  const source = file.read(range, stop.signal)[Symbol.asyncIterator]()
  // The first bytes before the headers: a file no peer can give now is an error the caller can read, not a cut answer.
  const first = await source.next()
  res.writeHead(status, { ...headers, 'content-length': length })
  const body = Readable.from(
    (async function* () {
      if (first.done !== true) yield first.value
      for (let next = await source.next(); next.done !== true; next = await source.next()) yield next.value
    })()
  )
  await pipeline(body, res, { signal: stop.signal }).catch(() => res.destroy()) // the peer or the browser went away mid-file
  await source.return?.()
}

function parseInput(url: URL): StreamInput<'file'> {
  const parsed = streams.file.input.safeParse(Object.fromEntries(url.searchParams))
  if (!parsed.success) throw errors.badInput(showInput(parsed.error.issues[0]?.message ?? 'Invalid input.', 200))
  return parsed.data
}
