import { describe, expect, test } from 'vitest'
import fc from 'fast-check'
import { byteOrder, sortByBytes } from '../../../main/core/folder/path-order'

const utf8 = (a: string, b: string) => Math.sign(Buffer.compare(Buffer.from(a), Buffer.from(b)))
// Paths as a scan can find them: any well-formed text, ASCII, other scripts, emoji, private use.
const text = fc.oneof(fc.string({ unit: 'binary', maxLength: 8 }), fc.string({ maxLength: 8 })).filter((t) => t.isWellFormed())

describe('path order: the UTF-8 byte order of folder paths', () => {
  test('byteOrder agrees with the bytes for any two paths', () => {
    fc.assert(fc.property(text, text, (a, b) => Math.sign(byteOrder(a, b)) === utf8(a, b)))
  })

  test('past the surrogates the bytes decide, where string order would not', () => {
    const privateUse = 'a/\uE000' // 3 bytes of UTF-8 starting 0xEE
    const emoji = 'a/\u{1F600}' // 4 bytes starting 0xF0; in UTF-16 a surrogate pair, below 0xE000
    expect(privateUse > emoji).toBe(true)
    expect(byteOrder(privateUse, emoji)).toBeLessThan(0)
    const sorted = [emoji, privateUse]
    sortByBytes(sorted, (p) => p)
    expect(sorted).toEqual([privateUse, emoji])
  })

  test('sortByBytes sorts into the bytes order, with plain and with any names', () => {
    fc.assert(
      fc.property(fc.array(text, { maxLength: 30 }), (paths) => {
        const items = paths.map((path) => ({ path }))
        sortByBytes(items, (item) => item.path)
        for (let i = 1; i < items.length; i++) if (utf8(items[i - 1]!.path, items[i]!.path) > 0) return false
        return items.length === paths.length
      })
    )
  })
})
