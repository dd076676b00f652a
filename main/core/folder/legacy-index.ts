// Where a folder's local index was kept before it moved to the node's RocksDB:
// a Hyperbee on an unreplicated core of the node's Corestore. Read once, when
// a data dir written by an older version opens the folder, then purged.
import Hyperbee from 'hyperbee'
import type Corestore from 'corestore'

export interface LegacyIndex {
  // Every key and its value, in key order, a batch at a time.
  batches(size: number): AsyncGenerator<[string, unknown][]>
  // Deletes the core; the index lives elsewhere from then on.
  purge(): Promise<void>
  close(): Promise<void>
}

// Corestore's own lookup of a named core, which tells whether one exists
// without making it (a get with createIfMissing: false leaves a rejection no
// one can catch when the store closes).
interface StoreInternals {
  ns: Buffer
  storage: {
    getAlias(alias: { name: string; namespace: Buffer }): Promise<Buffer | null>
    hasCore(discoveryKey: Buffer): Promise<boolean>
  }
}

// null when the folder never had one, or it is empty: nothing is created looking.
export async function openLegacyIndex(store: Corestore, folderId: string): Promise<LegacyIndex | null> {
  const ns = store.namespace(`hyperfold/index/${folderId}`)
  await ns.ready()
  const { storage, ns: namespace } = ns as unknown as StoreInternals
  const discoveryKey = await storage.getAlias({ name: 'index', namespace })
  if (discoveryKey === null || !(await storage.hasCore(discoveryKey))) return null
  const core = ns.get({ name: 'index' })
  await core.ready()
  if (core.length === 0) {
    await core.close()
    return null
  }
  const bee = new Hyperbee<unknown>(core, { keyEncoding: 'utf-8', valueEncoding: 'json' })
  return {
    async *batches(size) {
      let batch: [string, unknown][] = []
      for await (const node of bee.createReadStream()) {
        batch.push([node.key, node.value])
        if (batch.length < size) continue
        yield batch
        batch = []
      }
      if (batch.length > 0) yield batch
    },
    purge: () => core.purge(),
    close: () => bee.close()
  }
}
