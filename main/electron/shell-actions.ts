// What the desktop shell does with the OS for the page: a native folder picker
// and opening a synced folder in the file manager. Answered only for the app's
// own top frame, and a folder is opened only if the node syncs it at that path,
// so even a compromised page cannot open an arbitrary path.
import { z } from 'zod'
import { type Folder, HyperfoldError, errors, toApiError } from '../../contract'
import { SHELL_OPEN_FOLDER, SHELL_PICK_FOLDER } from '../../preload/channels'
import type { Outcome } from '../api/dispatch'
import { type InvokeEventLike, type IpcMainLike, isTrustedSender } from './ipc'

// dialog.showOpenDialog on the app window and shell.openPath, so tests need no Electron.
export interface DesktopOsLike {
  showOpenDialog(options: { properties: Array<'openDirectory' | 'createDirectory'> }): Promise<{ canceled: boolean; filePaths: string[] }>
  // Electron's contract: an empty string on success, otherwise the reason it failed.
  openPath(path: string): Promise<string>
}

const OpenInput = z.string().min(1).max(4096)

export function registerShellActions(
  ipc: IpcMainLike,
  os: DesktopOsLike,
  listFolders: () => Promise<Folder[]>,
  isApp: (url: string) => boolean
): () => void {
  // Outcomes, not throws: Electron would prefix a thrown message with its own "Error invoking remote method".
  const answer = async (event: InvokeEventLike, work: () => Promise<unknown>): Promise<Outcome> => {
    try {
      if (!isTrustedSender(event, isApp)) throw errors.forbidden('Only the Hyperfold window may use the desktop.')
      return { ok: true, result: await work() }
    } catch (err) {
      return { ok: false, error: toApiError(err) }
    }
  }
  ipc.handle(SHELL_PICK_FOLDER, (event) =>
    answer(event, async () => {
      const picked = await os.showOpenDialog({ properties: ['openDirectory', 'createDirectory'] })
      return picked.canceled ? null : (picked.filePaths[0] ?? null)
    })
  )
  ipc.handle(SHELL_OPEN_FOLDER, (event, input) =>
    answer(event, async () => {
      const parsed = OpenInput.safeParse(input)
      const path = parsed.success ? parsed.data : null
      // Compared exactly with what the node reports: the page only ever sends a folder's path back as it got it.
      if (path === null || !(await listFolders()).some((folder) => folder.path === path)) {
        throw errors.forbidden('Only a folder synced on this device can be opened.')
      }
      const failure = await os.openPath(path)
      if (failure !== '') throw new HyperfoldError('INTERNAL', `The file manager cannot open ${path}: ${failure}`)
      return null
    })
  )
  return () => [SHELL_PICK_FOLDER, SHELL_OPEN_FOLDER].forEach((channel) => ipc.removeHandler(channel))
}
