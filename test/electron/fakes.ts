// Stand-ins for the two Electron objects the shell wiring talks to: ipcMain
// and ipcRenderer, joined the way Electron joins them. Electron is the one
// thing tests may stand in for; the node behind them is real.
import type { InvokeEventLike, IpcMainLike } from '../../main/electron/ipc'
import type { IpcRendererLike } from '../../preload/bridge'

type Handler = (event: InvokeEventLike, ...args: unknown[]) => unknown

export class FakeIpcMain implements IpcMainLike {
  readonly handlers = new Map<string, Handler>()

  handle(channel: string, listener: Handler): void {
    if (this.handlers.has(channel)) throw new Error(`second handler for ${channel}`) // as Electron does
    this.handlers.set(channel, listener)
  }

  removeHandler(channel: string): void {
    this.handlers.delete(channel)
  }

  async invoke(frame: InvokeEventLike['senderFrame'], channel: string, ...args: unknown[]): Promise<unknown> {
    const handler = this.handlers.get(channel)
    if (handler === undefined) throw new Error(`No handler registered for '${channel}'`)
    // Electron copies values across processes with the structured clone algorithm.
    return structuredClone(await handler({ senderFrame: frame }, ...structuredClone(args)))
  }
}

export class FakeIpcRenderer implements IpcRendererLike {
  readonly listeners = new Map<string, Set<(event: unknown, message: unknown) => void>>()
  readonly main: FakeIpcMain
  readonly frame: InvokeEventLike['senderFrame']

  constructor(main: FakeIpcMain, frame: InvokeEventLike['senderFrame']) {
    this.main = main
    this.frame = frame
  }

  invoke(channel: string, ...args: unknown[]): Promise<unknown> {
    return this.main.invoke(this.frame, channel, ...args)
  }

  on(channel: string, listener: (event: unknown, message: unknown) => void): this {
    if (!this.listeners.has(channel)) this.listeners.set(channel, new Set())
    this.listeners.get(channel)!.add(listener)
    return this
  }

  removeListener(channel: string, listener: (event: unknown, message: unknown) => void): this {
    this.listeners.get(channel)?.delete(listener)
    return this
  }

  // What webContents.send does on the main side.
  send(channel: string, message: unknown): void {
    for (const listener of this.listeners.get(channel) ?? []) listener({}, structuredClone(message))
  }
}
