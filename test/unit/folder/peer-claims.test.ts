// A peer's catalog says how far it holds each writer's drive; "in sync" waits
// for that much, but not for ever: a claim never served lapses once, is
// reported, and the same peer is not believed on that writer again.
import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest'
import { PeerClaims } from '../../../main/core/folder/peer-claims'

const W = 'a'.repeat(64)
const V = 'b'.repeat(64)

function setup(held: Record<string, number>) {
  const lapses: [string, string, number][] = []
  const onchange = vi.fn()
  const claims = new PeerClaims({
    versionOf: (writer) => held[writer] ?? 0,
    onlapse: (peer, writer, length) => lapses.push([peer, writer, length]),
    onchange,
    waitMs: 60_000
  })
  return { claims, lapses, onchange }
}

describe('PeerClaims: what peers say they hold, waited for a while', () => {
  beforeEach(() => void vi.useFakeTimers())
  afterEach(() => void vi.useRealTimers())

  test('a claim is waited for until met; one never met lapses once, is reported, and is not believed again from that peer', () => {
    const held = { [W]: 5, [V]: 0 }
    const { claims, lapses, onchange } = setup(held)
    claims.set('p1', [W, V], [10, 3])
    expect(claims.lengthOf(W)).toBe(10)
    expect(claims.lengthOf(V)).toBe(3)
    held[V] = 3 // V's entries arrived
    vi.advanceTimersByTime(30_000)
    claims.set('p1', [W, V], [12, 3]) // raising an unmet claim does not restart its wait
    vi.advanceTimersByTime(30_000)
    expect(lapses).toEqual([['p1', W, 12]])
    expect(onchange).toHaveBeenCalledTimes(1)
    expect(claims.lengthOf(W)).toBe(0)
    claims.set('p1', [W], [20])
    expect(claims.lengthOf(W)).toBe(0) // doubted while it stays connected
    claims.set('p2', [W], [7])
    expect(claims.lengthOf(W)).toBe(7) // another peer's word still counts
    claims.close()
    expect(vi.getTimerCount()).toBe(0)
  })

  test('a claim met and then raised waits anew; a peer that leaves takes its claims and the doubt with it', () => {
    const held = { [W]: 0 }
    const { claims, lapses } = setup(held)
    claims.set('p1', [W], [4])
    vi.advanceTimersByTime(50_000)
    held[W] = 4
    claims.set('p1', [W], [8]) // new entries since: a new wait
    vi.advanceTimersByTime(50_000)
    expect(lapses).toEqual([])
    expect(claims.lengthOf(W)).toBe(8)
    vi.advanceTimersByTime(10_000)
    expect(lapses).toEqual([['p1', W, 8]])
    expect(claims.drop('p1')).toBe(false) // nothing left to wait for
    claims.set('p1', [W], [8]) // back: believed again
    expect(claims.lengthOf(W)).toBe(8)
    expect(claims.drop('p1')).toBe(true)
    expect(claims.lengthOf(W)).toBe(0)
    expect(vi.getTimerCount()).toBe(1) // the armed timer finds nothing and stops
    vi.advanceTimersByTime(60_000)
    expect(vi.getTimerCount()).toBe(0)
    claims.close()
  })
})
