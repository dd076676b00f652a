// Byte ranges as HTTP asks for them (RFC 9110 §14): one range per request,
// "bytes=START-END", "bytes=START-" (to the end) or "bytes=-COUNT" (the last
// COUNT bytes). The file route and `hyperfold cat --range` share these rules.

export interface ByteRange {
  start: number
  end: number // inclusive, as in a Content-Range
}

// 'whole': no usable Range (none, another unit, several ranges, bad syntax),
// which HTTP answers with the whole file; 'unsatisfiable': nothing of the
// file lies in it (answered 416).
export type RangeAnswer = { kind: 'whole' } | { kind: 'partial'; range: ByteRange } | { kind: 'unsatisfiable' }

const SINGLE = /^bytes=(\d{0,15})-(\d{0,15})$/

export function parseRange(header: string | undefined, size: number): RangeAnswer {
  const match = header === undefined ? null : SINGLE.exec(header.replace(/\s+/g, ''))
  if (match === null || (match[1] === '' && match[2] === '')) return { kind: 'whole' }
  const [first, last] = [match[1]!, match[2]!]
  if (first === '') {
    const count = Number(last)
    if (count === 0 || size === 0) return { kind: 'unsatisfiable' }
    return { kind: 'partial', range: { start: Math.max(0, size - count), end: size - 1 } }
  }
  const start = Number(first)
  if (last !== '' && Number(last) < start) return { kind: 'whole' } // not a valid range at all: ignored, as HTTP says
  if (start >= size) return { kind: 'unsatisfiable' }
  return { kind: 'partial', range: { start, end: last === '' ? size - 1 : Math.min(Number(last), size - 1) } }
}

// "100-200", "100-" or "-500" as a person types it, as the Range header for it; null when it is none of these.
export function rangeHeader(text: string): string | null {
  return /^(\d{1,15}-\d{0,15}|-\d{1,15})$/.test(text.trim()) ? `bytes=${text.trim()}` : null
}

export function contentRange(range: ByteRange, size: number): string {
  return `bytes ${range.start}-${range.end}/${size}`
}
