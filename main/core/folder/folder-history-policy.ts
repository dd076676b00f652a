// What a folder keeps of replaced versions on this device (see retention).
export interface FolderHistory {
  retention: 'staggered' | 'all' | 'off'
  own: boolean // keep a copy of the versions this device writes itself
}

export const DEFAULT_HISTORY: FolderHistory = { retention: 'staggered', own: true }

export function keepsOwn(history: FolderHistory): boolean {
  return history.own && history.retention !== 'off'
}

export function archives(history: FolderHistory): boolean {
  return history.retention !== 'off'
}
