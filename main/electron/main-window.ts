// The one app window: created on demand, hidden instead of closed while the
// tray keeps the node running, shown again from the tray or a second launch.
import { BrowserWindow, type WebContents } from 'electron'
import type { Rect, SavedBounds } from './window-bounds'
import { windowOptions } from './window-options'

export interface MainWindowOptions {
  entry: string
  preload: string
  icon: string
  // Asked on every close: true hides the window to the tray instead.
  hideOnClose(): boolean
  // Where the window was last left (null: centred at the default size), and where to keep it.
  bounds(): (Rect & { maximized: boolean }) | null
  saveBounds(bounds: SavedBounds): void
}

export class MainWindow {
  private readonly opts: MainWindowOptions
  private window: BrowserWindow | null = null

  constructor(opts: MainWindowOptions) {
    this.opts = opts
  }

  get browserWindow(): BrowserWindow | null {
    return this.window === null || this.window.isDestroyed() ? null : this.window
  }

  get contents(): WebContents | null {
    return this.browserWindow?.webContents ?? null
  }

  show(): void {
    const window = this.window !== null && !this.window.isDestroyed() ? this.window : this.create()
    if (window.isMinimized()) window.restore()
    if (window.webContents.isLoading()) return // ready-to-show will show it
    window.show()
    window.focus()
  }

  // Quitting destroys the window without a close event, so the shell calls this first.
  rememberBounds(): void {
    const window = this.browserWindow
    if (window !== null) this.opts.saveBounds({ ...window.getNormalBounds(), maximized: window.isMaximized() })
  }

  private create(): BrowserWindow {
    const bounds = this.opts.bounds()
    const options = windowOptions(this.opts.preload, this.opts.icon)
    const window = new BrowserWindow(bounds === null ? options : { ...options, x: bounds.x, y: bounds.y, width: bounds.width, height: bounds.height })
    this.window = window
    if (bounds?.maximized === true) window.maximize()
    window.once('ready-to-show', () => window.show())
    window.on('close', (event) => {
      this.rememberBounds()
      if (!this.opts.hideOnClose()) return
      event.preventDefault()
      window.hide()
    })
    window.on('closed', () => {
      if (this.window === window) this.window = null
    })
    window.loadURL(this.opts.entry).catch((err: Error) => console.error(`[hyperfold] cannot load the window: ${err.message}`))
    return window
  }
}
