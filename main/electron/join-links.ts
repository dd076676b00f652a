// Join links the OS hands the app: on Windows and Linux as an argument (to
// the first instance, or forwarded to it from a second), on macOS as an
// open-url event. The link waits here until the page takes it; the page only
// fills in its join form with it, and the user decides whether to join.
import { JOIN_LINK_WAITING, SHELL_TAKE_JOIN_LINK } from '../../preload/channels'
import { JOIN_SCHEME } from '../../contract/join-link'
import { errors } from '../../contract/errors'
import { type InvokeEventLike, type IpcMainLike, isTrustedSender } from './ipc'

// Longer than any valid link (a 512-character keyphrase, escaped); anything longer is not ours to hold.
const MAX_LINK_CHARS = 8192

export function joinLinkIn(argv: readonly string[]): string | null {
  return argv.find((arg) => arg.toLowerCase().startsWith(`${JOIN_SCHEME}:`) && arg.length <= MAX_LINK_CHARS) ?? null
}

export interface NotifySinkLike {
  isDestroyed(): boolean
  send(channel: string): void
}

export class JoinLinkInbox {
  private pending: string | null = null
  private readonly sink: () => NotifySinkLike | null

  constructor(sink: () => NotifySinkLike | null) {
    this.sink = sink
  }

  // The newest link wins: it is the one the user just clicked.
  deliver(link: string): void {
    if (link.length > MAX_LINK_CHARS) return
    this.pending = link
    const target = this.sink()
    if (target !== null && !target.isDestroyed()) target.send(JOIN_LINK_WAITING)
  }

  take(): string | null {
    const link = this.pending
    this.pending = null
    return link
  }
}

export function registerJoinLinks(ipc: IpcMainLike, inbox: JoinLinkInbox, isApp: (url: string) => boolean): () => void {
  ipc.handle(SHELL_TAKE_JOIN_LINK, (event: InvokeEventLike) => {
    if (!isTrustedSender(event, isApp)) throw errors.forbidden('Only the Hyperfold window may take a join link.')
    return inbox.take()
  })
  return () => ipc.removeHandler(SHELL_TAKE_JOIN_LINK)
}
