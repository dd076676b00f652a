// What `npm start` does before it builds: make sure an Electron binary is
// there (fetching it on a first start), then that it can show a window.
// Every way this fails is one line that names `npm run serve` instead.
import { CANNOT_START, FALLBACK, type LaunchCheck, checkLaunch, findElectronBinary, skipsFetch } from './electron-binary'
import { StatusLine, fetchElectron } from './electron-fetch'

export async function prepareLaunch(
  packageDir: string | null,
  platform: NodeJS.Platform,
  env: NodeJS.ProcessEnv,
  out: NodeJS.WriteStream
): Promise<LaunchCheck> {
  if (packageDir === null) {
    return { ok: false, reason: `${CANNOT_START} the electron package is not installed (run \`npm install\`); or ${FALLBACK}` }
  }
  if (findElectronBinary(packageDir, env) === null) {
    if (skipsFetch(env)) {
      return { ok: false, reason: `${CANNOT_START} the Electron binary is not installed and ELECTRON_SKIP_BINARY_DOWNLOAD is set, so it was not fetched; ${FALLBACK}` }
    }
    const status = new StatusLine(out)
    const fetched = await fetchElectron(packageDir, env, status)
    status.clear()
    if (!fetched.ok) return { ok: false, reason: `${CANNOT_START} ${fetched.reason}; ${FALLBACK}` }
  }
  return checkLaunch(packageDir, platform, env)
}
