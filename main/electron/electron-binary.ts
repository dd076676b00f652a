// Whether the desktop app can start here. The electron package fetches its
// binary when it is first required without one, so nothing here requires it:
// the binary is looked up on disk the way the package itself would find it,
// and fetched (electron-fetch.ts) only when the launcher decides to.
import fs from 'fs'
import path from 'path'

export type LaunchCheck = { ok: true; electron: string } | { ok: false; reason: string }

export const FALLBACK = 'run `npm run serve` to use Hyperfold without Electron (the headless node; open the address it prints).'
export const CANNOT_START = 'Hyperfold desktop cannot start:'

export function findElectronBinary(packageDir: string | null, env: NodeJS.ProcessEnv): string | null {
  if (packageDir === null) return null
  const pathFile = path.join(packageDir, 'path.txt')
  const relative = fs.existsSync(pathFile) ? fs.readFileSync(pathFile, 'utf8').trim() : null
  const distDir = env.ELECTRON_OVERRIDE_DIST_PATH || path.join(packageDir, 'dist')
  if (relative === null && !env.ELECTRON_OVERRIDE_DIST_PATH) return null
  const binary = path.join(distDir, relative ?? 'electron')
  return fs.existsSync(binary) ? binary : null
}

export function hasDisplay(platform: NodeJS.Platform, env: NodeJS.ProcessEnv): boolean {
  // macOS and Windows always have a desktop session for a logged-in user; X11 and Wayland say so in the environment.
  if (platform === 'darwin' || platform === 'win32') return true
  return Boolean(env.DISPLAY || env.WAYLAND_DISPLAY)
}

export function checkLaunch(packageDir: string | null, platform: NodeJS.Platform, env: NodeJS.ProcessEnv): LaunchCheck {
  const electron = findElectronBinary(packageDir, env)
  if (electron === null) {
    return { ok: false, reason: `${CANNOT_START} the Electron binary is not installed; ${FALLBACK}` }
  }
  if (!hasDisplay(platform, env)) {
    return { ok: false, reason: `${CANNOT_START} no display (DISPLAY and WAYLAND_DISPLAY are unset); ${FALLBACK}` }
  }
  return { ok: true, electron }
}

// The electron package's own switch (its install script and CI here honour it): never fetch, say so instead.
export function skipsFetch(env: NodeJS.ProcessEnv): boolean {
  const value = env.ELECTRON_SKIP_BINARY_DOWNLOAD
  return value !== undefined && value !== '' && value !== '0' && value !== 'false'
}
