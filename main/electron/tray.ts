// The tray icon: the way back to the window while the node keeps syncing.
import { Menu, Tray, nativeImage } from 'electron'

export function createTray(icon: string, actions: { open(): void; quit(): void }): Tray {
  const tray = new Tray(nativeImage.createFromPath(icon))
  tray.setToolTip('Hyperfold')
  tray.setContextMenu(
    Menu.buildFromTemplate([
      { label: 'Open Hyperfold', click: actions.open },
      { type: 'separator' },
      { label: 'Quit Hyperfold', click: actions.quit }
    ])
  )
  tray.on('click', actions.open)
  return tray
}
