// Reads a JSON request body: bounded in size, strict UTF-8, an object or nothing.
import type { IncomingMessage } from 'http'
import { errors } from '../../contract/errors'

export const MAX_BODY_BYTES = 1024 * 1024

export async function readJsonBody(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length
    if (size > MAX_BODY_BYTES) throw errors.badInput(`The request body is larger than ${MAX_BODY_BYTES} bytes.`)
    chunks.push(chunk)
  }
  return parseJsonText(Buffer.concat(chunks))
}

export function parseJsonText(bytes: Uint8Array): unknown {
  if (bytes.length === 0) return {}
  let text: string
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes)
  } catch {
    throw errors.badInput('The request is not valid UTF-8 text.')
  }
  try {
    return JSON.parse(text)
  } catch {
    throw errors.badInput('The request is not valid JSON.')
  }
}
