// The window's security settings live here, apart from Electron, so a unit test
// can hold them to: no Node in the page, an isolated preload, Chromium's sandbox.
import type { BrowserWindowConstructorOptions, WebPreferences } from 'electron'

export function webPreferences(preload: string): WebPreferences {
  return {
    preload,
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    webviewTag: false,
    navigateOnDragDrop: false,
    safeDialogs: true,
    spellcheck: false
  }
}

export function windowOptions(preload: string, icon: string): BrowserWindowConstructorOptions {
  return {
    width: 1080,
    height: 720,
    minWidth: 720,
    minHeight: 480,
    title: 'Hyperfold',
    icon,
    // Shown once the page has painted, so the window never flashes white in dark mode.
    show: false,
    autoHideMenuBar: true,
    webPreferences: webPreferences(preload)
  }
}
