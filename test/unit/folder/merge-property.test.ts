// The merge is what every device computes on its own; convergence rests on it
// giving the same answer from the same entries, whatever order they came in.
import fc from 'fast-check'
import { describe, expect, test } from 'vitest'
import type { EntryMeta } from '../../../main/core/folder/entry-meta'
import { type Candidate, resolve } from '../../../main/core/folder/merge'
import { bumpVector, compareVectors } from '../../../main/core/folder/version-vector'

const DEVICES = ['aaa', 'bbb', 'ccc', 'ddd']

const vector = fc.dictionary(fc.constantFrom(...DEVICES), fc.integer({ min: 1, max: 4 }), { maxKeys: 4 })
const candidate = fc.record({
  device: fc.constantFrom(...DEVICES),
  kind: fc.constantFrom<EntryMeta['kind']>('file', 'directory', 'deleted'),
  mtime: fc.integer({ min: 0, max: 3 }),
  vv: vector
})

// One entry per writer, as a path's candidates are; a writer's device is the one it edits as.
const candidates = fc.uniqueArray(candidate, { minLength: 1, maxLength: 4, selector: (c) => c.device }).map((list) =>
  list.map(
    (c, i): Candidate => ({
      writer: c.device.repeat(2),
      seq: i,
      blob: null,
      meta: { device: c.device, kind: c.kind, mtime: c.mtime, size: 0, executable: false, vv: c.vv }
    })
  )
)

describe('resolve(candidates)', () => {
  test('picks the same winner and losers from the same entries in any order', () => {
    fc.assert(
      fc.property(candidates, fc.infiniteStream(fc.nat()), (list, seeds) => {
        const shuffled = [...list].sort(() => (seeds.next().value % 3) - 1)
        const a = resolve(list)!
        const b = resolve(shuffled)!
        expect(b.winner).toBe(a.winner)
        expect(new Set(b.losers)).toEqual(new Set(a.losers))
        expect(b.vv).toEqual(a.vv)
      })
    )
  })

  test('the winner is never older than another entry, and losers are concurrent files', () => {
    fc.assert(
      fc.property(candidates, (list) => {
        const { winner, losers } = resolve(list)!
        for (const other of list) expect(compareVectors(winner.meta.vv, other.meta.vv)).not.toBe('before')
        for (const loser of losers) {
          expect(loser.meta.kind).toBe('file')
          expect(compareVectors(loser.meta.vv, winner.meta.vv)).toBe('concurrent')
        }
      })
    )
  })

  // What a device records and publishes next descends from the merged vector:
  // it must then beat every entry there was, losers included (no resurrection).
  test('an edit made on top of the merge supersedes every entry', () => {
    fc.assert(
      fc.property(candidates, fc.constantFrom(...DEVICES), fc.constantFrom<EntryMeta['kind']>('file', 'deleted'), (list, device, kind) => {
        const next: Candidate = {
          writer: 'next',
          seq: 99,
          blob: null,
          meta: { device, kind, mtime: 0, size: 0, executable: false, vv: bumpVector(resolve(list)!.vv, device) }
        }
        const after = resolve([...list, next])!
        expect(after.winner).toBe(next)
        expect(after.losers).toEqual([])
      })
    )
  })
})
