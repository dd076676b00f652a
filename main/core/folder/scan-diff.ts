// Pairs what a scan finds on disk with what the local index recorded, path by
// path, by walking both in the byte order of their paths: one pass over a
// snapshot of the index instead of a lookup per file, and no set of every
// path seen. What the rescan then needs to look at: every path on disk (with
// its record, if any) and every recorded path that is no longer there.
import type { IndexRecord } from './local-index'
import type { ScanEntry, ScanItem } from './scanner'

export interface ScanPair {
  path: string
  disk: ScanEntry | null
  record: IndexRecord | null
}

type Records = AsyncIterable<[string, IndexRecord]>

// Both inputs must be sorted by the UTF-8 bytes of their paths.
// A path that could not be read, and everything recorded under it, is left
// out: unreadable is not deleted.
export async function* scanDiff(scan: AsyncIterable<ScanItem>, records: Records): AsyncGenerator<ScanPair> {
  const index = records[Symbol.asyncIterator]()
  try {
    yield* pairs(scan, index)
  } finally {
    await index.return?.() // a scan stopped half-way lets go of the index walk it holds open
  }
}

async function* pairs(scan: AsyncIterable<ScanItem>, index: AsyncIterator<[string, IndexRecord]>): AsyncGenerator<ScanPair> {
  let next = await index.next()
  let unreadable: string | null = null
  for await (const item of scan) {
    while (next.done !== true && byteOrder(next.value[0], item.path) < 0) {
      if (isGone(next.value, unreadable)) yield { path: next.value[0], disk: null, record: next.value[1] }
      next = await index.next()
    }
    let record: IndexRecord | null = null
    if (next.done !== true && next.value[0] === item.path) {
      record = next.value[1]
      next = await index.next()
    }
    if (item.type === 'error') unreadable = item.path
    else yield { path: item.path, disk: item, record }
  }
  for (; next.done !== true; next = await index.next()) {
    if (isGone(next.value, unreadable)) yield { path: next.value[0], disk: null, record: next.value[1] }
  }
}

// Unreadable paths come before what they hold, which sorts right after them,
// so the latest one is the only one that can cover a record.
function isGone([p, record]: [string, IndexRecord], unreadable: string | null): boolean {
  if (record.kind === 'deleted') return false
  return unreadable === null || (p !== unreadable && !p.startsWith(unreadable + '/'))
}

function byteOrder(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a), Buffer.from(b))
}
