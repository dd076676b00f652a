// Preferences of the desktop shell alone (the node knows nothing of windows,
// trays or logins), kept in a small JSON file beside Electron's profile.
import { z } from 'zod'
import { errors } from '../../contract/errors'
import type { ShellSettings } from '../../preload/bridge'
import { readFileIfExists, writeFileAtomic } from '../core/atomic-file'
import { safeJson } from '../core/safe-json'
import type { NotificationSwitches } from './notification-rules'

const Stored = z
  .object({
    keepRunningInTray: z.boolean(),
    startOnLogin: z.boolean(),
    notifyConflict: z.boolean(),
    notifyError: z.boolean(),
    notifyNewPeer: z.boolean(),
    notifyFirstSync: z.boolean()
  })
  .partial()
const Patch = Stored.strict()

export const DEFAULT_SHELL_SETTINGS: ShellSettings = {
  keepRunningInTray: true,
  startOnLogin: false,
  notifyConflict: true,
  notifyError: true,
  notifyNewPeer: true,
  notifyFirstSync: true
}

export function notificationSwitches(settings: ShellSettings): NotificationSwitches {
  return {
    conflict: settings.notifyConflict,
    error: settings.notifyError,
    newPeer: settings.notifyNewPeer,
    firstSync: settings.notifyFirstSync
  }
}

export class ShellSettingsStore {
  private readonly file: string
  private current: ShellSettings
  private readonly listeners = new Set<(settings: ShellSettings) => void>()

  private constructor(file: string, current: ShellSettings) {
    this.file = file
    this.current = current
  }

  // A missing or damaged file means the defaults: these are preferences, not data worth refusing to start over.
  // A setting the file lacks (written before it existed) takes its default alone.
  static async load(file: string): Promise<ShellSettingsStore> {
    const text = await readFileIfExists(file)
    const parsed = Stored.safeParse(text === null ? undefined : safeJson(text))
    return new ShellSettingsStore(file, { ...DEFAULT_SHELL_SETTINGS, ...(parsed.success ? parsed.data : {}) })
  }

  get(): ShellSettings {
    return { ...this.current }
  }

  async update(patch: unknown): Promise<ShellSettings> {
    const parsed = Patch.safeParse(patch)
    if (!parsed.success) throw errors.badInput('Unknown or malformed desktop setting.')
    const next = { ...this.current, ...parsed.data }
    await writeFileAtomic(this.file, JSON.stringify(next, null, 2) + '\n')
    this.current = next
    for (const listener of this.listeners) listener(this.get())
    return this.get()
  }

  onChange(listener: (settings: ShellSettings) => void): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }
}
