// Lists a folder's merged state one directory at a time, straight from the
// drives: this is how a peer's folder is browsed before (or without) syncing it.
import type { FileEntry } from '../../../contract/types'
import { mtimeText } from './entry-meta'
import type { FolderDrives } from './folder-drives'
import { resolve } from './merge'

export async function listDirectory(drives: FolderDrives, dir: string): Promise<FileEntry[]> {
  const names = new Set<string>()
  for (const drive of drives.all()) for await (const name of drive.readdir(dir)) names.add(name)
  const entries: FileEntry[] = []
  for (const name of [...names].sort()) {
    const path = dir === '/' ? `/${name}` : `${dir}/${name}`
    const resolution = resolve(await drives.candidates(path))
    const meta = resolution?.winner.meta
    if (meta?.kind === 'deleted') continue
    entries.push({
      name,
      path,
      kind: meta?.kind === 'file' ? 'file' : 'directory',
      size: meta?.size ?? 0,
      mtime: mtimeText(meta?.mtime ?? 0),
      device: meta?.device ?? ''
    })
  }
  return entries
}
