// Turns every stream of the contract into a CLI command that writes the bytes
// to stdout: `hyperfold cat FOLDER PATH [--range 100-199]`. Positional
// arguments are the stream's `args`; each of its headers is an --option.
import { Readable } from 'stream'
import { pipeline } from 'stream/promises'
import type { ReadableStream } from 'stream/web'
import { Command } from 'commander'
import { HyperfoldError, type StreamName, fromApiError, rangeHeader, showInput, streams } from '../../contract'
import type { Outcome } from '../api/dispatch'
import { notRunning, readApiFile } from './api-file'

export function addStreamCommands(program: Command, dataDir: () => string): void {
  for (const name of Object.keys(streams) as StreamName[]) defineStream(program.command(streams[name].cli), name, dataDir)
}

function defineStream(cmd: Command, name: StreamName, dataDir: () => string): void {
  const def = streams[name]
  cmd.description(def.summary)
  for (const arg of def.args) cmd.argument(`<${arg}>`)
  for (const [header, help] of Object.entries(def.headers)) cmd.option(`--${header} <${header}>`, help)
  cmd.action(async (...params: unknown[]) => {
    const options = params[def.args.length] as Record<string, string | undefined>
    const query = new URLSearchParams(def.args.map((arg, i): [string, string] => [arg, String(params[i])]))
    const headers: Record<string, string> = {}
    for (const header of Object.keys(def.headers)) if (options[header] !== undefined) headers[header] = headerValue(header, options[header])
    await streamNode(dataDir(), `${def.path}?${query.toString()}`, headers)
  })
}

// The option as the header says it: a range as a person types it ("100-199") becomes "bytes=100-199".
function headerValue(header: string, value: string): string {
  if (header !== 'range') return value
  const range = rangeHeader(value)
  if (range === null) throw new HyperfoldError('BAD_INPUT', `Bad range "${showInput(value)}": expected START-END, START- or -COUNT (bytes).`)
  return range
}

async function streamNode(dir: string, target: string, headers: Record<string, string>): Promise<void> {
  const body = await fetchStream(dir, target, headers)
  if (body === null) return
  // stdout stays open: the process ends it; a reader that went away (| head) just ends the copy.
  await pipeline(body, process.stdout, { end: false }).catch((err: unknown) => {
    if ((err as { code?: unknown }).code !== 'EPIPE') throw err
  })
}

// The body of a stream of the node running on `dir`, or its error as the node named it.
export async function fetchStream(dir: string, target: string, headers: Record<string, string> = {}): Promise<Readable | null> {
  const api = await readApiFile(dir)
  let res: Response
  try {
    res = await fetch(`http://127.0.0.1:${api.port}${target}`, { headers: { ...headers, authorization: `Bearer ${api.token}` } })
  } catch {
    throw notRunning(dir) // the file outlived its node (killed, crashed)
  }
  if (res.status !== 200 && res.status !== 206) {
    const outcome = (await res.json().catch(() => null)) as Outcome | null
    if (outcome !== null && !outcome.ok) throw fromApiError(outcome.error)
    throw new HyperfoldError('INTERNAL', `The node answered HTTP ${res.status}.`)
  }
  return res.body === null ? null : Readable.fromWeb(res.body as ReadableStream<Uint8Array>)
}
