// Drives the `hyperfold` command as a user would: real processes, real data dirs.
import { type ChildProcess, execFile, spawn } from 'child_process'
import path from 'path'
import { once } from 'events'
import { createInterface } from 'readline'
import type { TestEnv } from './env'

const BIN = path.resolve(import.meta.dirname, '../../bin/hyperfold.js')

export interface CliResult {
  code: number
  stdout: string
  stderr: string
}

export function runCli(args: string[], env: NodeJS.ProcessEnv = {}): Promise<CliResult> {
  return new Promise((resolve) => {
    execFile(process.execPath, [BIN, ...args], { env: { ...process.env, ...env }, timeout: 60_000 }, (err, stdout, stderr) => {
      const code = err === null ? 0 : typeof err.code === 'number' ? err.code : 1
      resolve({ code, stdout, stderr })
    })
  })
}

export async function cliJson<T>(args: string[]): Promise<T> {
  const result = await runCli([...args, '--json'])
  if (result.code !== 0) throw new Error(`hyperfold ${args.join(' ')} failed: ${result.stdout}${result.stderr}`)
  return JSON.parse(result.stdout) as T
}

export interface ServeProcess {
  proc: ChildProcess
  url: string
  stop(): Promise<number | null>
}

// Starts `hyperfold serve` on the env's local testnet and waits for its ready line.
export async function startServe(env: TestEnv, dataDir: string): Promise<ServeProcess> {
  const proc = spawn(process.execPath, [BIN, '--data-dir', dataDir, '--bootstrap', env.bootstrapArg, 'serve', '--json'], {
    stdio: ['ignore', 'pipe', 'pipe']
  })
  let stderr = ''
  proc.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
  const exited = once(proc, 'exit').then(([code]) => code as number | null)
  const stop = async () => {
    if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGTERM')
    return exited
  }
  env.defer(stop)
  const lines = createInterface({ input: proc.stdout! })
  const first = await Promise.race([once(lines, 'line').then(([line]) => line as string), exited.then(() => null)])
  if (first === null) throw new Error(`hyperfold serve exited: ${stderr}`)
  return { proc, url: (JSON.parse(first) as { url: string }).url, stop }
}

// Generous: a busy 2-core machine runs these beside other tests.
export async function waitUntil<T>(probe: () => Promise<T | undefined>, what: string, timeoutMs = 90_000): Promise<T> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const value = await probe()
    if (value !== undefined) return value
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 150))
  }
}
