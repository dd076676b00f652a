// The devices of a soak run: a `hyperfold testnet` on 127.0.0.1 and one
// `hyperfold serve` process per device (the bundle `npm run build:cli` makes),
// each with its own data dir and folder root, driven through the HTTP API the
// CLI uses. A process that exits without the harness killing it is a crash.
import fs from 'fs/promises'
import path from 'path'
import type { Folder, JoinedTopic, NodeStatus, Peer } from '../../contract/types'
import { type Child, startChild } from '../../bench/lib/children'
import { requestJson } from '../../bench/lib/http'
import { pollUntil, sleep } from '../../bench/lib/time'

const ROOT = path.resolve(import.meta.dirname, '../..')
export const BIN = path.join(ROOT, 'out/cli/index.mjs')
const READY_MS = 60_000
const CALL_MS = 30_000
const RETRY_MS = 30_000
export const FOLDER = 'Soak'

type Outcome<T> = { ok: true; result: T } | { ok: false; error: { code: string; message: string } }

export interface Crash {
  device: string
  code: number | null
  output: string
}

export class Device {
  readonly name: string
  readonly dataDir: string
  readonly root: string
  paused = false
  rootBackup: string | null = null
  private child: Child | null = null
  private port = 0
  private token = ''
  private killing = false
  // Spans of time in which the watcher was running: a write is seen only inside one.
  readonly watching: { start: number; end: number | null }[] = []

  private readonly bootstrap: string
  private readonly crashes: Crash[]

  constructor(name: string, workDir: string, bootstrap: string, crashes: Crash[]) {
    this.name = name
    this.bootstrap = bootstrap
    this.crashes = crashes
    this.dataDir = path.join(workDir, `data-${name}`)
    this.root = path.join(workDir, `root-${name}`)
  }

  get running(): boolean {
    return this.child !== null
  }

  async start(): Promise<void> {
    await fs.mkdir(this.dataDir, { recursive: true })
    const child = startChild(`serve ${this.name}`, process.execPath, [BIN, '--data-dir', this.dataDir, '--bootstrap', this.bootstrap, 'serve', '--json'])
    const ready = JSON.parse(await child.firstLine(READY_MS)) as { url: string; port: number }
    this.child = child
    this.killing = false
    this.port = ready.port
    this.token = new URL(ready.url).searchParams.get('token') ?? ''
    void child.exited.then((code) => {
      if (this.child !== child) return
      this.child = null
      this.markBlind()
      if (!this.killing) this.crashes.push({ device: this.name, code, output: child.output().slice(-2000) })
    })
    this.markWatching()
  }

  // kill -9: no chance to flush or say goodbye.
  async kill(): Promise<void> {
    const child = this.child
    if (child === null) return
    this.killing = true
    this.child = null
    this.markBlind()
    child.proc.kill('SIGKILL')
    await child.exited
  }

  async stop(): Promise<void> {
    const child = this.child
    this.killing = true
    this.child = null
    this.markBlind()
    await child?.stop()
  }

  async pause(): Promise<void> {
    this.paused = true
    this.markBlind()
    if (this.running) await this.callSoon('pause', { folder: FOLDER })
  }

  async resume(): Promise<void> {
    this.paused = false
    if (this.running) await this.callSoon('resume', { folder: FOLDER })
    this.markWatching()
  }

  // A process just (re)started may not have opened its folder yet: try for a while.
  async callSoon(command: string, input: unknown): Promise<void> {
    let last = ''
    for (const deadline = Date.now() + RETRY_MS; Date.now() < deadline; await sleep(250)) {
      const outcome = await this.tryCall(command, input).catch((err: Error) => ({ ok: false as const, error: { code: 'HTTP', message: err.message } }))
      if (outcome.ok) return
      last = `${outcome.error.code}: ${outcome.error.message}`
      if (outcome.error.code === 'NOT_RUNNING') return
    }
    throw new Error(`${this.name} ${command}: ${last}`)
  }

  // Watching means: running, not paused, root in place.
  markWatching(): void {
    if (!this.running || this.paused || this.rootBackup !== null) return
    const last = this.watching[this.watching.length - 1]
    if (last === undefined || last.end !== null) this.watching.push({ start: Date.now(), end: null })
  }

  markBlind(): void {
    const last = this.watching[this.watching.length - 1]
    if (last !== undefined && last.end === null) last.end = Date.now()
  }

  async tryCall<T>(command: string, input: unknown, timeoutMs = CALL_MS): Promise<Outcome<T>> {
    if (this.child === null) return { ok: false, error: { code: 'NOT_RUNNING', message: `${this.name} is not running` } }
    const headers = { authorization: `Bearer ${this.token}` }
    const { status, body } = await requestJson(this.port, 'POST', `/api/${command}`, headers, input, timeoutMs)
    if (body === null || typeof body !== 'object' || !('ok' in body)) throw new Error(`${this.name} ${command}: HTTP ${status}: ${String(body)}`)
    return body as Outcome<T>
  }

  async call<T = unknown>(command: string, input: unknown, timeoutMs = CALL_MS): Promise<T> {
    const outcome = await this.tryCall<T>(command, input, timeoutMs)
    if (!outcome.ok) throw new Error(`${this.name} ${command}: ${outcome.error.code}: ${outcome.error.message}`)
    return outcome.result
  }

  // The last lines its process wrote to stderr (the node's log).
  recentLog(lines: number): string[] {
    return (this.child?.output() ?? '').trim().split('\n').slice(-lines)
  }

  // How many peers it is connected to now; null when it cannot say (down, or busy past the timeout).
  async peerCount(): Promise<number | null> {
    const outcome = await this.tryCall<Peer[]>('peers', {}).catch(() => null)
    return outcome?.ok === true ? outcome.result.length : null
  }

  async folder(): Promise<Folder | string> {
    let outcome: Outcome<NodeStatus & { folder: Folder }>
    try {
      outcome = await this.tryCall('status', { folder: FOLDER })
    } catch (err) {
      return (err as Error).message
    }
    return outcome.ok ? outcome.result.folder : `${outcome.error.code}: ${outcome.error.message}`
  }
}

export class Cluster {
  readonly devices: Device[]
  readonly crashes: Crash[] = []
  private readonly testnet: Child

  private constructor(testnet: Child, bootstrap: string, workDir: string, count: number) {
    this.testnet = testnet
    this.devices = Array.from({ length: count }, (_, i) => new Device(`d${i}`, workDir, bootstrap, this.crashes))
  }

  static async start(workDir: string, count: number): Promise<Cluster> {
    const testnet = startChild('hyperfold testnet', process.execPath, [BIN, 'testnet', '--host', '127.0.0.1', '--json'])
    const { bootstrap } = JSON.parse(await testnet.firstLine(READY_MS)) as { bootstrap: string }
    if (!bootstrap.split(',').every((b) => b.startsWith('127.0.0.1:'))) throw new Error(`testnet is not on loopback: ${bootstrap}`)
    const cluster = new Cluster(testnet, bootstrap, workDir, count)
    await Promise.all(cluster.devices.map((d) => d.start()))
    return cluster
  }

  // One topic, one folder shared by the first device and synced on every other.
  async share(): Promise<void> {
    const [first, ...others] = this.devices as [Device, ...Device[]]
    for (const d of this.devices) await d.call('name.set', { name: `soak-${d.name}` })
    const topic = await first.call<JoinedTopic>('topic.create', { label: 'soak' })
    for (const d of others) await d.call('topic.join', { keyphrase: topic.keyphrase, label: 'soak' })
    await fs.mkdir(first.root, { recursive: true })
    await first.call('share', { path: first.root, topic: 'soak', name: FOLDER }, 120_000)
    for (const d of others) {
      await pollUntil(`${d.name} offered ${FOLDER}`, 120_000, async () => {
        const folders = await d.call<Folder[]>('folders', {})
        return folders.some((f) => f.name === FOLDER)
      }, 200)
      await d.call('sync', { folder: FOLDER, path: d.root }, 120_000)
    }
    for (const d of this.devices) {
      await pollUntil(`${d.name} sees every peer`, 120_000, async () => (await d.call<Peer[]>('peers', {})).length >= this.devices.length - 1, 200)
    }
  }

  async close(): Promise<void> {
    await Promise.all(this.devices.map((d) => d.stop()))
    await this.testnet.stop()
  }
}

export { sleep }
