// What the tray says about all folders synced on this device, in one icon and
// one tooltip: an error wins (the user must act), then syncing (with how far),
// then in sync; paused only when every folder is.
import type { Folder } from '../../contract'
import type { TrayIconState } from './tray-icons'

export interface TrayState {
  icon: TrayIconState
  tooltip: string
  // Whole percent over every syncing folder's bytes, when any is syncing with a known size.
  percent: number | null
}

export function trayState(folders: readonly Folder[]): TrayState {
  const local = folders.filter((folder) => folder.path !== null && folder.state !== 'available')
  if (local.length === 0) return { icon: 'idle', tooltip: 'Hyperfold: no folders synced on this device', percent: null }

  const failing = local.filter((folder) => folder.state === 'error' || folder.state === 'out-of-sync')
  if (failing.length > 0) {
    const first = failing[0]!
    const why = first.state === 'error' ? (first.lastError ?? 'stopped with an error') : `${first.unapplied.length} paths could not be applied`
    const more = failing.length > 1 ? ` (and ${failing.length - 1} more)` : ''
    return { icon: 'error', tooltip: `Hyperfold: ${first.name}: ${why}${more}`, percent: null }
  }

  const working = local.filter((folder) => folder.state === 'syncing' || folder.state === 'scanning')
  if (working.length > 0) {
    const percent = syncPercent(working)
    const names = working.map((folder) => folder.name).join(', ')
    return { icon: 'syncing', tooltip: `Hyperfold: syncing ${names}${percent === null ? '' : ` (${percent}%)`}`, percent }
  }

  const paused = local.filter((folder) => folder.state === 'paused').length
  if (paused === local.length) return { icon: 'paused', tooltip: `Hyperfold: paused (${count(paused, 'folder')})`, percent: null }
  const pausedNote = paused > 0 ? `, ${paused} paused` : ''
  return { icon: 'idle', tooltip: `Hyperfold: in sync (${count(local.length - paused, 'folder')}${pausedNote})`, percent: null }
}

function syncPercent(working: readonly Folder[]): number | null {
  let done = 0
  let total = 0
  for (const { progress } of working) {
    if (progress === null) continue
    done += progress.bytesDone
    total += progress.bytesTotal
  }
  // Never 100% while a folder still says it is syncing: the last bytes are still being placed.
  return total === 0 ? null : Math.min(99, Math.floor((done / total) * 100))
}

function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`
}
