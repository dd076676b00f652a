// Everything the UI holds, one class per concern, built around one API client.
import type { HyperfoldBridge } from '../../../preload/bridge'
import type { ApiClient } from '../api/client'
import { ActivityLog } from './activity.svelte'
import { DesktopSettings } from './desktop.svelte'
import { FolderStore } from './folders.svelte'
import { NodeStore } from './node.svelte'
import { UiState } from './ui.svelte'

export class HyperfoldApp {
  readonly activity = new ActivityLog()
  readonly ui = new UiState()
  readonly node: NodeStore
  readonly folders: FolderStore
  readonly desktop: DesktopSettings | null
  readonly #shell: HyperfoldBridge['shell'] | null

  constructor(client: ApiClient, shell: HyperfoldBridge['shell'] | null = null) {
    this.#shell = shell
    this.node = new NodeStore(client, this.activity)
    this.folders = new FolderStore(client, this.activity)
    this.desktop = shell === null ? null : new DesktopSettings(shell)
  }

  start(): () => void {
    if (this.desktop !== null) void this.desktop.load()
    const stops = [this.node.start(), this.folders.start(), this.#followJoinLinks()]
    return () => stops.forEach((stop) => stop())
  }

  // Links the OS opened the desktop app with go to the join form, which asks before joining.
  #followJoinLinks(): () => void {
    const shell = this.#shell
    if (shell === null || shell.takeJoinLink === undefined) return () => {}
    const take = () =>
      void shell.takeJoinLink().then(
        (link) => link !== null && this.ui.openJoinLink(link),
        () => {} // no link to show is the same as none waiting
      )
    take()
    return shell.onJoinLink(take)
  }
}
