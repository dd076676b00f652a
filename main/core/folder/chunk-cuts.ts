// Content-defined chunking: a file is cut where its bytes say, not at fixed
// offsets, so an insert or a delete moves the cuts with the bytes and only the
// chunks around the edit change. The algorithm is FastCDC (Xia et al., 2016):
// a gear hash, normalized chunking, no test in the first CHUNK_MIN bytes.
// Written here by hand because npm has no maintained FastCDC package (only
// Rabin chunkers, slower and with other boundaries).
//
// The boundaries are part of the protocol: two devices that chunk the same
// bytes must name the same chunks, or nothing is shared between them. The
// parameters, the masks and the gear table below must never change; a change
// is a new protocol version.
import { createHash } from 'crypto'

export const CHUNK_MIN = 16 << 10
export const CHUNK_AVG = 64 << 10
export const CHUNK_MAX = 256 << 10

// Small chunks because history is kept per chunk: a 1 MiB edit costs the
// chunks it touches, about 1.1 MiB with these (1.4 MiB with a 256 KiB
// average), on the wire and in every archive. A 1 GiB version's list is then
// about 16,000 entries (530 KiB), still well under the bytes it saves.
//
// Normalized chunking, level 1: before CHUNK_AVG a cut needs 17 zero bits,
// after it 15, which gathers sizes near the average (a few in 1000 chunks
// reach CHUNK_MAX on random bytes; 2 in 100 without it). Not level 2: its
// sizes are so even that after an edit the cuts of the old and the new bytes
// fall out of step for two chunks on average, where level 1 takes half of
// one. The bits are the hash's top ones: bit k of a gear hash depends on the
// last k+1 bytes, so the top bits see the widest window.
const MASK_STRICT = 0xffff8000 | 0
const MASK_LOOSE = 0xfffe0000 | 0

// 256 random 32-bit words: word i is the first four bytes of
// SHA-256("hyperfold gear <i>"). Fixed forever, like the parameters above.
const GEAR = gearTable()

// The end offsets of the chunks of a whole buffer, in order; the last is its length.
export function cutPoints(data: Uint8Array): number[] {
  let end = 0
  return cutLengths(data, 0, data.length, true, CUT_RULES).map((length) => (end += length))
}

// The rules of a cut, passed whole: the cut thread (chunk-cut-wasm) cuts by
// them with nothing from this module.
export type CutRules = { min: number; avg: number; max: number; strict: number; loose: number; gear: Uint32Array }

export const CUT_RULES: CutRules = { min: CHUNK_MIN, avg: CHUNK_AVG, max: CHUNK_MAX, strict: MASK_STRICT, loose: MASK_LOOSE, gear: GEAR }

// The lengths of the chunks that begin at start, in order, as long as a
// chunk's whole reach (rules.max bytes) is at hand, or to end when the bytes
// end there. A chunk needs its first rules.min bytes untested.
// The reference for the cut thread's WebAssembly loop, which must cut the same.
export function cutLengths(data: Uint8Array, start: number, end: number, ended: boolean, rules: CutRules): number[] {
  const lengths: number[] = []
  while (end - start >= rules.max || (ended && start < end)) {
    const length = chunkLength(data, start, end, rules.gear, rules.min, rules.avg, rules.max, rules.strict, rules.loose)
    lengths.push(length)
    start += length
  }
  return lengths

  // Every rule an argument of its own: read from an object or a closure in
  // the loop, they made the cut 30-60 % slower here. Each loop is unrolled
  // eight times, then finished a byte at a time: 1.2 s a GiB here against
  // 2.5 s rolled, with the same cuts.
  function chunkLength(data: Uint8Array, start: number, end: number, gear: Uint32Array, min: number, avg: number, max: number, strict: number, loose: number): number {
    const remaining = end - start
    if (remaining <= min) return remaining
    const last = start + Math.min(remaining, max)
    const normal = start + Math.min(remaining, avg)
    let h = 0
    let i = start + min
    for (; i < normal - 7; i += 8) {
      h = ((h << 1) + gear[data[i + 0]!]!) | 0
      if ((h & strict) === 0) return i + 1 - start
      h = ((h << 1) + gear[data[i + 1]!]!) | 0
      if ((h & strict) === 0) return i + 2 - start
      h = ((h << 1) + gear[data[i + 2]!]!) | 0
      if ((h & strict) === 0) return i + 3 - start
      h = ((h << 1) + gear[data[i + 3]!]!) | 0
      if ((h & strict) === 0) return i + 4 - start
      h = ((h << 1) + gear[data[i + 4]!]!) | 0
      if ((h & strict) === 0) return i + 5 - start
      h = ((h << 1) + gear[data[i + 5]!]!) | 0
      if ((h & strict) === 0) return i + 6 - start
      h = ((h << 1) + gear[data[i + 6]!]!) | 0
      if ((h & strict) === 0) return i + 7 - start
      h = ((h << 1) + gear[data[i + 7]!]!) | 0
      if ((h & strict) === 0) return i + 8 - start
    }
    for (; i < normal; i++) {
      h = ((h << 1) + gear[data[i]!]!) | 0
      if ((h & strict) === 0) return i + 1 - start
    }
    for (; i < last - 7; i += 8) {
      h = ((h << 1) + gear[data[i + 0]!]!) | 0
      if ((h & loose) === 0) return i + 1 - start
      h = ((h << 1) + gear[data[i + 1]!]!) | 0
      if ((h & loose) === 0) return i + 2 - start
      h = ((h << 1) + gear[data[i + 2]!]!) | 0
      if ((h & loose) === 0) return i + 3 - start
      h = ((h << 1) + gear[data[i + 3]!]!) | 0
      if ((h & loose) === 0) return i + 4 - start
      h = ((h << 1) + gear[data[i + 4]!]!) | 0
      if ((h & loose) === 0) return i + 5 - start
      h = ((h << 1) + gear[data[i + 5]!]!) | 0
      if ((h & loose) === 0) return i + 6 - start
      h = ((h << 1) + gear[data[i + 6]!]!) | 0
      if ((h & loose) === 0) return i + 7 - start
      h = ((h << 1) + gear[data[i + 7]!]!) | 0
      if ((h & loose) === 0) return i + 8 - start
    }
    for (; i < last; i++) {
      h = ((h << 1) + gear[data[i]!]!) | 0
      if ((h & loose) === 0) return i + 1 - start
    }
    return last - start
  }
}

function gearTable(): Uint32Array {
  const table = new Uint32Array(256)
  for (let i = 0; i < 256; i++) table[i] = createHash('sha256').update(`hyperfold gear ${i}`).digest().readUInt32BE(0)
  return table
}
