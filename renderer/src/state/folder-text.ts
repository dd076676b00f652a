// How a shared folder reads in the UI: its state, its mode, who has it, its
// progress, and the sentences of the activity feed about its files.
import type { Folder, FolderActivity, FolderMode, FolderProgress, FolderState, UnappliedPath } from '../../../contract'
import { formatBytes, formatCount, formatRate, listOf, shown } from '../lib/format'

const STATES: Record<FolderState, string> = {
  available: 'Available',
  scanning: 'Scanning…',
  syncing: 'Syncing…',
  idle: 'Up to date',
  'out-of-sync': 'Out of sync',
  paused: 'Paused',
  error: 'Error'
}

const MODES: Record<FolderMode, { label: string; hint: string }> = {
  'send-receive': { label: 'Send & receive', hint: 'changes go both ways' },
  'send-only': { label: 'Send only', hint: 'changes made here go out; changes from others are not applied here' },
  'receive-only': { label: 'Receive only', hint: 'changes from others come in; edits made here stay here' }
}

export function stateLabel(state: FolderState): string {
  return STATES[state]
}

export function modeLabel(mode: FolderMode): string {
  return MODES[mode].label
}

export function modeHint(mode: FolderMode): string {
  return MODES[mode].hint
}

export function isLocal(folder: Folder): boolean {
  return folder.path !== null
}

export function sharedByLine(folder: Folder): string {
  const names = listOf(folder.sharedBy.map(shown), 'nobody')
  if (!isLocal(folder)) return folder.sharedBy.length === 0 ? 'No peer online offers it now' : `Offered by ${names}`
  return folder.sharedBy.length === 0 ? 'No peer online has it yet' : `Also on ${names}`
}

export function sizeLine(folder: Folder): string {
  return `${formatCount(folder.files, 'file')} · ${formatBytes(folder.bytes)}`
}

// Bytes tell the truth about a transfer; a pull of deletions only has files to count.
export function progressFraction(progress: FolderProgress): number {
  if (progress.bytesTotal > 0) return Math.min(progress.bytesDone / progress.bytesTotal, 1)
  return progress.filesTotal > 0 ? Math.min(progress.filesDone / progress.filesTotal, 1) : 0
}

export function progressLine(progress: FolderProgress): string {
  const files = `${progress.filesDone.toLocaleString()} of ${formatCount(progress.filesTotal, 'file')}`
  const bytes = `${formatBytes(progress.bytesDone)} of ${formatBytes(progress.bytesTotal)}`
  return progress.bytesPerSecond > 0 ? `${files} · ${bytes} · ${formatRate(progress.bytesPerSecond)}` : `${files} · ${bytes}`
}

export function conflictLine(count: number): string {
  return `${formatCount(count, 'conflict copy', 'conflict copies')} (files named “….sync-conflict-…”): keep the version you want and delete the other`
}

// Paths the folder holds that this device could not apply: the first, with why, and how many more.
export function unappliedLine(unapplied: readonly UnappliedPath[]): string {
  const [first, ...rest] = unapplied
  if (first === undefined) return ''
  const more = rest.length > 0 ? ` (and ${formatCount(rest.length, 'more path')})` : ''
  return `Not applied here: ${shown(first.path)}${more}. ${shown(first.reason)}`
}

export function localChangesLine(count: number): string {
  return `${formatCount(count, 'local change')} kept on this device and not sent (receive only)`
}

// Files received or deleted one after another, in one sync, fold into one line of the feed; the rest stand alone.
export interface ActivityLine {
  run: string | null
  text: (count: number) => string
}

export function runsOf(folderId: string): string[] {
  return [`synced:${folderId}`, `deleted:${folderId}`]
}

export function activityLine(activity: FolderActivity, name: string): ActivityLine {
  const { kind } = activity
  const [path, message, folderName] = [shown(activity.path), shown(activity.message), shown(name)]
  const latest = (n: number, verb: string, tail = '') =>
    n === 1 ? `${verb} ${path} in ${folderName}${tail}` : `${verb} ${n.toLocaleString()} files in ${folderName}${tail}, the latest ${path}`
  switch (kind) {
    case 'synced':
      return { run: `synced:${activity.folder}`, text: (n) => latest(n, 'Received') }
    case 'deleted':
      return { run: `deleted:${activity.folder}`, text: (n) => latest(n, 'Deleted', ' (removed on another device)') }
    case 'conflict':
      return { run: null, text: () => `Conflict in ${folderName}: ${message || `a conflicting edit is kept as ${path}`}` }
    case 'refused':
      return { run: null, text: () => `Refused a change to ${path} in ${folderName}${message ? `: ${message}` : ''}` }
    case 'error':
      return { run: null, text: () => `Could not sync ${path} in ${folderName}${message ? `: ${message}` : ''}` }
  }
}
