// How the home view reads: a line over all folders, what one has left to sync, its rate.
import type { Folder, FolderProgress } from '../../../contract'
import { formatBytes, formatCount, formatRate } from '../lib/format'

export function homeSummary(folders: readonly Folder[]): string {
  const upToDate = folders.filter((f) => f.state === 'idle').length
  const working = folders.filter((f) => f.state === 'syncing' || f.state === 'scanning').length
  const trouble = folders.filter((f) => f.state === 'error' || f.state === 'out-of-sync' || f.unapplied.length > 0).length
  const parts = [formatCount(folders.length, 'folder'), `${upToDate.toLocaleString()} up to date`]
  if (working > 0) parts.push(`${working.toLocaleString()} syncing`)
  if (trouble > 0) parts.push(`${formatCount(trouble, 'needs', 'need')} attention`)
  return parts.join(' · ')
}

// Null when nothing is on its way.
export function leftLine(folder: Folder): string | null {
  const p = folder.progress
  if (p === null) return folder.unapplied.length > 0 ? `${formatCount(folder.unapplied.length, 'file')} not synced` : null
  const files = Math.max(p.filesTotal - p.filesDone, 0)
  const bytes = Math.max(p.bytesTotal - p.bytesDone, 0)
  return `${formatCount(files, 'file')} (${formatBytes(bytes)}) left to sync`
}

export function rateLine(progress: FolderProgress): string {
  return progress.bytesPerSecond > 0 ? formatRate(progress.bytesPerSecond) : 'waiting for data'
}

export function conflictCount(count: number): string {
  return formatCount(count, 'conflict copy', 'conflict copies')
}
