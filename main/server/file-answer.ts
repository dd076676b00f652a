// The contract's file stream as one WHATWG Request -> Response function, so
// the HTTP server and the desktop app's file scheme answer alike: GET or HEAD
// with the input as query parameters, whole or one Range (206 with its
// Content-Range, 416 past the end), typed by the file's extension. A file is
// shown inline only where a browser can show it, never as a page: text of any
// kind is text/plain, and every answer carries a policy that runs nothing (a
// PDF's viewer aside).
import { HyperfoldError, type StreamInput, contentRange, errors, mediaOf, parseRange, showInput, streams, toApiError, fromApiError } from '../../contract'
import { statusOf } from './guard'

export interface OpenedFile {
  name: string
  size: number
  read(range?: { start: number; end: number }, signal?: AbortSignal): AsyncIterable<Uint8Array>
}

export type OpenFile = (folder: string, path: string) => Promise<OpenedFile>

export interface FileAnswerOptions {
  // Who may frame a file (a PDF's viewer): the HTTP server's own pages. Null
  // leaves it unsaid, for a transport only the app's own window can reach.
  frameAncestors: string | null
}

// Nothing in a file may run or load anything: a sandbox with no scripts. A
// PDF is the exception, as Chromium will not start its viewer in a sandbox.
const SANDBOX = "sandbox; default-src 'none'; img-src 'self' data:; media-src 'self'; style-src 'unsafe-inline'"

export async function answerFile(request: Request, open: OpenFile | undefined, opts: FileAnswerOptions): Promise<Response> {
  try {
    return await answer(request, open, opts)
  } catch (err) {
    const error = toApiError(err)
    return json(statusOf(fromApiError(error)), { ok: false, error })
  }
}

async function answer(request: Request, open: OpenFile | undefined, opts: FileAnswerOptions): Promise<Response> {
  const head = request.method === 'HEAD'
  if ((request.method !== 'GET' && !head) || open === undefined) throw errors.badInput(`Use GET ${streams.file.path}?folder=<name>&path=</file>.`)
  const input = parseInput(new URL(request.url))
  const file = await open(input.folder, input.path)
  const media = mediaOf(file.name)
  const rangeHeader = request.headers.get('range') ?? undefined
  const answer = parseRange(rangeHeader, file.size)
  if (answer.kind === 'unsatisfiable') {
    const error = new HyperfoldError('RANGE_NOT_SATISFIABLE', `${rangeHeader} lies past the end of ${file.name} (${file.size} bytes).`)
    return json(416, head ? null : { ok: false, error: error.toJSON() }, { 'content-range': `bytes */${file.size}` })
  }
  const ancestors = opts.frameAncestors === null ? [] : [`frame-ancestors ${opts.frameAncestors}`]
  const policy = (media.preview === 'pdf' ? ancestors : [SANDBOX, ...ancestors]).join('; ')
  const headers = new Headers({
    'content-type': media.type,
    'accept-ranges': 'bytes',
    'content-disposition': `${media.preview === null ? 'attachment' : 'inline'}; filename*=UTF-8''${encodeURIComponent(file.name)}`,
    'x-content-type-options': 'nosniff',
    'cache-control': 'no-store'
  })
  if (policy !== '') headers.set('content-security-policy', policy)
  const range = answer.kind === 'partial' ? answer.range : undefined
  const length = range === undefined ? file.size : range.end - range.start + 1
  if (range !== undefined) headers.set('content-range', contentRange(range, file.size))
  headers.set('content-length', String(length))
  const status = range === undefined ? 200 : 206
  if (head || length === 0) return new Response(null, { status, headers })
  // A reader that lets go (a seek, a closed preview) stops the fetch from peers.
  const stop = new AbortController()
  request.signal.addEventListener('abort', () => stop.abort(), { once: true })
  const source = file.read(range, stop.signal)[Symbol.asyncIterator]()
  // The first bytes before the headers: a file no peer can give now is an error the caller can read, not a cut answer.
  let pending: IteratorResult<Uint8Array> | null = await source.next()
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      const next: IteratorResult<Uint8Array> = pending ?? (await source.next())
      pending = null
      if (next.done === true) controller.close()
      else controller.enqueue(next.value)
    },
    async cancel() {
      stop.abort()
      await source.return?.()
    }
  })
  return new Response(body, { status, headers })
}

function parseInput(url: URL): StreamInput<'file'> {
  const parsed = streams.file.input.safeParse(Object.fromEntries(url.searchParams))
  if (!parsed.success) throw errors.badInput(showInput(parsed.error.issues[0]?.message ?? 'Invalid input.', 200))
  return parsed.data
}

function json(status: number, value: unknown, extra: Record<string, string> = {}): Response {
  const headers = { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', ...extra }
  return new Response(value === null ? null : JSON.stringify(value), { status, headers })
}
