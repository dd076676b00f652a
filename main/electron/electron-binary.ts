// Whether the desktop app can start here. The electron package downloads its
// binary when it is first required without one, so nothing here requires it:
// the binary is looked up on disk the way the package itself would find it.
import fs from 'fs'
import path from 'path'

export type LaunchCheck = { ok: true; electron: string } | { ok: false; reason: string }

const FALLBACK = 'run `npm run serve` for the headless node and open the address it prints.'

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
    return { ok: false, reason: `Hyperfold desktop cannot start: the Electron binary is not installed; ${FALLBACK}` }
  }
  if (!hasDisplay(platform, env)) {
    return { ok: false, reason: `Hyperfold desktop cannot start: no display (DISPLAY and WAYLAND_DISPLAY are unset); ${FALLBACK}` }
  }
  return { ok: true, electron }
}
