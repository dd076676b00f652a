// The tray icon: the state of every folder at a glance (in sync, syncing with
// how far in the tooltip, paused, error), and the way back to the window while
// the node keeps syncing. The icon follows the panel's light or dark theme.
import path from 'path'
import { Menu, Tray, nativeImage, nativeTheme } from 'electron'
import type { Folder } from '../../contract'
import { trayIconFile } from './tray-icons'
import { type TrayActions, trayMenu } from './tray-menu'
import { trayState } from './tray-state'

export class StatusTray {
  private readonly tray: Tray
  private readonly assets: string
  private readonly actions: TrayActions
  private folders: readonly Folder[] = []
  private readonly onTheme = () => this.render()

  constructor(assets: string, actions: TrayActions) {
    this.assets = assets
    this.actions = actions
    this.tray = new Tray(this.image('idle'))
    this.tray.on('click', () => actions.open())
    nativeTheme.on('updated', this.onTheme)
    this.render()
  }

  update(folders: readonly Folder[]): void {
    this.folders = folders
    this.render()
  }

  destroy(): void {
    nativeTheme.removeListener('updated', this.onTheme)
    this.tray.destroy()
  }

  private render(): void {
    const state = trayState(this.folders)
    this.tray.setImage(this.image(state.icon))
    this.tray.setToolTip(state.tooltip)
    this.tray.setContextMenu(Menu.buildFromTemplate(trayMenu(this.folders, state, this.actions)))
  }

  // The @2x file beside it is picked up by Electron on a high-density screen.
  private image(state: ReturnType<typeof trayState>['icon']) {
    const theme = nativeTheme.shouldUseDarkColors ? 'dark' : 'light'
    return nativeImage.createFromPath(path.join(this.assets, trayIconFile(state, theme, 1)))
  }
}
