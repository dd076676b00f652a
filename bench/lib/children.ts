// Every process the bench starts is registered here, so that all of them are
// stopped at the end: on success, on a failure and on Ctrl-C or SIGTERM.
import { type ChildProcess, type SpawnOptions, spawn } from 'child_process'
import { once } from 'events'
import { createInterface } from 'readline'

const STOP_GRACE_MS = 8_000

export interface Child {
  readonly proc: ChildProcess
  readonly pid: number
  readonly label: string
  readonly exited: Promise<number | null>
  output(): string
  firstLine(timeoutMs: number): Promise<string>
  stop(): Promise<void>
}

const running = new Set<Child>()

export function startChild(label: string, command: string, args: string[], opts: SpawnOptions = {}): Child {
  const proc = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], ...opts })
  if (proc.pid === undefined) throw new Error(`could not start ${label} (${command})`)
  let output = ''
  const keep = (chunk: Buffer) => (output = (output + chunk.toString()).slice(-20_000))
  proc.stderr?.on('data', keep)
  const exited = once(proc, 'exit').then(([code]) => code as number | null)
  const lines = proc.stdout === null ? null : createInterface({ input: proc.stdout })
  const firstLine = lines === null ? Promise.resolve('') : once(lines, 'line').then(([line]) => line as string)
  const child: Child = {
    proc,
    pid: proc.pid,
    label,
    exited,
    output: () => output,
    firstLine: (timeoutMs) => withTimeout(firstLine, exited, timeoutMs, () => `${label}: ${output.trim()}`),
    stop: () => stopChild(child)
  }
  lines?.on('line', (line) => keep(Buffer.from(line + '\n')))
  running.add(child)
  void exited.then(() => running.delete(child))
  return child
}

async function stopChild(child: Child): Promise<void> {
  if (child.proc.exitCode === null && child.proc.signalCode === null) {
    child.proc.kill('SIGTERM')
    const timer = setTimeout(() => child.proc.kill('SIGKILL'), STOP_GRACE_MS)
    await child.exited
    clearTimeout(timer)
  }
  running.delete(child)
}

export async function stopAll(): Promise<void> {
  await Promise.all([...running].map((child) => stopChild(child)))
}

// Last resort when the bench itself is going away: no waiting, every child gets SIGKILL.
export function killAllNow(): void {
  for (const child of running) if (child.proc.exitCode === null && child.proc.signalCode === null) child.proc.kill('SIGKILL')
}

export function runningCount(): number {
  return running.size
}

function withTimeout(line: Promise<string>, exited: Promise<number | null>, ms: number, why: () => string): Promise<string> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`not ready after ${ms / 1000} s: ${why()}`)), ms)
    const done = () => clearTimeout(timer)
    line.then((text) => (done(), resolve(text)), reject)
    void exited.then((code) => (done(), reject(new Error(`exited (${code}) before it was ready: ${why()}`))))
  })
}
