import { describe, expect, test } from 'vitest'
import { createHash, randomBytes } from 'crypto'
import { HyperfoldError } from '../../contract/errors'
import type { ChunkRef, ChunkSource } from '../../main/core/folder/chunk-ref'
import { type FetchOptions, LOCAL, WINDOW_BYTES, fetchInOrder } from '../../main/core/folder/chunk-fetcher'

// The fetcher's scheduling is pure logic: its sources here are plain objects
// that answer from a table, answer wrong bytes, or wait to be told.

interface Version {
  refs: ChunkRef[]
  bytes: Map<string, Buffer> // by hex hash
  whole: Buffer
}

function version(count: number, size = 64 * 1024): Version {
  const chunks = Array.from({ length: count }, () => randomBytes(size))
  const refs = chunks.map((chunk, i) => ({ hash: sha256(chunk), size, path: '/file.bin', offset: i * size }))
  return { refs, bytes: new Map(chunks.map((chunk) => [sha256(chunk).toString('hex'), chunk])), whole: Buffer.concat(chunks) }
}

function sha256(bytes: Buffer): Buffer {
  return createHash('sha256').update(bytes).digest()
}

class TableSource implements ChunkSource {
  readonly name: string
  readonly asked: ChunkRef[] = []
  readonly aborted: ChunkRef[] = []
  private readonly answer: (ref: ChunkRef) => Buffer | null
  private readonly held: (() => void)[] = []
  private holding: boolean

  constructor(name: string, answer: (ref: ChunkRef) => Buffer | null, opts: { hold?: boolean } = {}) {
    this.name = name
    this.answer = answer
    this.holding = opts.hold ?? false
  }

  async request(_folderId: string, ref: ChunkRef, signal?: AbortSignal): Promise<Buffer | null> {
    this.asked.push(ref)
    if (this.holding) {
      const released = await new Promise<boolean>((resolve) => {
        this.held.push(() => resolve(true))
        signal?.addEventListener('abort', () => resolve(false), { once: true })
      })
      if (!released) {
        this.aborted.push(ref)
        return null
      }
    }
    await new Promise((resolve) => setImmediate(resolve))
    return this.answer(ref)
  }

  release(): void {
    this.holding = false
    for (const go of this.held.splice(0)) go()
  }

  get waiting(): number {
    return this.held.length
  }
}

function holder(name: string, v: Version, opts: { hold?: boolean } = {}): TableSource {
  return new TableSource(name, (ref) => v.bytes.get(ref.hash.toString('hex')) ?? null, opts)
}

function options(sources: ChunkSource[], extra: Partial<FetchOptions> = {}) {
  const seen = { lying: [] as string[], bytes: new Map<string, number>() }
  const opts: FetchOptions = {
    local: async () => null,
    sources: () => sources,
    onlying: (name) => seen.lying.push(name),
    onbytes: (name, n) => seen.bytes.set(name, (seen.bytes.get(name) ?? 0) + n),
    ...extra
  }
  return { seen, opts }
}

async function collect(gen: AsyncGenerator<Buffer>): Promise<Buffer> {
  const parts: Buffer[] = []
  for await (const part of gen) parts.push(part)
  return Buffer.concat(parts)
}

describe('fetchInOrder', () => {
  test('hands out a version’s chunks in order, whatever order they arrive in', async () => {
    const v = version(40)
    // Answers later chunks first: each waits a number of turns that falls with its offset.
    const shuffler = new TableSource('peer', (ref) => v.bytes.get(ref.hash.toString('hex')) ?? null)
    const slowFirst: ChunkSource = {
      name: 'peer',
      request: async (folderId, ref, signal) => {
        for (let i = 0; i < 40 - ref.offset / ref.size; i++) await new Promise((resolve) => setImmediate(resolve))
        return shuffler.request(folderId, ref, signal)
      }
    }
    const { opts } = options([slowFirst])
    expect((await collect(fetchInOrder('f', v.refs, opts))).equals(v.whole)).toBe(true)
  })

  test('two peers are both asked, and the bytes are split between them', async () => {
    const v = version(64)
    const [a, b] = [holder('a', v), holder('b', v)]
    const { seen, opts } = options([a, b])
    expect((await collect(fetchInOrder('f', v.refs, opts))).equals(v.whole)).toBe(true)
    expect(seen.bytes.get('a')).toBeGreaterThan(0)
    expect(seen.bytes.get('b')).toBeGreaterThan(0)
    expect(seen.bytes.get('a')! + seen.bytes.get('b')!).toBe(v.whole.byteLength)
    expect(a.asked.length + b.asked.length).toBe(v.refs.length) // nothing asked twice
  })

  test('a peer that sends wrong bytes is refused, reported once, and the chunk comes from another', async () => {
    const v = version(24)
    const liar = new TableSource('liar', (ref) => randomBytes(ref.size))
    const honest = holder('honest', v)
    const { seen, opts } = options([liar, honest])
    expect((await collect(fetchInOrder('f', v.refs, opts))).equals(v.whole)).toBe(true)
    expect(seen.lying).toEqual(['liar'])
    expect(seen.bytes.get('liar')).toBeUndefined()
    expect(seen.bytes.get('honest')).toBe(v.whole.byteLength)
  })

  test('a chunk no peer holds ends the fetch with BYTES_UNAVAILABLE', async () => {
    const v = version(4)
    const partial = new TableSource('partial', (ref) => (ref.offset === 0 ? v.bytes.get(ref.hash.toString('hex'))! : null))
    const missing = new TableSource('empty', () => null)
    const { opts } = options([partial, missing])
    const error = await collect(fetchInOrder('f', v.refs, opts)).catch((err: unknown) => err)
    expect(error).toBeInstanceOf(HyperfoldError)
    expect((error as HyperfoldError).code).toBe('BYTES_UNAVAILABLE')
    expect((error as HyperfoldError).message).toMatch(/^No peer online holds part of this version \([0-9a-f]{12}\)\.$/)
    expect(missing.asked.length).toBeGreaterThan(0) // each peer was asked before giving up

    const alone = await collect(fetchInOrder('f', v.refs, options([]).opts)).catch((err: unknown) => err)
    expect((alone as HyperfoldError).code).toBe('BYTES_UNAVAILABLE')
  })

  test('a caller that stops early leaves no request behind', async () => {
    const v = version(64)
    const fast = holder('fast', v)
    const stuck = holder('stuck', v, { hold: true })
    const gen = fetchInOrder('f', v.refs, options([fast, stuck]).opts)
    // Take chunks until the stuck peer holds one the caller needs next... or all it was given.
    const first = await gen.next()
    expect(first.done).toBe(false)
    await until(() => stuck.waiting > 0)
    await gen.return(undefined)
    expect(stuck.asked.length).toBeGreaterThan(0)
    expect(stuck.aborted.length).toBe(stuck.asked.length) // every held request heard the abort
  })

  test('an abort signal ends the fetch and every request it made', async () => {
    const v = version(8)
    const stuck = holder('stuck', v, { hold: true })
    const controller = new AbortController()
    const gen = fetchInOrder('f', v.refs, options([stuck], { signal: controller.signal }).opts)
    const pending = gen.next()
    await until(() => stuck.waiting > 0)
    controller.abort(new Error('the user cancelled'))
    await expect(pending).rejects.toThrow('the user cancelled')
    expect(stuck.aborted.length).toBe(stuck.asked.length)
  })

  test('this device’s own copies come first; one that failed its check is fetched from a peer', async () => {
    const v = version(10)
    const stale = v.refs[3]!.hash.toString('hex')
    const local = async (ref: ChunkRef) => {
      const hex = ref.hash.toString('hex')
      if (hex === stale) return null // the file changed on disk since: local() checks, and has none
      return ref.offset % (2 * ref.size) === 0 ? v.bytes.get(hex)! : null
    }
    const peer = holder('peer', v)
    const { seen, opts } = options([peer], { local })
    expect((await collect(fetchInOrder('f', v.refs, opts))).equals(v.whole)).toBe(true)
    expect(seen.lying).toEqual([]) // a stale copy of our own is no lie
    const evens = v.refs.filter((_, i) => i % 2 === 0).length
    expect(seen.bytes.get(LOCAL)).toBe(evens * v.refs[0]!.size)
    expect(peer.asked.map((ref) => ref.offset / ref.size)).toEqual(expect.arrayContaining([1, 3, 5, 7, 9]))
    expect(peer.asked).toHaveLength(v.refs.length - evens)
  })

  test('the window runs ahead of the caller by WINDOW_BYTES, not the whole version', async () => {
    const v = version(24, 1 << 20)
    const peers = ['a', 'b', 'c'].map((name) => holder(name, v, { hold: true }))
    const gen = fetchInOrder('f', v.refs, options(peers).opts)
    const pending = gen.next()
    const asked = () => peers.reduce((n, peer) => n + peer.asked.length, 0)
    const window = WINDOW_BYTES / (1 << 20)
    await until(() => asked() >= window)
    for (let i = 0; i < 10; i++) await new Promise((resolve) => setImmediate(resolve))
    expect(asked()).toBe(window) // three peers could take 24 at once; the window holds fewer
    for (const peer of peers) peer.release()
    expect((await pending).done).toBe(false)
    await gen.return(undefined)
  })
})

async function until(done: () => boolean): Promise<void> {
  while (!done()) await new Promise((resolve) => setImmediate(resolve))
}
