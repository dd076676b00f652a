// The cut thread must cut exactly as the main thread does, and give the slab
// it was handed back whole: the caller copies chunks out of it afterwards.
import { describe, expect, test } from 'vitest'
import { CHUNK_MAX, CUT_RULES, cutLengths } from '../../../main/core/folder/chunk-cuts'
import { useCutThread } from '../../../main/core/folder/chunk-cut-thread'
import { seeded } from '../../helpers/seeded'

describe('the cut thread', () => {
  test('gives the lengths cutLengths gives, and the slab back with its bytes', async () => {
    const thread = useCutThread()
    try {
      for (const [seed, ended] of [['a', false], ['b', true], ['c', false]] as const) {
        const bytes = seeded(seed, 4 << 20)
        const slab = Buffer.allocUnsafe(bytes.length)
        bytes.copy(slab)
        const start = CHUNK_MAX - 1234
        const cut = await thread.cut(slab, start, bytes.length, ended)
        expect(cut.lengths).toEqual(cutLengths(bytes, start, bytes.length, ended, CUT_RULES))
        expect(cut.slab.equals(bytes)).toBe(true)
        expect(slab.length).toBe(0) // handed to the thread, not cut here
      }
    } finally {
      thread.release()
    }
  })

  test('cuts a slab that shares its memory (from Buffer’s pool) in place, leaving it usable', async () => {
    const thread = useCutThread()
    try {
      const slab = Buffer.from(seeded('pooled', 3000)) // small: a view into Buffer's shared pool
      const cut = await thread.cut(slab, 0, slab.length, true)
      expect(cut.slab).toBe(slab)
      expect(cut.lengths).toEqual([3000])
    } finally {
      thread.release()
    }
  })
})
