// Text that came from outside (a caller's input, a peer's device, folder or
// file name) is shown through here, in messages, the CLI and the UI: control
// characters and line or direction breaks become visible escapes, so a name
// can neither span lines nor drive a terminal, and echoed input is bounded.

export const SHOWN_CHARS = 80

// Cc (C0, DEL, C1: ESC, CR, LF...), line and paragraph separators, bidi
// overrides and isolates, and lone surrogates.
const UNSAFE = /[\p{Cc}\u2028\u2029\u202A-\u202E\u2066-\u2069]|\p{Cs}/gu

// The text with every unsafe character written as \xNN or \u{NNNN}; nothing else changes.
export function escapeControls(text: string): string {
  return text.replace(UNSAFE, (ch) => {
    const code = ch.codePointAt(0)!
    return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u{${code.toString(16)}}`
  })
}

// Untrusted text for a message: escaped, and cut to `max` characters plus "…".
export function showInput(text: unknown, max = SHOWN_CHARS): string {
  const raw = typeof text === 'string' ? text : String(text)
  const chars = Array.from(raw.slice(0, max * 2)) // whole code points, never half a surrogate pair
  return escapeControls(chars.slice(0, max).join('')) + (chars.length > max || raw.length > max * 2 ? '…' : '')
}
