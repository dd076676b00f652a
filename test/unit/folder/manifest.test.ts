// A chunk list comes from a peer: it must round-trip, and anything malformed
// must be refused with PEER_DATA_INVALID, never read as a file.
import { createHash } from 'crypto'
import fc from 'fast-check'
import { describe, expect, test } from 'vitest'
import { HyperfoldError } from '../../../contract/errors'
import { type Chunk, MAX_CHUNK_BYTES } from '../../../main/core/folder/chunk-ref'
import { decodeManifest, encodeManifest, manifestFromText, manifestToText, refsOf } from '../../../main/core/folder/manifest'

const chunk = (size: number, seed = String(size)): Chunk => ({ size, hash: createHash('sha256').update(seed).digest() })
const LIST = [chunk(300_000), chunk(70_000), chunk(5)]
const TOTAL = 370_005

function refused(decode: () => unknown): void {
  let thrown: unknown = null
  try {
    decode()
  } catch (err) {
    thrown = err
  }
  expect(thrown).toBeInstanceOf(HyperfoldError)
  expect((thrown as HyperfoldError).code).toBe('PEER_DATA_INVALID')
}

describe('encodeManifest(chunks) and decodeManifest(bytes, fileSize)', () => {
  test('give back the same chunks', () => {
    const bytes = encodeManifest(LIST)
    expect(bytes[0]).toBe(1)
    expect(decodeManifest(bytes, TOTAL)).toEqual(LIST)
  })

  test('an empty file has an empty list', () => {
    expect(decodeManifest(encodeManifest([]), 0)).toEqual([])
  })

  test('the chunks decoded do not change when the bytes they came from do', () => {
    const bytes = encodeManifest(LIST)
    const chunks = decodeManifest(bytes, TOTAL)
    bytes.fill(0)
    expect(chunks).toEqual(LIST)
  })

  test.each([
    ['an unknown version', () => Buffer.concat([Buffer.from([2]), encodeManifest(LIST).subarray(1)]), TOTAL],
    ['a truncated list', () => encodeManifest(LIST).subarray(0, -1), TOTAL],
    ['no bytes at all', () => Buffer.alloc(0), 0],
    ['trailing bytes', () => Buffer.concat([encodeManifest(LIST), Buffer.from([0])]), TOTAL],
    ['a chunk of 0 bytes', () => encodeManifest([chunk(0), chunk(10)]), 10],
    ['a chunk above MAX_CHUNK_BYTES', () => encodeManifest([chunk(MAX_CHUNK_BYTES + 1)]), MAX_CHUNK_BYTES + 1],
    ['sizes short of the file size', () => encodeManifest(LIST), TOTAL + 1],
    ['sizes beyond the file size', () => encodeManifest(LIST), TOTAL - 1],
    ['more chunks than the file has bytes', () => encodeManifest([chunk(1), chunk(1)]), 1],
    ['a count that the bytes cannot hold', () => Buffer.from([1, 0xfe, 0xff, 0xff, 0xff, 0x0f]), 2 ** 40],
    ['a size in a longer form than needed', () => Buffer.concat([Buffer.from([1, 1, 0xfd, 5, 0]), chunk(5).hash]), 5],
    ['a file size that is not a size', () => encodeManifest(LIST), -1]
  ])('refuse %s', (_name, make, fileSize) => {
    refused(() => decodeManifest(make(), fileSize))
  })

  test('give back any list of chunks they encoded', () => {
    const chunks = fc.array(
      fc.record({
        size: fc.integer({ min: 1, max: MAX_CHUNK_BYTES }),
        hash: fc.uint8Array({ minLength: 32, maxLength: 32 }).map((bytes) => Buffer.from(bytes))
      }),
      { maxLength: 50 }
    )
    fc.assert(
      fc.property(chunks, (list) => {
        const size = list.reduce((sum, c) => sum + c.size, 0)
        expect(decodeManifest(encodeManifest(list), size)).toEqual(list)
      })
    )
  })

  test('refuse any bytes only with PEER_DATA_INVALID', () => {
    const bytes = fc.oneof(
      fc.uint8Array({ maxLength: 200 }),
      // Near misses of a real list: a version byte, a small count, then noise.
      fc.tuple(fc.integer({ min: 0, max: 4 }), fc.uint8Array({ maxLength: 200 })).map(([n, rest]) => Buffer.concat([Buffer.from([1, n]), rest]))
    )
    fc.assert(
      fc.property(bytes, fc.integer({ min: 0, max: 3 * MAX_CHUNK_BYTES }), (input, fileSize) => {
        try {
          decodeManifest(input, fileSize)
        } catch (err) {
          expect(err).toBeInstanceOf(HyperfoldError)
          expect((err as HyperfoldError).code).toBe('PEER_DATA_INVALID')
        }
      }),
      { numRuns: 2000 }
    )
  })
})

describe('manifestToText(bytes) and manifestFromText(text, fileSize)', () => {
  test('give back the same chunks', () => {
    expect(manifestFromText(manifestToText(encodeManifest(LIST)), TOTAL)).toEqual(LIST)
  })

  test('refuse text that is not base64', () => {
    refused(() => manifestFromText(`${manifestToText(encodeManifest(LIST))}!`, TOTAL))
  })
})

describe('refsOf(chunks, path)', () => {
  test('places each chunk after the ones before it', () => {
    expect(refsOf(LIST, '/a.bin').map(({ path, offset, size }) => ({ path, offset, size }))).toEqual([
      { path: '/a.bin', offset: 0, size: 300_000 },
      { path: '/a.bin', offset: 300_000, size: 70_000 },
      { path: '/a.bin', offset: 370_000, size: 5 }
    ])
    expect(refsOf(LIST, '/a.bin')[1]!.hash).toEqual(LIST[1]!.hash)
  })
})
