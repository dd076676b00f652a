// The cut thread's WebAssembly loop must cut exactly where the JavaScript
// loop (the protocol's reference) cuts, from any start, ended or not.
import fc from 'fast-check'
import { describe, expect, test } from 'vitest'
import { CHUNK_MAX, CUT_RULES, cutLengths } from '../../../main/core/folder/chunk-cuts'
import { gearCutLengths, gearModule, startGearScan } from '../../../main/core/folder/chunk-cut-wasm'
import { seeded } from '../../helpers/seeded'

const MiB = 1 << 20

describe('the gear hash in WebAssembly', () => {
  const scan = startGearScan(gearModule(CUT_RULES), CUT_RULES.gear)

  test('gives the lengths cutLengths gives, for any bytes from any start', () => {
    const cases = fc
      .record({
        seed: fc.string({ maxLength: 8 }),
        length: fc.integer({ min: 0, max: 3 * MiB }),
        kind: fc.constantFrom('random', 'zeros', 'few values'),
        start: fc.nat({ max: 2 * CHUNK_MAX }),
        ended: fc.boolean()
      })
      .map(({ seed, length, kind, start, ended }) => {
        const bytes = seeded(seed, length)
        if (kind === 'zeros') bytes.fill(0)
        if (kind === 'few values') for (let i = 0; i < length; i++) bytes[i]! &= 3
        return { bytes, start: Math.min(start, length), ended }
      })
    fc.assert(
      fc.property(cases, ({ bytes, start, ended }) => {
        const expected = cutLengths(bytes, start, bytes.length, ended, CUT_RULES)
        expect(gearCutLengths(scan, bytes, start, bytes.length, ended, CUT_RULES)).toEqual(expected)
      }),
      { numRuns: 80 }
    )
  })

  test('takes a slab larger than its memory, which grows for it', () => {
    const bytes = seeded('large', 9 * MiB + 77)
    const before = scan.memory.buffer.byteLength
    expect(gearCutLengths(scan, bytes, 0, bytes.length, true, CUT_RULES)).toEqual(cutLengths(bytes, 0, bytes.length, true, CUT_RULES))
    expect(scan.memory.buffer.byteLength).toBeGreaterThan(before)
  })
})
