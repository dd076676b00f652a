// IPC channel names, shared by the main process and the preload script. Command
// channels are derived from the contract's command names, never listed here.
import type { CommandName } from '../contract'

export const EVENT_CHANNEL = 'hyperfold:event'
export const SHELL_SETTINGS_GET = 'hyperfold:shell:settings'
export const SHELL_SETTINGS_SET = 'hyperfold:shell:settings:set'
export const SHELL_PICK_FOLDER = 'hyperfold:shell:pick-folder'
export const SHELL_OPEN_FOLDER = 'hyperfold:shell:open-folder'
// Main -> page: a join link is waiting; the page takes it (the link itself crosses only on request).
export const JOIN_LINK_WAITING = 'hyperfold:join-link-waiting'
export const SHELL_TAKE_JOIN_LINK = 'hyperfold:shell:take-join-link'

export function commandChannel(name: CommandName): string {
  return `hyperfold:command:${name}`
}
