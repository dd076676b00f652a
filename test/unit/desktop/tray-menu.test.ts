import { expect, test } from 'vitest'
import type { Folder, FolderState } from '../../../contract'
import { trayMenu } from '../../../main/electron/tray-menu'
import { trayState } from '../../../main/electron/tray-state'

function folder(name: string, state: FolderState, where: string | null): Folder {
  return {
    id: name, name, topic: 't1', path: where, mode: 'send-receive', history: { retention: 'staggered', own: true }, selection: { everything: true, only: [], except: [] }, state,
    progress: null, files: 1, bytes: 1, sharedBy: [], writers: 1, conflicts: 0, localChanges: 0, lastError: null, unapplied: []
  }
}

test('the tray menu opens the app and each local folder, pauses or resumes all, and quits', () => {
  const calls: string[] = []
  const actions = {
    open: () => calls.push('open'),
    openFolder: (p: string) => calls.push(`folder ${p}`),
    pauseAll: () => calls.push('pause'),
    resumeAll: () => calls.push('resume'),
    quit: () => calls.push('quit')
  }
  const folders = [folder('Photos & Video', 'idle', '/home/me/Photos'), folder('Remote', 'available', null), folder('Docs', 'paused', '/home/me/Docs')]
  const menu = trayMenu(folders, trayState(folders), actions)
  expect(menu.map((item) => item.label ?? '-')).toEqual(['in sync (1 folder, 1 paused)', '-', 'Open Hyperfold', 'Open Photos && Video', 'Open Docs', '-', 'Pause all folders', '-', 'Quit Hyperfold'])
  for (const item of menu) (item.click as (() => void) | undefined)?.()
  expect(calls).toEqual(['open', 'folder /home/me/Photos', 'folder /home/me/Docs', 'pause', 'quit'])

  const paused = [folder('Docs', 'paused', '/home/me/Docs')]
  expect(trayMenu(paused, trayState(paused), actions).some((item) => item.label === 'Resume all folders')).toBe(true)
  expect(trayMenu([], trayState([]), actions).find((item) => item.label === 'Pause all folders')?.enabled).toBe(false)
})
