// Lists a folder's merged state one directory at a time, straight from the
// drives: this is how a peer's folder is browsed before (or without) syncing it.
import type { FileEntry } from '../../../contract/types'
import { mtimeText } from './entry-meta'
import type { FolderDrives } from './folder-drives'
import { parseFolderPath } from './folder-path'
import { type Candidate, resolve } from './merge'

// `isLocal` tells whether this device's disk holds an entry's current version (none: nothing is).
export async function listDirectory(drives: FolderDrives, dir: string, isLocal?: (path: string, winner: Candidate) => Promise<boolean>): Promise<FileEntry[]> {
  const names = new Set<string>()
  for (const drive of drives.all()) for await (const name of drive.readdir(dir)) names.add(name)
  const entries: FileEntry[] = []
  for (const name of [...names].sort()) {
    const path = dir === '/' ? `/${name}` : `${dir}/${name}`
    if (!isFolderPath(path)) continue // a key no device would apply (see the puller's refusals)
    const resolution = resolve(await drives.candidates(path))
    // Every directory a device publishes has an entry of its own: a name with no valid entry is one refused.
    const meta = resolution?.winner.meta
    if (meta === undefined || meta.kind === 'deleted') continue
    const local = isLocal === undefined ? false : await isLocal(path, resolution!.winner)
    entries.push({
      name,
      path,
      kind: meta.kind,
      size: meta.size,
      mtime: mtimeText(meta.mtime),
      device: meta.device,
      local
    })
  }
  return entries
}

function isFolderPath(path: string): boolean {
  try {
    return parseFolderPath(path) === path
  } catch {
    return false
  }
}
