import { describe, expect, test } from 'vitest'
import { EVERYTHING, decides, keeps, onlyThese, withFreed, withKept } from '../../../main/core/folder/selection'

describe('selection', () => {
  test('everything keeps every path', () => {
    expect(keeps(EVERYTHING, '/a/b.txt')).toBe(true)
  })

  test('only keeps the paths listed, what lies below them, and the directories on their way', () => {
    const sel = onlyThese(['/docs/work', '/top.txt'])
    expect(keeps(sel, '/docs/work/x.txt')).toBe(true)
    expect(keeps(sel, '/top.txt')).toBe(true)
    expect(keeps(sel, '/docs')).toBe(true) // on the way to /docs/work
    expect(decides(sel, '/docs')).toBe(false)
    expect(keeps(sel, '/docs/home.txt')).toBe(false)
    expect(keeps(sel, '/docs/workshop.txt')).toBe(false)
    expect(keeps(sel, '/top.txt.bak')).toBe(false)
  })

  test('a path freed inside what is kept is not kept, and keeping a path inside it brings that path back', () => {
    const freed = withFreed(EVERYTHING, '/photos')
    expect(freed).toEqual({ everything: true, only: [], except: ['/photos'] })
    expect(keeps(freed, '/photos/cat.jpg')).toBe(false)
    expect(keeps(freed, '/docs/a.txt')).toBe(true)
    const one = withKept(freed, '/photos/2024')
    expect(keeps(one, '/photos/2024/a.jpg')).toBe(true)
    expect(keeps(one, '/photos/cat.jpg')).toBe(false)
    expect(keeps(one, '/photos')).toBe(true) // on the way to /photos/2024
    expect(withKept(one, '/photos')).toEqual(EVERYTHING)
  })

  test('freeing a kept path drops the rules below it; keeping a kept path changes nothing', () => {
    const sel = onlyThese(['/a/b', '/a/c'])
    expect(withFreed(sel, '/a')).toEqual({ everything: false, only: [], except: [] })
    expect(withFreed(sel, '/a/b')).toEqual({ everything: false, only: ['/a/c'], except: [] })
    expect(withKept(sel, '/a/b/d')).toEqual(sel)
    expect(withKept(sel, '/a')).toEqual({ everything: false, only: ['/a'], except: [] })
  })
})
