// Starting with the user's session is the OS's setting, not ours: it is set
// from startOnLogin at start (the user may have changed it in the OS since)
// and again whenever the setting changes.
import type { ShellSettingsStore } from './shell-settings'

// The part of Electron's app used here, so tests need no Electron.
export interface LoginItemLike {
  setLoginItemSettings(settings: { openAtLogin: boolean }): void
}

export function followStartOnLogin(app: LoginItemLike, settings: ShellSettingsStore): () => void {
  let applied = settings.get().startOnLogin
  app.setLoginItemSettings({ openAtLogin: applied })
  return settings.onChange(({ startOnLogin }) => {
    if (startOnLogin === applied) return
    applied = startOnLogin
    app.setLoginItemSettings({ openAtLogin: startOnLogin })
  })
}
