// What each drive entry of a shared folder carries beside its bytes. Hyperdrive
// keeps no mtime or mode, and the merge needs the version vector and author, so
// they travel in the entry's metadata. It comes from peers: parse, never trust.
//
// A file version of format 2 names its bytes by a chunk list (see
// file-content): inline here as base64 when short, else in the entry's blob.
// A version without a format is from before chunks: its blob is its bytes.
import { z } from 'zod'
import type { BlobId } from 'hyperdrive'
import type { VersionVector } from './version-vector'

// The latest time a JS Date can hold: a later mtime cannot be shown as a date, so such an entry is malformed.
export const MAX_MTIME_MS = 8.64e15
// A chunk list up to this long (base64) rides in the metadata, which saves a
// round trip per small file; a longer one goes into a blob of its own.
export const MAX_INLINE_MANIFEST = 4096

const Meta = z.object({
  device: z.string().regex(/^[a-z0-9]{1,64}$/),
  mtime: z.number().int().nonnegative().max(MAX_MTIME_MS),
  size: z.number().int().nonnegative(),
  executable: z.boolean(),
  kind: z.enum(['file', 'directory', 'deleted']),
  vv: z.record(z.string().max(64), z.number().int().positive()).refine((vv) => Object.keys(vv).length <= 1024),
  format: z.literal(2).optional(),
  manifest: z.string().max(MAX_INLINE_MANIFEST).optional()
})

export type EntryMeta = Omit<z.infer<typeof Meta>, 'vv'> & { vv: VersionVector }

export function parseEntryMeta(value: unknown): EntryMeta | null {
  const parsed = Meta.safeParse(value)
  return parsed.success ? parsed.data : null
}

// An mtime as ISO text; one out of a Date's range (never parsed, but drives are old) reads as the epoch.
export function mtimeText(mtime: number): string {
  const date = new Date(mtime)
  return Number.isNaN(date.getTime()) ? new Date(0).toISOString() : date.toISOString()
}

const Offset = z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER)
const Blob = z.object({ byteOffset: Offset, blockOffset: Offset, blockLength: Offset, byteLength: Offset }).nullable()

// Where an entry's bytes are; undefined when a peer wrote something else there.
export function parseBlobId(value: unknown): BlobId | null | undefined {
  const parsed = Blob.safeParse(value)
  return parsed.success ? parsed.data : undefined
}
