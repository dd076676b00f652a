// Preferences of the desktop shell alone (the node knows nothing of windows or
// trays), kept in a small JSON file beside Electron's profile.
import { z } from 'zod'
import { errors } from '../../contract/errors'
import type { ShellSettings } from '../../preload/bridge'
import { readFileIfExists, writeFileAtomic } from '../core/atomic-file'
import { safeJson } from '../core/safe-json'

const Settings = z.object({ keepRunningInTray: z.boolean() })
const Patch = Settings.partial().strict()

export const DEFAULT_SHELL_SETTINGS: ShellSettings = { keepRunningInTray: true }

export class ShellSettingsStore {
  private readonly file: string
  private current: ShellSettings

  private constructor(file: string, current: ShellSettings) {
    this.file = file
    this.current = current
  }

  // A missing or damaged file means the defaults: these are preferences, not data worth refusing to start over.
  static async load(file: string): Promise<ShellSettingsStore> {
    const text = await readFileIfExists(file)
    const parsed = Settings.safeParse(text === null ? undefined : safeJson(text))
    return new ShellSettingsStore(file, parsed.success ? parsed.data : { ...DEFAULT_SHELL_SETTINGS })
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
    return this.get()
  }
}
