// The tray's menu from the folders synced here: open the app, open each
// folder in the file manager, pause or resume all, quit. Built apart from
// Electron's Menu so it is checked without Electron.
import type { MenuItemConstructorOptions } from 'electron'
import type { Folder } from '../../contract'
import { escapeControls } from '../../contract/text'
import type { TrayState } from './tray-state'

export interface TrayActions {
  open(): void
  openFolder(path: string): void
  pauseAll(): void
  resumeAll(): void
  quit(): void
}

export function trayMenu(folders: readonly Folder[], state: TrayState, actions: TrayActions): MenuItemConstructorOptions[] {
  const local = folders.filter((folder): folder is Folder & { path: string } => folder.path !== null && folder.state !== 'available')
  const anyRunning = local.some((folder) => folder.state !== 'paused')
  return [
    { label: state.tooltip.replace(/^Hyperfold: /, ''), enabled: false },
    { type: 'separator' },
    { label: 'Open Hyperfold', click: () => actions.open() },
    ...local.map((folder) => ({
      // Names come from peers: shown escaped, and with & doubled so Windows does not read an accelerator.
      label: `Open ${escapeControls(folder.name).replace(/&/g, '&&')}`,
      click: () => actions.openFolder(folder.path)
    })),
    { type: 'separator' },
    anyRunning || local.length === 0
      ? { label: 'Pause all folders', enabled: local.length > 0, click: () => actions.pauseAll() }
      : { label: 'Resume all folders', click: () => actions.resumeAll() },
    { type: 'separator' },
    { label: 'Quit Hyperfold', click: () => actions.quit() }
  ]
}
