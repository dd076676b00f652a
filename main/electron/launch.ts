// `npm start`: fetches Electron on a first start, builds the app and opens it,
// or says in one line why it cannot and what to run instead. Runs under plain Node.
import path from 'path'
import { spawn } from 'child_process'
import { createRequire } from 'module'
import { prepareLaunch } from './prepare-launch'
import { V8_FLAGS, tunedEnv } from '../../bin/tuning.js'

const ROOT = path.resolve(import.meta.dirname, '../..')
const require = createRequire(import.meta.url)

function electronPackageDir(): string | null {
  try {
    return path.dirname(require.resolve('electron/package.json'))
  } catch {
    return null
  }
}

function run(command: string, args: string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd: ROOT, stdio: 'inherit', env })
    for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => child.kill(signal))
    child.on('error', (err) => {
      process.stderr.write(`Hyperfold desktop cannot start: ${err.message}\n`)
      resolve(1)
    })
    child.on('exit', (code, signal) => resolve(code ?? (signal === null ? 0 : 1)))
  })
}

async function main(): Promise<number> {
  // Before the build: a machine that cannot run the app learns it in a second, not after a build.
  const check = await prepareLaunch(electronPackageDir(), process.platform, process.env, process.stderr)
  if (!check.ok) {
    process.stderr.write(`${check.reason}\n`)
    return 1
  }
  const built = await run(process.execPath, [path.join(path.dirname(require.resolve('electron-vite/package.json')), 'bin/electron-vite.js'), 'build'])
  if (built !== 0) return built
  // The node runs in Electron's main process, which takes the allocator setting from its environment
  // and V8's flags from its command line only: appendSwitch('js-flags') at run time reaches renderers alone.
  return run(check.electron, [`--js-flags=${V8_FLAGS.join(' ')}`, ROOT, ...process.argv.slice(2)], tunedEnv(process.env))
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`Hyperfold desktop cannot start: ${err instanceof Error ? err.message : String(err)}\n`)
    process.exit(1)
  }
)
