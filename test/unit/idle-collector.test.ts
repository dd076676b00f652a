import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest'
import { IdleCollector } from '../../main/core/idle-collector'

describe('IdleCollector: collections once work has stopped', () => {
  beforeEach(() => void vi.useFakeTimers())
  afterEach(() => void vi.useRealTimers())

  test('collects after a quiet spell and once more later, not while work goes on; new work starts over', () => {
    const collect = vi.fn()
    const collector = new IdleCollector(collect, [1000, 5000])
    collector.activity()
    for (let i = 0; i < 5; i++) {
      vi.advanceTimersByTime(600)
      collector.activity()
    }
    expect(collect).not.toHaveBeenCalled()
    vi.advanceTimersByTime(1000)
    expect(collect).toHaveBeenCalledTimes(1)
    vi.advanceTimersByTime(5000)
    expect(collect).toHaveBeenCalledTimes(2)
    vi.advanceTimersByTime(60_000)
    expect(collect).toHaveBeenCalledTimes(2)
    expect(vi.getTimerCount()).toBe(0)
    collector.activity()
    vi.advanceTimersByTime(1000)
    expect(collect).toHaveBeenCalledTimes(3)
    collector.close()
  })

  test('once closed it leaves no timer and never collects', () => {
    const collect = vi.fn()
    const collector = new IdleCollector(collect, [1000])
    collector.activity()
    collector.close()
    collector.activity()
    expect(vi.getTimerCount()).toBe(0)
    vi.advanceTimersByTime(5000)
    expect(collect).not.toHaveBeenCalled()
  })

  test('without an exposed collector it does nothing', () => {
    const collector = new IdleCollector(null, [1000])
    collector.activity()
    expect(vi.getTimerCount()).toBe(0)
    collector.close()
  })
})
