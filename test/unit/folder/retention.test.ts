import { describe, expect, test } from 'vitest'
import fc from 'fast-check'
import { type ArchivedVersion, DEFAULT_HISTORY, defaultCapBytes, keptVersions } from '../../../main/core/folder/retention'
import { FOLDER_RETENTIONS } from '../../../contract/types'

const MIN = 60_000
const HOUR = 60 * MIN
const DAY = 24 * HOUR
const NOW = Date.UTC(2025, 5, 1, 12)

// A version of /a.txt replaced `age` ms before NOW.
function aged(id: string, age: number, bytes = 10, path = '/a.txt'): ArchivedVersion {
  return { id, path, time: NOW - age, bytes }
}

function kept(versions: ArchivedVersion[], capBytes: number | null = null): string[] {
  return [...keptVersions('staggered', NOW, versions, capBytes)].sort()
}

describe('keptVersions(staggered, now, versions, capBytes): the buckets', () => {
  test('every version younger than a day is kept, one a minute apart', () => {
    const versions = Array.from({ length: 20 }, (_, i) => aged(`v${i}`, i * MIN))
    expect(kept(versions)).toHaveLength(20)
  })

  test('a day old to the millisecond is the first day bucket, not the young one', () => {
    expect(kept([aged('young', DAY - 1), aged('day1-new', DAY), aged('day1-old', 2 * DAY - 1)])).toEqual(['day1-new', 'young'])
  })

  test('between a day and 30 days, one a day: the newest of each day', () => {
    const versions = [aged('d1a', DAY + HOUR), aged('d1b', DAY + 5 * HOUR), aged('d2', 2 * DAY), aged('d29a', 29 * DAY), aged('d29b', 30 * DAY - 1)]
    expect(kept(versions)).toEqual(['d1a', 'd2', 'd29a'])
  })

  test('30 days old starts the weekly buckets: days 30 to 36 are one week, 37 the next', () => {
    const versions = [aged('w0a', 30 * DAY), aged('w0b', 37 * DAY - 1), aged('w1', 37 * DAY), aged('d29', 30 * DAY - 1)]
    expect(kept(versions)).toEqual(['d29', 'w0a', 'w1'])
  })

  test('the last week bucket ends before 365 days; a year old is dropped', () => {
    expect(kept([aged('last', 365 * DAY - 1), aged('year', 365 * DAY), aged('older', 900 * DAY)])).toEqual(['last'])
  })

  test('buckets are per path: the same day of two files keeps one of each', () => {
    const versions = [aged('a1', DAY + HOUR), aged('a2', DAY + 2 * HOUR), aged('b1', DAY + HOUR, 10, '/b.txt'), aged('b2', DAY + 3 * HOUR, 10, '/b.txt')]
    expect(kept(versions)).toEqual(['a1', 'b1'])
  })

  test('a version dated ahead of now (a clock running fast) counts as young', () => {
    expect(kept([aged('ahead', -HOUR), aged('now', 0)])).toEqual(['ahead', 'now'])
  })

  test('two versions of one path at the same time in one bucket: one order decides, the greater id', () => {
    expect(kept([aged('x', 3 * DAY), aged('y', 3 * DAY)])).toEqual(['y'])
  })
})

describe('keptVersions(staggered, ..., capBytes): the cap', () => {
  test('over the cap the oldest kept versions go first, across paths, until the rest fit', () => {
    const versions = [aged('young', HOUR, 40), aged('b-week', 40 * DAY, 30, '/b.txt'), aged('a-day', 2 * DAY, 30), aged('gone', 400 * DAY, 1000)]
    expect(kept(versions, 100)).toEqual(['a-day', 'b-week', 'young'])
    expect(kept(versions, 99)).toEqual(['a-day', 'young'])
    expect(kept(versions, 40)).toEqual(['young'])
    expect(kept(versions, 39)).toEqual([])
  })

  test('a cap of null is no cap', () => {
    expect(kept([aged('big', HOUR, Number.MAX_SAFE_INTEGER)], null)).toEqual(['big'])
  })
})

describe("keptVersions('all' | 'off', ...)", () => {
  const versions = [aged('young', HOUR), aged('old', 900 * DAY, 1e12), aged('same-day', HOUR + 1)]

  test("'all' keeps every version, old and over any cap", () => {
    expect([...keptVersions('all', NOW, versions, 1)].sort()).toEqual(['old', 'same-day', 'young'])
  })

  test("'off' keeps none, not even one a minute old", () => {
    expect(keptVersions('off', NOW, versions, null).size).toBe(0)
  })
})

describe('defaults', () => {
  test('staggered, keeping its own versions; a cap of a tenth of the disk', () => {
    expect(DEFAULT_HISTORY).toEqual({ retention: 'staggered', own: true })
    expect(defaultCapBytes(500e9)).toBe(50e9)
    expect(defaultCapBytes(1001)).toBe(100)
  })
})

// Versions spread over two years, on a few paths, with unique ids.
const versionsArb = fc
  .array(
    fc.record({
      path: fc.constantFrom('/a', '/b', '/dir/c'),
      age: fc.oneof(fc.integer({ min: -DAY, max: 2 * DAY }), fc.integer({ min: 0, max: 730 * DAY })),
      bytes: fc.integer({ min: 0, max: 1000 })
    }),
    { maxLength: 60 }
  )
  .map((items) => items.map((v, i) => ({ id: `v${i}`, path: v.path, time: NOW - v.age, bytes: v.bytes })))
const capArb = fc.option(fc.integer({ min: 0, max: 20_000 }), { nil: null })
const policyArb = fc.constantFrom(...FOLDER_RETENTIONS)

describe('keptVersions: properties', () => {
  test('what is kept is among the versions given', () => {
    fc.assert(
      fc.property(policyArb, versionsArb, capArb, (policy, versions, cap) => {
        const ids = new Set(versions.map((v) => v.id))
        for (const id of keptVersions(policy, NOW, versions, cap)) expect(ids.has(id)).toBe(true)
      })
    )
  })

  test("'all' keeps all", () => {
    fc.assert(
      fc.property(versionsArb, capArb, (versions, cap) => {
        expect(keptVersions('all', NOW, versions, cap).size).toBe(versions.length)
      })
    )
  })

  test('staggered keeps every version younger than a day, unless the cap forces', () => {
    fc.assert(
      fc.property(versionsArb, (versions) => {
        const result = keptVersions('staggered', NOW, versions, null)
        for (const v of versions) if (NOW - v.time < DAY) expect(result.has(v.id)).toBe(true)
      })
    )
  })

  test('under a cap, a young version goes only when everything kept is newer than it', () => {
    fc.assert(
      fc.property(versionsArb, capArb, (versions, cap) => {
        const result = keptVersions('staggered', NOW, versions, cap)
        const keptTimes = versions.filter((v) => result.has(v.id)).map((v) => v.time)
        for (const v of versions) if (NOW - v.time < DAY && !result.has(v.id)) expect(keptTimes.every((t) => t >= v.time)).toBe(true)
      })
    )
  })

  test('what staggered keeps fits under the cap', () => {
    fc.assert(
      fc.property(versionsArb, fc.integer({ min: 0, max: 20_000 }), (versions, cap) => {
        const result = keptVersions('staggered', NOW, versions, cap)
        expect(versions.filter((v) => result.has(v.id)).reduce((sum, v) => sum + v.bytes, 0)).toBeLessThanOrEqual(cap)
      })
    )
  })

  test('idempotent: the policy applied to what it kept keeps the same set', () => {
    fc.assert(
      fc.property(policyArb, versionsArb, capArb, (policy, versions, cap) => {
        const once = keptVersions(policy, NOW, versions, cap)
        const twice = keptVersions(policy, NOW, versions.filter((v) => once.has(v.id)), cap)
        expect([...twice].sort()).toEqual([...once].sort())
      })
    )
  })
})
