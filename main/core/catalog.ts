// The folders a device offers on a topic, as sent to the topic's members over
// the member channel. It comes from peers: parsed, bounded, never trusted.
import { z } from 'zod'

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
