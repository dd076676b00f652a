// Where a node keeps its data when no --data-dir or HYPERFOLD_DATA_DIR is given.
import os from 'os'
import path from 'path'

export function defaultDataDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.HYPERFOLD_DATA_DIR) return env.HYPERFOLD_DATA_DIR
  const home = os.homedir()
  if (process.platform === 'darwin') return path.join(home, 'Library', 'Application Support', 'Hyperfold')
  if (process.platform === 'win32') return path.join(env.APPDATA ?? path.join(home, 'AppData', 'Roaming'), 'Hyperfold')
  return path.join(env.XDG_CONFIG_HOME ?? path.join(home, '.config'), 'hyperfold')
}
