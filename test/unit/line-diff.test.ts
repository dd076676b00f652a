import fc from 'fast-check'
import { describe, expect, test } from 'vitest'
import { diffLines, splitLines, toRows } from '../../renderer/src/lib/line-diff'

// The longest common subsequence by plain recursion, for small inputs.
function lcsLength(a: string[], b: string[]): number {
  const memo = new Map<string, number>()
  const go = (i: number, j: number): number => {
    if (i === a.length || j === b.length) return 0
    const key = `${i},${j}`
    if (!memo.has(key)) memo.set(key, a[i] === b[j] ? go(i + 1, j + 1) + 1 : Math.max(go(i + 1, j), go(i, j + 1)))
    return memo.get(key)!
  }
  return go(0, 0)
}

describe('diffLines(a, b)', () => {
  test('a changed line, one added, one removed, side by side', () => {
    const ops = diffLines(splitLines('one\ntwo\nthree\nfour\n'), splitLines('one\n2\nthree\nfour\nfive\n'))!
    expect(toRows(ops)).toEqual([
      { left: 'one', right: 'one', kind: 'same' },
      { left: 'two', right: '2', kind: 'changed' },
      { left: 'three', right: 'three', kind: 'same' },
      { left: 'four', right: 'four', kind: 'same' },
      { left: null, right: 'five', kind: 'added' }
    ])
  })

  test('the ops rebuild both texts and keep a longest common subsequence', () => {
    const lines = fc.array(fc.constantFrom('a', 'b', 'c', ''), { maxLength: 12 })
    fc.assert(
      fc.property(lines, lines, (a, b) => {
        const ops = diffLines(a, b)!
        expect(ops.filter((o) => o.kind !== 'added').map((o) => o.line)).toEqual(a)
        expect(ops.filter((o) => o.kind !== 'removed').map((o) => o.line)).toEqual(b)
        expect(ops.filter((o) => o.kind === 'same').length).toBe(lcsLength(a, b))
      })
    )
  })

  test('texts too far apart to compare give null', () => {
    const many = (tag: string) => Array.from({ length: 4001 }, (_, i) => `${tag}${i}`)
    expect(diffLines(many('a'), many('b'))).toBeNull()
  })
})
