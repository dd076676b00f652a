import fs from 'fs'
import path from 'path'
import { describe, expect, test } from 'vitest'
import type { Folder, FolderState } from '../../../contract'
import { TRAY_STATES, TRAY_THEMES, trayIconFile } from '../../../main/electron/tray-icons'
import { trayState } from '../../../main/electron/tray-state'

function folder(name: string, state: FolderState, extra: Partial<Folder> = {}): Folder {
  return {
    id: name,
    name,
    topic: 't1',
    path: `/home/me/${name}`,
    mode: 'send-receive',
    history: { retention: 'staggered', own: true }, selection: { everything: true, only: [], except: [] },
    state,
    progress: null,
    files: 10,
    bytes: 1000,
    sharedBy: [],
    writers: 1,
    conflicts: 0,
    localChanges: 0,
    lastError: null,
    unapplied: [],
    ...extra
  }
}

const progress = (bytesDone: number, bytesTotal: number) => ({ filesDone: 0, filesTotal: 1, bytesDone, bytesTotal, bytesPerSecond: 0 })

describe('the tray shows all folders in one state', () => {
  test('nothing synced here, all in sync, some paused, all paused', () => {
    expect(trayState([folder('Remote', 'available', { path: null })])).toEqual({ icon: 'idle', tooltip: 'Hyperfold: no folders synced on this device', percent: null })
    expect(trayState([folder('Photos', 'idle'), folder('Docs', 'idle')]).tooltip).toBe('Hyperfold: in sync (2 folders)')
    expect(trayState([folder('Photos', 'idle'), folder('Docs', 'paused')])).toMatchObject({ icon: 'idle', tooltip: 'Hyperfold: in sync (1 folder, 1 paused)' })
    expect(trayState([folder('Photos', 'paused')])).toMatchObject({ icon: 'paused', tooltip: 'Hyperfold: paused (1 folder)' })
  })

  test('syncing shows how far over every syncing folder, never 100% before it is done', () => {
    const state = trayState([folder('Photos', 'syncing', { progress: progress(30, 100) }), folder('Docs', 'scanning', { progress: progress(20, 100) }), folder('Old', 'idle')])
    expect(state).toEqual({ icon: 'syncing', tooltip: 'Hyperfold: syncing Photos, Docs (25%)', percent: 25 })
    expect(trayState([folder('Photos', 'syncing', { progress: progress(100, 100) })]).percent).toBe(99)
    expect(trayState([folder('Photos', 'scanning')])).toEqual({ icon: 'syncing', tooltip: 'Hyperfold: syncing Photos', percent: null })
  })

  test('an error wins over syncing and says which folder and why', () => {
    const state = trayState([
      folder('Photos', 'syncing', { progress: progress(1, 2) }),
      folder('Docs', 'error', { lastError: 'The folder root is gone.' }),
      folder('Notes', 'out-of-sync', { unapplied: [{ path: '/a', reason: 'x' }] })
    ])
    expect(state).toEqual({ icon: 'error', tooltip: 'Hyperfold: Docs: The folder root is gone. (and 1 more)', percent: null })
    expect(trayState([folder('Notes', 'out-of-sync', { unapplied: [{ path: '/a', reason: 'x' }] })]).tooltip).toBe('Hyperfold: Notes: 1 paths could not be applied')
  })

  test('every tray icon exists for light and dark panels at 1x and 2x', () => {
    for (const state of TRAY_STATES) {
      for (const theme of TRAY_THEMES) {
        for (const scale of [1, 2] as const) expect(fs.existsSync(path.resolve(import.meta.dirname, '../../../assets', trayIconFile(state, theme, scale)))).toBe(true)
      }
    }
  })
})
