// What the preload script exposes as window.hyperfold: one invoker per contract
// command, one event subscription and the desktop-only shell: its settings and
// the OS's folder picker and file manager. Built by
// iterating the contract, so a new command needs no edit here; the renderer
// types window.hyperfold as HyperfoldBridge, so no channel is named twice.
import {
  type ApiError,
  type CommandInput,
  type CommandName,
  type CommandResult,
  type EventMessage,
  commandNames,
  fromApiError
} from '../contract'
import {
  EVENT_CHANNEL,
  JOIN_LINK_WAITING,
  SHELL_OPEN_FOLDER,
  SHELL_TAKE_JOIN_LINK,   SHELL_PICK_FOLDER,
  SHELL_SETTINGS_GET,
  SHELL_SETTINGS_SET,
  commandChannel
} from './channels'

// Errors cross IPC as values: Electron flattens a thrown error into a message and drops its code.
export type Outcome<R = unknown> = { ok: true; result: R } | { ok: false; error: ApiError }

export type CommandInvokers = {
  [K in CommandName]: (input: CommandInput<K>) => Promise<Outcome<CommandResult<K>>>
}

export interface ShellSettings {
  // Closing the window hides it to the tray and the node keeps syncing.
  keepRunningInTray: boolean
  // The OS starts Hyperfold when the user logs in.
  startOnLogin: boolean
  // Desktop notifications, each kind switched on or off by the user.
  notifyConflict: boolean
  notifyError: boolean
  notifyNewPeer: boolean
  notifyFirstSync: boolean
}

// The part of Electron's ipcRenderer this bridge uses, so it can be tested without Electron.
export interface IpcRendererLike {
  invoke(channel: string, ...args: unknown[]): Promise<unknown>
  on(channel: string, listener: (event: unknown, message: unknown) => void): unknown
  removeListener(channel: string, listener: (event: unknown, message: unknown) => void): unknown
}

export interface HyperfoldBridge {
  commands: CommandInvokers
  onEvent(listener: (message: EventMessage) => void): () => void
  shell: {
    settings(): Promise<ShellSettings>
    updateSettings(patch: Partial<ShellSettings>): Promise<ShellSettings>
    // The folder chosen in the OS's dialog, or null if it was cancelled.
    pickFolder(): Promise<string | null>
    // Rejects unless the path is a folder synced on this device.
    openFolder(path: string): Promise<void>
    // A join link the OS opened the app with, once (null when none is waiting).
    takeJoinLink(): Promise<string | null>
    // Called when another join link arrives while the page is open; returns the unsubscribe.
    onJoinLink(listener: () => void): () => void
  }
}

export function buildBridge(ipc: IpcRendererLike): HyperfoldBridge {
  const commands = Object.fromEntries(
    commandNames.map((name) => [name, (input: unknown) => ipc.invoke(commandChannel(name), input)])
  ) as CommandInvokers
  return {
    commands,
    onEvent(listener) {
      // A fresh wrapper per subscription, so unsubscribing removes exactly this one.
      const forward = (_event: unknown, message: unknown) => listener(message as EventMessage)
      ipc.on(EVENT_CHANNEL, forward)
      return () => void ipc.removeListener(EVENT_CHANNEL, forward)
    },
    shell: {
      settings: () => ipc.invoke(SHELL_SETTINGS_GET) as Promise<ShellSettings>,
      updateSettings: (patch) => ipc.invoke(SHELL_SETTINGS_SET, patch) as Promise<ShellSettings>,
      pickFolder: () => unwrap<string | null>(ipc.invoke(SHELL_PICK_FOLDER)),
      openFolder: async (path) => void (await unwrap(ipc.invoke(SHELL_OPEN_FOLDER, path))),
      takeJoinLink: () => ipc.invoke(SHELL_TAKE_JOIN_LINK) as Promise<string | null>,
      onJoinLink(listener) {
        const forward = () => listener()
        ipc.on(JOIN_LINK_WAITING, forward)
        return () => void ipc.removeListener(JOIN_LINK_WAITING, forward)
      }
    }
  }
}

// The OS actions answer with an outcome, so their errors reach the page with their code and plain message.
async function unwrap<R>(reply: Promise<unknown>): Promise<R> {
  const outcome = (await reply) as Outcome<R>
  if (!outcome.ok) throw fromApiError(outcome.error)
  return outcome.result
}
