import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest'
import { LaneRedial } from '../../main/core/lane-redial'

describe('LaneRedial: a side tries again while there is no lane', () => {
  beforeEach(() => void vi.useFakeTimers())
  afterEach(() => void vi.useRealTimers())

  test('waits a second, then twice as long each time up to a minute; an open lane starts it over', () => {
    const dial = vi.fn()
    const redial = new LaneRedial(dial)
    const waits: number[] = []
    for (let i = 0; i < 9; i++) {
      expect(redial.lost()).toBe(i === 0) // said once, not on every try
      const before = dial.mock.calls.length
      let waited = 0
      while (dial.mock.calls.length === before) {
        vi.advanceTimersByTime(500)
        waited += 500
      }
      waits.push(waited)
    }
    expect(waits).toEqual([1000, 2000, 4000, 8000, 16_000, 32_000, 60_000, 60_000, 60_000])
    redial.opened()
    expect(redial.lost()).toBe(true)
    vi.advanceTimersByTime(1000)
    expect(dial).toHaveBeenCalledTimes(10)
    redial.close()
  })

  test('a first dial put off waits that long, and a loss meanwhile adds none', () => {
    const dial = vi.fn()
    const redial = new LaneRedial(dial)
    redial.later(5000)
    expect(redial.lost()).toBe(false)
    vi.advanceTimersByTime(4999)
    expect(dial).not.toHaveBeenCalled()
    vi.advanceTimersByTime(1)
    expect(dial).toHaveBeenCalledTimes(1)
    expect(vi.getTimerCount()).toBe(0)
    redial.close()
  })

  test('a loss while a try is waiting adds none; once closed it never dials and leaves no timer', () => {
    const dial = vi.fn()
    const redial = new LaneRedial(dial)
    redial.lost()
    expect(redial.lost()).toBe(false)
    redial.close()
    expect(vi.getTimerCount()).toBe(0)
    redial.lost()
    vi.advanceTimersByTime(120_000)
    expect(dial).not.toHaveBeenCalled()
    expect(vi.getTimerCount()).toBe(0)
  })
})
