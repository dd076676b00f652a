// A seeded PRNG (mulberry32): the same seed picks the same operations, so a
// failing run can be replayed with `--seed N`.
export class Prng {
  private state: number

  constructor(seed: number) {
    this.state = seed >>> 0
  }

  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0
    let t = this.state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }

  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1))
  }

  chance(p: number): boolean {
    return this.next() < p
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new Error('pick from an empty list')
    return items[Math.floor(this.next() * items.length)]!
  }

  // Picks by weight; entries with weight 0 are never picked.
  weighted<T extends string>(weights: Record<T, number>): T {
    const entries = (Object.entries(weights) as [T, number][]).filter(([, w]) => w > 0)
    let roll = this.next() * entries.reduce((sum, [, w]) => sum + w, 0)
    for (const [key, w] of entries) if ((roll -= w) < 0) return key
    return entries[entries.length - 1]![0]
  }

  bytes(n: number): Buffer {
    const out = Buffer.alloc(n)
    for (let i = 0; i < n; i += 4) {
      const word = Math.floor(this.next() * 4294967296)
      for (let j = 0; j < 4 && i + j < n; j++) out[i + j] = (word >>> (8 * j)) & 0xff
    }
    return out
  }
}
