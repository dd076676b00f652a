// `npm start`, after the build: opens the desktop app when it can run here, or
// says in one line why not and what to run instead. Runs under plain Node.
import path from 'path'
import { spawn } from 'child_process'
import { createRequire } from 'module'
import { checkLaunch } from './electron-binary'
import { V8_FLAGS, tunedEnv } from '../../bin/tuning.js'

const ROOT = path.resolve(import.meta.dirname, '../..')

function electronPackageDir(): string | null {
  try {
    return path.dirname(createRequire(import.meta.url).resolve('electron/package.json'))
  } catch {
    return null
  }
}

const check = checkLaunch(electronPackageDir(), process.platform, process.env)
if (!check.ok) {
  process.stderr.write(`${check.reason}\n`)
  process.exit(1)
}

// The node runs in Electron's main process, which takes the allocator setting from its environment
// and V8's flags from its command line only: appendSwitch('js-flags') at run time reaches renderers alone.
const tuning = [`--js-flags=${V8_FLAGS.join(' ')}`]
const child = spawn(check.electron, [...tuning, ROOT, ...process.argv.slice(2)], { stdio: 'inherit', env: tunedEnv(process.env) })
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => child.kill(signal))
child.on('exit', (code, signal) => process.exit(code ?? (signal === null ? 0 : 1)))
