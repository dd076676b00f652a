// Mark and sweep of a folder's chunk store, which holds the history archive
// and this device's copies of its own versions. What stays: every chunk of
// the current version of each writer's entry at each path (this device's own
// copy may be all that is left of it once the file is edited here), and every
// chunk of the replaced versions the retention policy keeps. The rest goes.
// Never `blobs.clear()`: chunks are shared between versions, so only a mark
// over every version that stays can tell which are free.
import type { Chunk } from './chunk-ref'
import type { ChunkStore } from './chunk-store'
import type { FileContent } from './file-content'
import type { FolderDrives } from './folder-drives'
import { pathOf } from './folder-history'
import { parseBlobId, parseEntryMeta } from './entry-meta'
import type { FolderHistory } from './folder-config'
import { type ArchivedVersion, keptVersions } from './retention'

export interface SweepOptions {
  drives: FolderDrives
  content: FileContent
  store: ChunkStore
  history: FolderHistory
  capBytes: number | null
  now: number
  signal?: AbortSignal
}

interface Found {
  id: string
  path: string
  time: number
  chunks: Chunk[]
}

export async function sweepHistory(opts: SweepOptions): Promise<{ removed: number; bytesFreed: number }> {
  const { current, replaced } = await versionsOf(opts)
  const marked = new Set<string>()
  const mark = (chunks: Chunk[]): void => chunks.forEach((c) => marked.add(c.hash.toString('hex')))
  current.forEach((v) => mark(v.chunks))
  const kept = keptVersions(opts.history.retention, opts.now, costs(current, replaced), opts.capBytes)
  replaced.filter((v) => kept.has(v.id)).forEach((v) => mark(v.chunks))
  opts.signal?.throwIfAborted()
  return opts.store.sweep((hex) => marked.has(hex), opts.signal)
}

// Each writer's entries in the order it wrote them: the last one at a path is current.
async function versionsOf({ drives, content, signal }: SweepOptions): Promise<{ current: Found[]; replaced: Found[] }> {
  const current: Found[] = []
  const replaced: Found[] = []
  for (const writer of drives.writers()) {
    const latest = new Map<string, Found>()
    for await (const node of drives.get(writer)!.db.createHistoryStream()) {
      signal?.throwIfAborted()
      const path = pathOf(node.key)
      if (path === null || node.type !== 'put') continue
      const previous = latest.get(path)
      const found = await versionAt(content, writer, node.seq, path, node.value)
      if (previous !== undefined) replaced.push(previous)
      if (found === null) latest.delete(path)
      else latest.set(path, found)
    }
    current.push(...latest.values())
  }
  return { current, replaced }
}

// A file version's chunks; null for anything else, or one whose list this device cannot read (it keeps nothing of it).
async function versionAt(content: FileContent, writer: string, seq: number, path: string, value: { metadata?: unknown; blob?: unknown }): Promise<Found | null> {
  const meta = parseEntryMeta(value.metadata)
  const blob = parseBlobId(value.blob)
  if (meta === null || meta.kind !== 'file' || blob === undefined) return null
  const chunks = await content.chunksOf({ writer, meta, blob }).catch(() => null)
  return chunks === null ? null : { id: `${writer}:${seq}`, path, time: meta.mtime, chunks }
}

// What each replaced version alone costs: its chunks that no current version
// holds and that no version counted before it already did.
function costs(current: Found[], replaced: Found[]): ArchivedVersion[] {
  const counted = new Set(current.flatMap((v) => v.chunks.map((c) => c.hash.toString('hex'))))
  return [...replaced]
    .sort((a, b) => b.time - a.time)
    .map((v) => {
      let bytes = 0
      for (const c of v.chunks) {
        const hex = c.hash.toString('hex')
        if (!counted.has(hex)) bytes += c.size
        counted.add(hex)
      }
      return { id: v.id, path: v.path, time: v.time, bytes }
    })
}
