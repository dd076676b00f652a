// Pairs what a scan finds on disk with what the local index recorded, path by
// path, by walking both in the byte order of their paths: one pass over a
// snapshot of the index instead of a lookup per file, and no set of every
// path seen. What the rescan then needs to look at: every path on disk (with
// its record, if any) and every recorded path that is no longer there.
import type { IndexRecord } from './local-index'
import { byteOrder } from './path-order'
import type { ScanEntry, ScanItem } from './scanner'

export interface ScanPair {
  path: string
  disk: ScanEntry | null
  record: IndexRecord | null
}

type Entry = [string, IndexRecord]

// Both inputs come in batches, sorted by the UTF-8 bytes of their paths, and
// so do the pairs: a rescan of an unchanged folder passes over most of them
// with no await each. A path that could not be read, and everything recorded
// under it, is left out: unreadable is not deleted.
export async function* scanDiff(scan: AsyncIterable<ScanItem[]>, records: AsyncIterable<Entry[]>): AsyncGenerator<ScanPair[]> {
  const index = new RecordCursor(records[Symbol.asyncIterator]())
  try {
    yield* pairs(scan, index)
  } finally {
    await index.close() // a scan stopped half-way lets go of the index walk it holds open
  }
}

async function* pairs(scan: AsyncIterable<ScanItem[]>, index: RecordCursor): AsyncGenerator<ScanPair[]> {
  let unreadable: string | null = null
  for await (const items of scan) {
    const out: ScanPair[] = []
    for (const item of items) {
      let next = index.head() ?? (await index.fill())
      while (next !== null && byteOrder(next[0], item.path) < 0) {
        if (isGone(next, unreadable)) out.push({ path: next[0], disk: null, record: next[1] })
        index.skip()
        next = index.head() ?? (await index.fill())
      }
      let record: IndexRecord | null = null
      if (next !== null && next[0] === item.path) {
        record = next[1]
        index.skip()
      }
      if (item.type === 'error') unreadable = item.path
      else out.push({ path: item.path, disk: item, record })
    }
    if (out.length > 0) yield out
  }
  while ((index.head() ?? (await index.fill())) !== null) {
    const out = index.rest().filter((entry) => isGone(entry, unreadable))
    if (out.length > 0) yield out.map(([path, record]) => ({ path, disk: null, record }))
  }
}

// The index's records one at a time, read a batch at a time.
class RecordCursor {
  private readonly batches: AsyncIterator<Entry[]>
  private batch: Entry[] = []
  private at = 0

  constructor(batches: AsyncIterator<Entry[]>) {
    this.batches = batches
  }

  // The next record when its batch is at hand; undefined when the next batch must be read (fill).
  head(): Entry | undefined {
    return this.batch[this.at]
  }

  // Reads batches until one holds a record; null once the index has no more.
  async fill(): Promise<Entry | null> {
    while (this.at >= this.batch.length) {
      const next = await this.batches.next()
      if (next.done === true) return null
      this.batch = next.value
      this.at = 0
    }
    return this.batch[this.at]!
  }

  skip(): void {
    this.at++
  }

  // What is left of the batch at hand, taken.
  rest(): Entry[] {
    const rest = this.batch.slice(this.at)
    this.at = this.batch.length
    return rest
  }

  async close(): Promise<void> {
    await this.batches.return?.()
  }
}

// Unreadable paths come before what they hold, which sorts right after them,
// so the latest one is the only one that can cover a record.
function isGone([p, record]: Entry, unreadable: string | null): boolean {
  if (record.kind === 'deleted') return false
  return unreadable === null || (p !== unreadable && !p.startsWith(unreadable + '/'))
}
