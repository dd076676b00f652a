// The first start on a user's machine: the electron package ships no binary
// and fetches it when first required. This does the same fetch, the same way
// (its @electron/get, its version, checksums, mirror and cache variables),
// but with progress on the terminal and a one-line answer when it fails.
// The zip lands in @electron/get's cache; the package's own install.js then
// finds it there and unpacks it into dist/ and writes path.txt, as it would
// have after `npm install` on an older Electron.
import fs from 'fs'
import path from 'path'
import { spawn } from 'child_process'
import { createRequire } from 'module'
import { pathToFileURL } from 'url'

// A fetch that receives nothing for this long is stuck (a proxy swallowing it, a black-holed route): give up.
const STALL_MS = 30_000

export type FetchOutcome = { ok: true } | { ok: false; reason: string }

export interface FetchTarget {
  version: string
  platform: string
  arch: string
}

interface Progress {
  transferred: number
  total: number | null
  percent: number
}

// The part of @electron/get used here; it is electron's dependency, not ours, so it is loaded from electron's place.
interface ElectronGet {
  downloadArtifact(details: {
    version: string
    artifactName: 'electron'
    platform: string
    arch: string
    force?: boolean
    cacheRoot?: string
    checksums?: Record<string, string>
    downloadOptions?: { quiet?: boolean; signal?: AbortSignal; getProgressCallback?: (progress: Progress) => Promise<void> }
  }): Promise<string>
}

// What install.js downloads: the same variables, read the same way.
export function fetchTarget(packageDir: string, env: NodeJS.ProcessEnv): FetchTarget {
  const manifest = JSON.parse(fs.readFileSync(path.join(packageDir, 'package.json'), 'utf8')) as { version: string }
  return {
    version: manifest.version,
    platform: env.ELECTRON_INSTALL_PLATFORM || env.npm_config_platform || process.platform,
    arch: env.ELECTRON_INSTALL_ARCH || env.npm_config_arch || process.arch
  }
}

export function describeTarget(target: FetchTarget): string {
  return `Electron ${target.version} for ${target.platform}-${target.arch}`
}

export async function fetchElectron(packageDir: string, env: NodeJS.ProcessEnv, status: StatusLine): Promise<FetchOutcome> {
  const target = fetchTarget(packageDir, env)
  const what = describeTarget(target)
  const stall = new AbortController()
  let timer = setTimeout(() => stall.abort(new Error(`nothing received for ${STALL_MS / 1000} s`)), STALL_MS)
  try {
    const get = await loadElectronGet(packageDir)
    status.show(`Fetching ${what} (first start only)…`)
    await get.downloadArtifact({
      version: target.version,
      artifactName: 'electron',
      platform: target.platform,
      arch: target.arch,
      force: env.force_no_cache === 'true',
      cacheRoot: env.electron_config_cache,
      checksums: env.electron_use_remote_checksums || env.npm_config_electron_use_remote_checksums ? undefined : readChecksums(packageDir),
      downloadOptions: {
        // Its own bar appears only after 30 s; ours shows from the first byte.
        quiet: true,
        signal: stall.signal,
        getProgressCallback: async (progress) => {
          clearTimeout(timer)
          timer = setTimeout(() => stall.abort(new Error(`nothing received for ${STALL_MS / 1000} s`)), STALL_MS)
          status.progress(`Fetching ${what}: ${formatProgress(progress)}`)
        }
      }
    })
  } catch (err) {
    return { ok: false, reason: `tried to fetch ${what} and failed (${rootCause(err)})` }
  } finally {
    clearTimeout(timer)
  }
  status.show(`Unpacking ${what}…`)
  const unpacked = await runInstallScript(packageDir, env)
  return unpacked === null ? { ok: true } : { ok: false, reason: `fetched ${what} but could not unpack it (${unpacked})` }
}

async function loadElectronGet(packageDir: string): Promise<ElectronGet> {
  const entry = createRequire(path.join(packageDir, 'package.json')).resolve('@electron/get')
  return (await import(pathToFileURL(entry).href)) as ElectronGet
}

function readChecksums(packageDir: string): Record<string, string> {
  return JSON.parse(fs.readFileSync(path.join(packageDir, 'checksums.json'), 'utf8')) as Record<string, string>
}

// Resolves with null when install.js succeeded, else with the last line it printed.
function runInstallScript(packageDir: string, env: NodeJS.ProcessEnv): Promise<string | null> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [path.join(packageDir, 'install.js')], { cwd: packageDir, env, stdio: ['ignore', 'ignore', 'pipe'] })
    let stderr = ''
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk))
    child.on('error', (err) => resolve(err.message))
    child.on('close', (code) => resolve(code === 0 ? null : lastLine(stderr) || `install.js exited with ${code}`))
  })
}

export function formatProgress({ transferred, total, percent }: Progress): string {
  const mb = (bytes: number) => (bytes / 1_000_000).toFixed(bytes < 10_000_000 ? 1 : 0)
  return total === null ? `${mb(transferred)} MB` : `${Math.floor(percent * 100)}% (${mb(transferred)} of ${mb(total)} MB)`
}

// fetch() says only "fetch failed"; what a person can act on (ECONNREFUSED, a 403 from the mirror) is in its cause.
export function rootCause(err: unknown): string {
  let current: unknown = err
  for (let depth = 0; depth < 5; depth++) {
    if (current instanceof AggregateError && current.errors.length > 0) current = current.errors[0]
    else if (current instanceof Error && current.cause !== undefined) current = current.cause
    else break
  }
  const message = lastLine(current instanceof Error ? current.message : String(current))
  // fetch() never connects to a few ports (9, 25, 6000...), whatever answers there.
  if (message === 'bad port') return 'bad port: fetch never connects to the port the mirror names'
  return message || 'unknown error'
}

function lastLine(text: string): string {
  const lines = text.split('\n').map((line) => line.trim()).filter((line) => line !== '')
  return lines.at(-1) ?? ''
}

// One status line on a terminal, redrawn in place, so a failure still leaves exactly one line; elsewhere
// (a log, a pipe) only progress worth a line is written: every tenth of the download.
export class StatusLine {
  private readonly out: NodeJS.WriteStream
  private drawn = false
  private lastTenth = -1

  constructor(out: NodeJS.WriteStream) {
    this.out = out
  }

  show(text: string): void {
    if (!this.out.isTTY) return
    this.out.write(`\r\x1b[K${text}`)
    this.drawn = true
  }

  progress(text: string): void {
    if (this.out.isTTY) return this.show(text)
    const tenth = Number(/(\d+)%/.exec(text)?.[1] ?? 0) / 10
    if (Math.floor(tenth) === this.lastTenth) return
    this.lastTenth = Math.floor(tenth)
    this.out.write(`${text}\n`)
  }

  // Ends the status line: the next write starts on a clean line (replacing it if it was only status).
  clear(): void {
    if (this.drawn) this.out.write('\r\x1b[K')
    this.drawn = false
  }
}
