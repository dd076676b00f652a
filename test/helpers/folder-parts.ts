// One folder's parts on one device, for unit tests that drive the publisher,
// the applier or the local side without a node: its drives, local index,
// chunk store and file content. `disk` is the folder root's FolderFs once
// there is one; `sources` the other devices whose chunks this one may read.
import path from 'path'
import Corestore from 'corestore'
import type { ChunkRef, ChunkSource } from '../../main/core/folder/chunk-ref'
import { ChunkStore } from '../../main/core/folder/chunk-store'
import { FileContent } from '../../main/core/folder/file-content'
import { FolderDrives } from '../../main/core/folder/folder-drives'
import type { FolderFs } from '../../main/core/folder/folder-fs'
import { DEFAULT_HISTORY } from '../../main/core/folder/retention'
import { LocalIndex, openIndexDb } from '../../main/core/folder/local-index'

export interface FolderParts {
  store: Corestore
  drives: FolderDrives
  index: LocalIndex
  chunks: ChunkStore
  content: FileContent
  history: () => typeof DEFAULT_HISTORY
  setDisk(fs: FolderFs | null): void
  sources: ChunkSource[]
  close(): Promise<void>
}

export async function folderParts(storeDir: string, chunkDir: string, writers: string[] = []): Promise<FolderParts> {
  const store = new Corestore(storeDir)
  const drives = new FolderDrives(store, 'folder', () => undefined)
  await drives.ready()
  for (const writer of writers) await drives.addWriter(writer)
  const indexDb = await openIndexDb(path.join(storeDir, 'index'))
  const index = new LocalIndex(indexDb, 'folder', store)
  await index.ready()
  const chunks = new ChunkStore(chunkDir, indexDb, 'folder')
  const sources: ChunkSource[] = []
  let disk: FolderFs | null = null
  const content = new FileContent({
    ...{ folderId: 'folder', drives, store: chunks, index },
    sources: () => sources,
    disk: () => disk,
    onlying: () => undefined,
    onbytes: () => undefined
  })
  const close = async (): Promise<void> => {
    await chunks.close()
    await index.close()
    await indexDb.close()
    await drives.close()
    await store.close()
  }
  return { store, drives, index, chunks, content, history: () => DEFAULT_HISTORY, setDisk: (fs) => (disk = fs), sources, close }
}

// Another device's chunks, read the way a peer serves them (its store and files, each checked).
export function sourceOf(name: string, other: FolderParts): ChunkSource {
  return { name, request: (_folder: string, ref: ChunkRef) => other.content.serve(ref) }
}

// A version's bytes, whole.
export async function collect(source: Uint8Array | AsyncIterable<Uint8Array>): Promise<Buffer> {
  if (source instanceof Uint8Array) return Buffer.from(source)
  const parts: Uint8Array[] = []
  for await (const part of source) parts.push(part)
  return Buffer.concat(parts)
}
