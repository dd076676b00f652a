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
  files: z.number().int().nonnegative(),
  bytes: z.number().int().nonnegative()
})

export const Catalog = z.object({ folders: z.array(CatalogEntry).max(1000) })

export type CatalogEntry = z.infer<typeof CatalogEntry>
export type Catalog = z.infer<typeof Catalog>

// A catalog message's bytes, as a peer sent them.
export function decodeCatalog(bytes: Uint8Array): Decoded<Catalog> {
  return decodeJsonMessage(bytes, MAX_CATALOG_BYTES, Catalog, 'folder catalog')
}
