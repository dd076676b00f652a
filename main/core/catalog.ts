// The folders a device offers on a topic, as sent to the topic's members over
// the member channel. It comes from peers: parsed, bounded, never trusted.
import { z } from 'zod'
import { type Decoded, decodeJsonMessage } from './safe-json'

// Room for a thousand folders with dozens of writers each; a bigger catalog is
// refused unread, before it costs a parse.
export const MAX_CATALOG_BYTES = 4 * 1024 * 1024

const CatalogEntry = z.object({
  id: z.string().regex(/^[a-z0-9]{16,64}$/),
  name: z.string().min(1).max(255),
  writers: z.array(z.string().regex(/^[0-9a-f]{64}$/)).max(256),
  // How far the sender holds each writer's drive (its version), in the order
  // of `writers`: "in sync" waits to have heard of that much (see SharedFolder).
  // Older peers send none.
  lengths: z.array(z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER)).max(256).optional(),
  files: z.number().int().nonnegative(),
  bytes: z.number().int().nonnegative()
}).refine((e) => e.lengths === undefined || e.lengths.length === e.writers.length, 'lengths must match writers')

export const Catalog = z.object({ folders: z.array(CatalogEntry).max(1000) })

export type CatalogEntry = z.infer<typeof CatalogEntry>
export type Catalog = z.infer<typeof Catalog>

// A catalog message's bytes, as a peer sent them.
export function decodeCatalog(bytes: Uint8Array): Decoded<Catalog> {
  return decodeJsonMessage(bytes, MAX_CATALOG_BYTES, Catalog, 'folder catalog')
}
