// Conflict copies as the UI and the CLI see them, and how one is settled.

export const CONFLICT_KEEPS = ['original', 'copy', 'both'] as const
// original: the copy goes. copy: its content replaces the original's, then it
// goes. both: it stays under a name that is no conflict copy's.
export type ConflictKeep = (typeof CONFLICT_KEEPS)[number]

// One conflict copy on this device's disk beside the file it is a version of.
export interface Conflict {
  original: string
  copy: string
  // Null when nothing is at the original's path now (deleted since).
  originalSize: number | null
  originalMtime: string | null
  copySize: number
  copyMtime: string
  // The device whose edit lost, by id, and by name where this device knows it.
  device: string
  deviceName: string
}

export interface ConflictResolved {
  // The paths that hold what was kept, in the folder.
  kept: string[]
  // The conflicts left in the folder.
  conflicts: number
}
