// The desktop shell: the node from main/core, one window over it, the contract
// wired to IPC, and a tray that keeps the node syncing while the window is
// closed. Thin on purpose: behaviour lives in main/core, and the security
// settings live in modules that unit tests check without Electron.
import path from 'path'
import { BrowserWindow, app, dialog, ipcMain, session, shell } from 'electron'
import { toApiError } from '../../contract/errors'
import { createHandlers } from '../api/handlers'
import { HyperfoldNode } from '../core/node'
import { appEntry, isAppUrl } from './app-url'
import { type ShellArgs, parseShellArgs } from './args'
import { hardenContents, hardenSession } from './harden'
import { forwardEvents, registerCommands, registerShellSettings } from './ipc'
import { followStartOnLogin } from './login-item'
import { MainWindow } from './main-window'
import { type DesktopOsLike, registerShellActions } from './shell-actions'
import { ShellSettingsStore } from './shell-settings'
import { createTray } from './tray'
import { V8_FLAGS } from '../../bin/tuning.js'

const OUT_DIR = path.resolve(import.meta.dirname, '..')
const PRELOAD = path.join(OUT_DIR, 'preload', 'index.cjs')
const RENDERER_DIR = path.join(OUT_DIR, 'renderer')
const ICON = path.join(app.getAppPath(), 'assets', 'icon.png')
const TRAY_ICON = path.join(app.getAppPath(), 'assets', 'tray.png')

function fail(title: string, err: unknown): never {
  dialog.showErrorBox(title, toApiError(err).message)
  app.exit(1)
  return process.exit(1)
}

async function run(args: ShellArgs): Promise<void> {
  await app.whenReady()
  const entry = appEntry(RENDERER_DIR)
  const isApp = (url: string) => isAppUrl(url, entry)
  hardenSession(session.defaultSession, isApp)

  const node = new HyperfoldNode({ dataDir: args.dataDir, bootstrap: args.bootstrap, log: (line) => console.log(`[hyperfold] ${line}`) })
  await node.ready().catch((err: unknown) => fail('Hyperfold cannot start', err))
  const settings = await ShellSettingsStore.load(path.join(app.getPath('userData'), 'settings.json'))

  let quitting = false
  const window = new MainWindow({
    entry,
    preload: PRELOAD,
    icon: ICON,
    hideOnClose: () => !quitting && settings.get().keepRunningInTray
  })
  const handlers = createHandlers(node)
  const os: DesktopOsLike = {
    // Modal to the window when there is one: the page asking for it is in that window.
    showOpenDialog: (options) => {
      const parent = window.browserWindow
      return parent === null ? dialog.showOpenDialog(options) : dialog.showOpenDialog(parent, options)
    },
    openPath: (target) => shell.openPath(target)
  }
  const disposers = [
    registerCommands(ipcMain, handlers, isApp),
    registerShellSettings(ipcMain, settings, isApp),
    registerShellActions(ipcMain, os, async () => handlers.folders({}), isApp),
    followStartOnLogin(app, settings),
    forwardEvents((listener) => node.onEvent(listener), () => window.contents)
  ]
  const tray = createTray(TRAY_ICON, { open: () => window.show(), quit: () => app.quit() })

  app.on('second-instance', () => window.show())
  app.on('activate', () => window.show())
  app.on('window-all-closed', () => {
    if (!settings.get().keepRunningInTray) app.quit()
  })
  // Quitting waits for the node to close (peers are told, the data dir is unlocked), then quits for real.
  app.on('before-quit', (event) => {
    if (node.closed) return
    event.preventDefault()
    if (quitting) return
    quitting = true
    for (const dispose of disposers) dispose()
    tray.destroy()
    for (const open of BrowserWindow.getAllWindows()) open.destroy()
    node
      .close()
      .catch((err: unknown) => console.error(`[hyperfold] closing the node: ${toApiError(err).message}`))
      .finally(() => app.quit())
  })
  window.show()
}

let args: ShellArgs
try {
  args = parseShellArgs(process.argv.slice(1), process.env)
} catch (err) {
  fail('Hyperfold cannot start', err)
}
// Electron's own profile goes inside the data dir: its default would be the data dir itself on some platforms.
app.setPath('userData', path.join(args.dataDir, 'desktop'))
app.on('web-contents-created', (_event, contents) => hardenContents(contents))
// The window's renderer gets the node's V8 heap flags too. This process's own V8 took its
// flags at start: launch.ts passes them on Electron's command line (with MALLOC_ARENA_MAX).
if (!app.commandLine.hasSwitch('js-flags')) app.commandLine.appendSwitch('js-flags', V8_FLAGS.join(' '))
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => app.quit())

if (!app.requestSingleInstanceLock()) app.quit()
else run(args).catch((err: unknown) => fail('Hyperfold stopped', err))
