// A version's chunks, fetched from this device's own copies first and then
// from every connected peer at once, and handed out in order, each verified
// against its hash. A window of requests runs ahead of what the caller has
// taken; each peer has a few in flight, so a faster one simply takes more.
import { setMaxListeners } from 'events'
import { HyperfoldError } from '../../../contract/errors'
import { type ChunkRef, type ChunkSource, chunkHash } from './chunk-ref'

// Bytes asked for (or held) ahead of the caller: enough to keep several peers
// busy, little enough for the puller's sixteen files at once.
export const WINDOW_BYTES = 8 << 20
// Tiny chunks must not turn the window into thousands of requests.
const WINDOW_CHUNKS = 512
// 2 MiB of 64 KiB chunks in flight per peer: a round trip of a LAN or the
// internet costs no throughput, and no peer holds up a window alone.
export const PER_SOURCE = 64
export const LOCAL = 'local'

export interface FetchOptions {
  signal?: AbortSignal
  // This device's own copy of a chunk (an old version on disk, the chunk
  // store), checked against its hash, or null (none, or one that failed it).
  local(ref: ChunkRef): Promise<Buffer | null>
  // The peers to ask, as they are now: called again as the fetch goes on.
  sources(): ChunkSource[]
  // Once per source that sent bytes not matching the hash; it is not asked again in this fetch.
  onlying?(sourceName: string, ref: ChunkRef): void
  // Verified bytes taken from a source ('local' for this device's own copies).
  onbytes?(sourceName: string, bytes: number): void
}

type SlotState = 'local' | 'queued' | 'asked' | 'done'

interface Slot {
  ref: ChunkRef
  state: SlotState
  bytes: Buffer | null
  declined: Set<string> // sources that said "not here" or lied about this chunk
}

export async function* fetchInOrder(folderId: string, refs: ChunkRef[], opts: FetchOptions): AsyncGenerator<Buffer> {
  const fetch = new Fetch(folderId, refs, opts)
  try {
    for (let i = 0; i < refs.length; i++) yield await fetch.take(i)
  } finally {
    fetch.stop() // nothing left asked of a peer once the caller is gone
  }
}

export function verifies(bytes: Buffer, ref: ChunkRef): boolean {
  return bytes.byteLength === ref.size && chunkHash(bytes).equals(ref.hash)
}

class Fetch {
  private readonly folderId: string
  private readonly refs: ChunkRef[]
  private readonly opts: FetchOptions
  private readonly slots: (Slot | null)[] = []
  private readonly inflight = new Map<string, number>()
  private readonly liars = new Set<string>()
  // Made at the first request: most fetches of small files never ask a peer twice, and an abort costs a DOMException.
  private controller: AbortController | null = null
  private readonly onabort = () => this.wake()
  private next = 0
  private ahead = 0
  private windowBytes = 0
  private failure: Error | null = null
  private stopped = false
  private waiter: (() => void) | null = null

  constructor(folderId: string, refs: ChunkRef[], opts: FetchOptions) {
    this.folderId = folderId
    this.refs = refs
    this.opts = opts
    opts.signal?.addEventListener('abort', this.onabort)
  }

  async take(index: number): Promise<Buffer> {
    this.next = index
    for (;;) {
      this.throwIfEnded()
      this.fill()
      this.dispatch()
      this.throwIfEnded()
      const slot = this.slots[index]!
      if (slot.state === 'done') {
        this.slots[index] = null
        this.windowBytes -= slot.ref.size
        return slot.bytes!
      }
      await new Promise<void>((resolve) => (this.waiter = resolve))
    }
  }

  stop(): void {
    this.stopped = true
    this.opts.signal?.removeEventListener('abort', this.onabort)
    if ([...this.inflight.values()].some((n) => n > 0)) this.controller?.abort()
  }

  private requestSignal(): AbortSignal {
    if (this.controller === null) {
      this.controller = new AbortController()
      quietListeners(this.controller.signal) // one listener per request in flight, over every source
    }
    return this.controller.signal
  }

  private throwIfEnded(): void {
    if (this.opts.signal?.aborted === true) throw this.opts.signal.reason ?? new Error('aborted')
    if (this.failure !== null) throw this.failure
  }

  private wake(): void {
    const waiter = this.waiter
    this.waiter = null
    waiter?.()
  }

  // Starts the chunks the window has room for, each with this device's own copy.
  private fill(): void {
    while (this.ahead < this.refs.length) {
      const ref = this.refs[this.ahead]!
      const room = this.windowBytes + ref.size <= WINDOW_BYTES && this.ahead - this.next < WINDOW_CHUNKS
      if (!room && this.ahead > this.next) return
      const slot: Slot = { ref, state: 'local', bytes: null, declined: new Set() }
      this.slots[this.ahead++] = slot
      this.windowBytes += ref.size
      void this.tryLocal(slot)
    }
  }

  private async tryLocal(slot: Slot): Promise<void> {
    const bytes = await Promise.resolve()
      .then(() => this.opts.local(slot.ref))
      .catch(() => null)
    if (this.stopped) return
    // Checked by local() already (hashing a rebuilt 1 GiB file twice cost a
    // second of it); a stale copy came back as null, and the peers are asked.
    if (bytes !== null && bytes.byteLength === slot.ref.size) this.settle(slot, LOCAL, bytes)
    else slot.state = 'queued'
    this.dispatch()
    this.wake()
  }

  // Gives each waiting chunk, earliest first, to the least busy source that may hold it.
  private dispatch(): void {
    if (this.stopped || this.failure !== null) return
    const sources = this.opts.sources().filter((s) => !this.liars.has(s.name))
    for (let i = this.next; i < this.ahead; i++) {
      const slot = this.slots[i]
      if (slot?.state !== 'queued') continue
      const candidates = sources.filter((s) => !slot.declined.has(s.name))
      if (candidates.length === 0) {
        this.failure = unavailable(slot.ref)
        this.wake()
        return
      }
      const source = leastBusy(candidates, this.inflight)
      if (source !== undefined) this.ask(slot, source)
    }
  }

  private ask(slot: Slot, source: ChunkSource): void {
    slot.state = 'asked'
    this.inflight.set(source.name, (this.inflight.get(source.name) ?? 0) + 1)
    const answer = Promise.resolve()
      .then(() => source.request(this.folderId, slot.ref, this.requestSignal()))
      .catch(() => null) // a source that throws is one that does not have it
    void answer.then((bytes) => {
      this.inflight.set(source.name, this.inflight.get(source.name)! - 1)
      if (this.stopped) return
      if (bytes !== null && verifies(bytes, slot.ref)) this.settle(slot, source.name, bytes)
      else this.decline(slot, source.name, bytes !== null)
      this.dispatch()
      this.wake()
    })
  }

  private settle(slot: Slot, sourceName: string, bytes: Buffer): void {
    slot.state = 'done'
    slot.bytes = bytes
    this.opts.onbytes?.(sourceName, bytes.byteLength)
  }

  private decline(slot: Slot, sourceName: string, lied: boolean): void {
    slot.declined.add(sourceName)
    slot.state = 'queued'
    if (!lied || this.liars.has(sourceName)) return
    this.liars.add(sourceName)
    this.opts.onlying?.(sourceName, slot.ref)
  }
}

function leastBusy(sources: ChunkSource[], inflight: Map<string, number>): ChunkSource | undefined {
  let best: ChunkSource | undefined
  let bestCount = PER_SOURCE
  for (const source of sources) {
    const count = inflight.get(source.name) ?? 0
    if (count < bestCount) [best, bestCount] = [source, count]
  }
  return best
}

function unavailable(ref: ChunkRef): HyperfoldError {
  return new HyperfoldError('BYTES_UNAVAILABLE', `No peer online holds part of this version (${ref.hash.toString('hex').slice(0, 12)}).`)
}

// Node warns past ten listeners on a signal; an AbortSignal that is not
// Node's own (a browser-like global in the UI's tests) takes no such limit.
function quietListeners(signal: AbortSignal): void {
  try {
    setMaxListeners(0, signal)
  } catch {
    // not Node's EventTarget: nothing to raise
  }
}
