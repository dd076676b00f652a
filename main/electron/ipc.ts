// The desktop transport of the contract: one ipcMain handler per command,
// derived from the contract and answered through dispatch() exactly like the
// WebSocket server does. Only the app's own top frame is answered, so a page
// the window was tricked into loading, or an iframe, cannot drive the node.
import { type EventMessage, commandNames, errors } from '../../contract'
import { EVENT_CHANNEL, SHELL_SETTINGS_GET, SHELL_SETTINGS_SET, commandChannel } from '../../preload/channels'
import { type Outcome, dispatch } from '../api/dispatch'
import type { Handlers } from '../api/handlers'
import type { ShellSettingsStore } from './shell-settings'

// The parts of Electron's ipcMain and its events used here, so tests need no Electron.
export interface SenderFrameLike {
  url: string
  parent: unknown
}
export interface InvokeEventLike {
  senderFrame: SenderFrameLike | null
}
export interface IpcMainLike {
  handle(channel: string, listener: (event: InvokeEventLike, ...args: unknown[]) => unknown): void
  removeHandler(channel: string): void
}
export interface EventSinkLike {
  isDestroyed(): boolean
  send(channel: string, message: EventMessage): void
}

export function isTrustedSender(event: InvokeEventLike, isApp: (url: string) => boolean): boolean {
  const frame = event.senderFrame
  return frame !== null && frame.parent === null && isApp(frame.url)
}

const refused = (): Outcome => ({ ok: false, error: errors.forbidden('Only the Hyperfold window may use this node.').toJSON() })

export function registerCommands(ipc: IpcMainLike, handlers: Handlers, isApp: (url: string) => boolean): () => void {
  for (const name of commandNames) {
    ipc.handle(commandChannel(name), (event, input) =>
      isTrustedSender(event, isApp) ? dispatch(handlers, name, input) : Promise.resolve(refused())
    )
  }
  return () => commandNames.forEach((name) => ipc.removeHandler(commandChannel(name)))
}

// Shell settings answer with the settings, or reject: the bridge only ever sends what it typed.
export function registerShellSettings(ipc: IpcMainLike, store: ShellSettingsStore, isApp: (url: string) => boolean): () => void {
  const guard = (event: InvokeEventLike) => {
    if (!isTrustedSender(event, isApp)) throw errors.forbidden('Only the Hyperfold window may change its settings.')
  }
  ipc.handle(SHELL_SETTINGS_GET, (event) => {
    guard(event)
    return store.get()
  })
  ipc.handle(SHELL_SETTINGS_SET, (event, patch) => {
    guard(event)
    return store.update(patch)
  })
  return () => [SHELL_SETTINGS_GET, SHELL_SETTINGS_SET].forEach((channel) => ipc.removeHandler(channel))
}

export function forwardEvents(
  subscribe: (listener: (message: EventMessage) => void) => () => void,
  sink: () => EventSinkLike | null
): () => void {
  return subscribe((message) => {
    const target = sink()
    if (target !== null && !target.isDestroyed()) target.send(EVENT_CHANNEL, message)
  })
}
