import { describe, test, expect } from 'vitest'
import { bumpVector, compareVectors, mergeVectors } from '../../../main/core/folder/version-vector'

describe('compareVectors(a, b)', () => {
  test.each([
    [{}, {}, 'equal'],
    [{ laptop: 2, desk: 1 }, { desk: 1, laptop: 2 }, 'equal'],
    [{ laptop: 0 }, {}, 'equal'],
    [{ laptop: 1 }, { laptop: 2 }, 'before'],
    [{ laptop: 1 }, { laptop: 1, desk: 1 }, 'before'],
    [{ laptop: 3, desk: 1 }, { laptop: 2 }, 'after'],
    [{ laptop: 2 }, { laptop: 1, desk: 1 }, 'concurrent'],
    [{ laptop: 1 }, { desk: 1 }, 'concurrent']
  ] as const)('%j vs %j is %s', (a, b, order) => {
    expect(compareVectors(a, b)).toBe(order)
  })

  test('device ids that are Object.prototype names count as devices', () => {
    expect(compareVectors({}, { constructor: 1 })).toBe('before')
    expect(compareVectors(JSON.parse('{"__proto__": 2}'), {})).toBe('after')
  })
})

describe('mergeVectors(a, b)', () => {
  test('takes the highest count per device, and the merge descends from both', () => {
    const a = { laptop: 3, desk: 1 }
    const b = { desk: 4, phone: 1 }
    const merged = mergeVectors(a, b)
    expect(merged).toEqual({ laptop: 3, desk: 4, phone: 1 })
    expect(compareVectors(merged, a)).toBe('after')
    expect(compareVectors(merged, b)).toBe('after')
    expect(a).toEqual({ laptop: 3, desk: 1 })
  })

  test('keeps a device named __proto__ as an entry', () => {
    const merged = mergeVectors(JSON.parse('{"__proto__": 2}'), { laptop: 1 })
    expect(Object.keys(merged).sort()).toEqual(['__proto__', 'laptop'])
  })
})

describe('bumpVector(v, deviceId)', () => {
  test('counts one more edit by the device, leaving the input unchanged', () => {
    const v = { laptop: 1 }
    expect(bumpVector(v, 'laptop')).toEqual({ laptop: 2 })
    expect(bumpVector(v, 'desk')).toEqual({ laptop: 1, desk: 1 })
    expect(v).toEqual({ laptop: 1 })
    expect(compareVectors(bumpVector(v, 'desk'), v)).toBe('after')
  })
})
