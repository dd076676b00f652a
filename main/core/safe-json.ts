// JSON from disk or a peer, read without trusting a byte of it.
import c from 'compact-encoding'
import type { z } from 'zod'

// What a peer's message became: a value the schema accepts, or why it was refused.
export type Decoded<T> = { ok: true; value: T } | { ok: false; reason: string }

const REASON_MAX = 200
const utf8 = new TextDecoder('utf-8', { fatal: true })

// Undefined when it does not parse, for a schema to refuse.
export function safeJson(text: string): unknown {
  try {
    return JSON.parse(text)
  } catch {
    return undefined
  }
}

// One message as compact-encoding's json writes it (a length, then UTF-8 JSON).
// The size is checked before anything is parsed; it never throws. `what` names
// the message in the reason ("hello").
export function decodeJsonMessage<T>(bytes: Uint8Array, maxBytes: number, schema: z.ZodType<T>, what: string): Decoded<T> {
  try {
    if (bytes.byteLength > maxBytes) return refused(`it sent a ${what} of ${bytes.byteLength} bytes (at most ${maxBytes})`)
    const text = lengthPrefixedText(bytes)
    if (text === undefined) return refused(`it sent a ${what} that is not a length-prefixed UTF-8 string`)
    const value = safeJson(text)
    if (value === undefined) return refused(`it sent a ${what} that is not JSON`)
    const parsed = schema.safeParse(value)
    if (!parsed.success) return refused(`it sent a malformed ${what} (${describeIssue(parsed.error)})`)
    return { ok: true, value: parsed.data }
  } catch {
    // Nothing above should throw; a peer's bytes must not find out if something does.
    return refused(`it sent a ${what} that could not be read`)
  }
}

// Text fit for one log line: control and format characters escaped, length bounded.
export function printable(text: string, max = REASON_MAX): string {
  const escaped = text.replace(/[\p{Cc}\p{Cf}\p{Cs}\p{Zl}\p{Zp}]/gu, (ch) => `\\u${ch.codePointAt(0)!.toString(16).padStart(4, '0')}`)
  const chars = [...escaped]
  return chars.length > max ? `${chars.slice(0, max - 1).join('')}…` : escaped
}

export function refused(reason: string): Decoded<never> {
  return { ok: false, reason: printable(reason) }
}

function lengthPrefixedText(bytes: Uint8Array): string | undefined {
  try {
    const state = { buffer: bytes as Buffer, start: 0, end: bytes.byteLength }
    const length = c.uint.decode(state)
    if (length !== state.end - state.start) return undefined
    return utf8.decode(bytes.subarray(state.start))
  } catch {
    return undefined // too short for its length, or not UTF-8
  }
}

function describeIssue(error: z.ZodError): string {
  const issue = error.issues[0]
  if (issue === undefined) return 'rejected'
  return `${issue.path.join('.') || 'value'}: ${issue.message}`
}
