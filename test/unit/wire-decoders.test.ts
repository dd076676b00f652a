import { describe, expect, test } from 'vitest'
import fc from 'fast-check'
import c from 'compact-encoding'
import { Hello, MAX_HELLO_BYTES, decodeHello, decodeProof, encodeMessage } from '../../main/core/member-channel'
import { Catalog, MAX_CATALOG_BYTES, decodeCatalog } from '../../main/core/catalog'
import { type Decoded, printable } from '../../main/core/safe-json'

const decoders = { hello: decodeHello, catalog: decodeCatalog, proof: decodeProof }

// A refusal is one short line a log or a UI can show as it is.
function expectWellFormed(result: Decoded<unknown>): void {
  if (result.ok) return
  expect(typeof result.reason).toBe('string')
  expect(result.reason).not.toMatch(/[\p{Cc}\p{Cf}\p{Cs}\p{Zl}\p{Zp}]/u)
  expect([...result.reason].length).toBeLessThanOrEqual(200)
  expect(result.reason).not.toMatch(/could not be read/) // the last-resort catch never had to act
}

// Bytes as a peer would send them: honest ones, then the same bent out of shape.
const honestHello = fc.record({ name: fc.string({ maxLength: 64, unit: 'binary' }) })
// Each writer with how far the sender holds its drive; an older peer sends no lengths.
const heldDrives = fc.array(fc.stringMatching(/^[0-9a-f]{64}$/), { maxLength: 4 }).chain((writers) =>
  fc.record({ writers: fc.constant(writers), lengths: fc.option(fc.array(fc.nat(), { minLength: writers.length, maxLength: writers.length }), { nil: undefined }) })
)
const catalogEntry = fc
  .tuple(fc.record({ id: fc.stringMatching(/^[a-z0-9]{16,64}$/), name: fc.string({ minLength: 1, maxLength: 255, unit: 'binary' }), files: fc.nat(), bytes: fc.nat() }), heldDrives)
  .map(([entry, held]) => ({ ...entry, ...held }))
const honestCatalog = fc.record({ folders: fc.array(catalogEntry, { maxLength: 8 }) })
const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('flip' as const), at: fc.nat(), bits: fc.integer({ min: 1, max: 255 }) }),
  fc.record({ kind: fc.constant('append' as const), extra: fc.uint8Array({ minLength: 1, maxLength: 16 }) })
)

type Mutation = { kind: 'truncate'; at: number } | { kind: 'flip'; at: number; bits: number } | { kind: 'append'; extra: Uint8Array }

function mutate(bytes: Buffer, m: Mutation): Buffer {
  if (m.kind === 'truncate') return bytes.subarray(0, m.at % Math.max(bytes.length, 1))
  if (m.kind === 'append') return Buffer.concat([bytes, m.extra])
  const out = Buffer.from(bytes)
  if (out.length > 0) out[m.at % out.length]! ^= m.bits
  return out
}

describe('member protocol decoders', () => {
  test('random bytes never throw: each decoder yields a valid value or a refusal', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 4096 }), (bytes) => {
        for (const decode of Object.values(decoders)) expectWellFormed(decode(bytes))
        const hello = decodeHello(bytes)
        if (hello.ok) expect(Hello.safeParse(hello.value).success).toBe(true)
        const catalog = decodeCatalog(bytes)
        if (catalog.ok) expect(Catalog.safeParse(catalog.value).success).toBe(true)
      }),
      { numRuns: 2000 }
    )
  })

  test('any JSON value, as an honest node would encode it, is accepted exactly when the schema accepts it', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const bytes = encodeMessage(value)
        const wire = JSON.parse(JSON.stringify(value)) as unknown // what the other side can see
        const hello = decodeHello(bytes)
        expectWellFormed(hello)
        expect(hello.ok).toBe(bytes.byteLength <= MAX_HELLO_BYTES && Hello.safeParse(wire).success)
        const catalog = decodeCatalog(bytes)
        expectWellFormed(catalog)
        expect(catalog.ok).toBe(Catalog.safeParse(wire).success)
      }),
      { numRuns: 1000 }
    )
  })

  test('honest hellos and catalogs come back unchanged', () => {
    fc.assert(
      fc.property(honestHello, honestCatalog, (hello, catalog) => {
        expect(decodeHello(encodeMessage(hello))).toEqual({ ok: true, value: hello })
        expect(decodeCatalog(encodeMessage(catalog))).toEqual({ ok: true, value: catalog })
      })
    )
  })

  test('honest messages cut short, bit-flipped or padded never throw', () => {
    fc.assert(
      fc.property(honestHello, honestCatalog, mutation, (hello, catalog, m) => {
        expectWellFormed(decodeHello(mutate(encodeMessage(hello), m)))
        expectWellFormed(decodeCatalog(mutate(encodeMessage(catalog), m)))
      }),
      { numRuns: 1000 }
    )
  })

  test('text that is not JSON, with control characters, is refused in one clean line', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 512 }), (text) => {
        const bytes = c.encode(c.string, text) as Buffer
        for (const decode of [decodeHello, decodeCatalog]) {
          const result = decode(bytes)
          expectWellFormed(result)
          if (!result.ok) continue
          expect(() => JSON.parse(text) as unknown).not.toThrow()
        }
      }),
      { numRuns: 1000 }
    )
    const result = decodeHello(c.encode(c.string, '{"name": \u001b[31m') as Buffer)
    expect(result).toEqual({ ok: false, reason: 'it sent a hello that is not JSON' })
  })

  test('oversized messages are refused by their size, before they are parsed', () => {
    const big = encodeMessage({ name: 'x'.repeat(MAX_HELLO_BYTES) })
    expect(decodeHello(big)).toEqual({ ok: false, reason: `it sent a hello of ${big.byteLength} bytes (at most ${MAX_HELLO_BYTES})` })
    const huge = Buffer.alloc(MAX_CATALOG_BYTES + 1, '[')
    expect(decodeCatalog(huge)).toMatchObject({ ok: false, reason: expect.stringMatching(/folder catalog of \d+ bytes/) })
    const deep = c.encode(c.string, '['.repeat(100_000) + ']'.repeat(100_000)) as Buffer
    expectWellFormed(decodeCatalog(deep))
  })

  test('a catalog whose drive lengths do not pair with its writers is refused', () => {
    const entry = { id: 'a'.repeat(16), name: 'Docs', writers: ['0'.repeat(64), '1'.repeat(64)], files: 0, bytes: 0 }
    expect(decodeCatalog(encodeMessage({ folders: [{ ...entry, lengths: [3, 4] }] })).ok).toBe(true)
    expect(decodeCatalog(encodeMessage({ folders: [{ ...entry, lengths: [3] }] }))).toMatchObject({ ok: false })
    expect(decodeCatalog(encodeMessage({ folders: [{ ...entry, lengths: [3, -1] }] }))).toMatchObject({ ok: false })
  })

  test('a proof is exactly 32 bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 100 }), (bytes) => {
        const proof = decodeProof(bytes)
        expect(proof.ok).toBe(bytes.byteLength === 32)
        expectWellFormed(proof)
      })
    )
  })

  test('printable text is one line, bounded, with control characters escaped', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 600 }), fc.integer({ min: 1, max: 300 }), (text, max) => {
        const line = printable(text, max)
        expect(line).not.toMatch(/[\p{Cc}\p{Cf}\p{Cs}\p{Zl}\p{Zp}]/u)
        expect([...line].length).toBeLessThanOrEqual(max)
      })
    )
    expect(printable('a\nb\u001b[0m')).toBe('a\\u000ab\\u001b[0m')
  })
})
