// The desktop shell: the node from main/core, one window over it, the contract
// wired to IPC, and a tray that keeps the node syncing while the window is
// closed. Thin on purpose: behaviour lives in main/core, and the security
// settings live in modules that unit tests check without Electron.
import path from 'path'
import { BrowserWindow, Notification, app, dialog, ipcMain, protocol, screen, session, shell } from 'electron'
import type { EventMessage, Folder } from '../../contract'
import { toApiError } from '../../contract/errors'
import { JOIN_SCHEME } from '../../contract/join-link'
import { createHandlers } from '../api/handlers'
import { HyperfoldNode } from '../core/node'
import { appEntry, isAppUrl } from './app-url'
import { type ShellArgs, parseShellArgs } from './args'
import { handleFileScheme, registerFileSchemePrivileges } from './file-scheme'
import { hardenContents, hardenSession } from './harden'
import { forwardEvents, registerCommands, registerShellSettings } from './ipc'
import { JoinLinkInbox, joinLinkIn, registerJoinLinks } from './join-links'
import { followStartOnLogin } from './login-item'
import { MainWindow } from './main-window'
import { NotificationRules } from './notification-rules'
import { type DesktopOsLike, registerShellActions } from './shell-actions'
import { ShellSettingsStore, notificationSwitches } from './shell-settings'
import { StatusTray } from './tray'
import { loadBounds, restoreBounds, saveBounds } from './window-bounds'
import { V8_FLAGS } from '../../bin/tuning.js'

const OUT_DIR = path.resolve(import.meta.dirname, '..')
const PRELOAD = path.join(OUT_DIR, 'preload', 'index.cjs')
const RENDERER_DIR = path.join(OUT_DIR, 'renderer')
const ASSETS = path.join(app.getAppPath(), 'assets')
const ICON = path.join(ASSETS, 'icons', '512x512.png')
const MIN_SIZE = { width: 720, height: 480 }

let mainWindow: MainWindow | null = null
// Join links can arrive before the window exists (the link the app was opened with): they wait in the inbox.
const joinLinks = new JoinLinkInbox(() => mainWindow?.contents ?? null)

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
  const boundsFile = path.join(app.getPath('userData'), 'window.json')
  const savedBounds = await loadBounds(boundsFile)

  let quitting = false
  const window = new MainWindow({
    entry,
    preload: PRELOAD,
    icon: ICON,
    hideOnClose: () => !quitting && settings.get().keepRunningInTray,
    bounds: () => restoreBounds(savedBounds, screen.getAllDisplays().map((display) => display.workArea), MIN_SIZE),
    saveBounds: (bounds) => void saveBounds(boundsFile, bounds).catch((err: unknown) => console.error(`[hyperfold] saving the window's place: ${toApiError(err).message}`))
  })
  mainWindow = window
  const handlers = createHandlers(node)
  const os: DesktopOsLike = {
    // Modal to the window when there is one: the page asking for it is in that window.
    showOpenDialog: (options) => {
      const parent = window.browserWindow
      return parent === null ? dialog.showOpenDialog(options) : dialog.showOpenDialog(parent, options)
    },
    openPath: (target) => shell.openPath(target)
  }
  const folders = new Map<string, Folder>((await handlers.folders({})).map((folder) => [folder.id, folder]))
  const rules = new NotificationRules()
  rules.seed([...folders.values()], await handlers.peers({}))
  // Pausing or resuming all: each folder on its own, so one failure does not stop the rest.
  const everyFolder = (paused: boolean, act: (folder: Folder) => unknown) =>
    void Promise.allSettled(
      [...folders.values()].filter((f) => f.path !== null && (f.state === 'paused') === paused).map(async (folder) => act(folder))
    )
  const tray = new StatusTray(ASSETS, {
    open: () => window.show(),
    openFolder: (target) => void shell.openPath(target),
    pauseAll: () => everyFolder(false, (folder) => handlers.pause({ folder: folder.id })),
    resumeAll: () => everyFolder(true, (folder) => handlers.resume({ folder: folder.id })),
    quit: () => app.quit()
  })
  tray.update([...folders.values()])
  const onNodeEvent = (message: EventMessage) => {
    if (message.event === 'folder.updated') {
      const folder = message.payload as Folder
      folders.set(folder.id, folder)
      tray.update([...folders.values()])
    }
    const note = rules.next(message, notificationSwitches(settings.get()))
    if (note === null || !Notification.isSupported()) return
    const shown = new Notification({ title: note.title, body: note.body, icon: ICON })
    shown.on('click', () => window.show())
    shown.show()
  }

  const disposers = [
    node.onEvent(onNodeEvent),
    registerJoinLinks(ipcMain, joinLinks, isApp),
    registerCommands(ipcMain, handlers, isApp),
    handleFileScheme(protocol, (folder, file) => node.folders.openFile(folder, file)),
    registerShellSettings(ipcMain, settings, isApp),
    registerShellActions(ipcMain, os, async () => handlers.folders({}), isApp),
    followStartOnLogin(app, settings),
    forwardEvents((listener) => node.onEvent(listener), () => window.contents)
  ]
  // Windows and Linux start a second instance for a clicked link; it hands its argv here and quits.
  app.on('second-instance', (_event, argv) => {
    const link = joinLinkIn(argv)
    if (link !== null) joinLinks.deliver(link)
    window.show()
  })
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
    window.rememberBounds()
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
registerFileSchemePrivileges(protocol)
// macOS hands links over as an event, possibly before the app is ready.
app.on('open-url', (event, url) => {
  event.preventDefault()
  joinLinks.deliver(url)
  mainWindow?.show()
})
const launchLink = joinLinkIn(process.argv)
if (launchLink !== null) joinLinks.deliver(launchLink)
// From source (`npm start`) the OS must start Electron with the app's folder; a packaged app is its own executable.
if (process.defaultApp) app.setAsDefaultProtocolClient(JOIN_SCHEME, process.execPath, [path.resolve(process.argv[1] ?? '.')])
else app.setAsDefaultProtocolClient(JOIN_SCHEME)
// The window's renderer gets the node's V8 heap flags too. This process's own V8 took its
// flags at start: launch.ts passes them on Electron's command line (with MALLOC_ARENA_MAX).
if (!app.commandLine.hasSwitch('js-flags')) app.commandLine.appendSwitch('js-flags', V8_FLAGS.join(' '))
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => app.quit())

if (!app.requestSingleInstanceLock()) app.quit()
else run(args).catch((err: unknown) => fail('Hyperfold stopped', err))
