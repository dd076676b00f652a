// Hyperfold as a user runs it: `hyperfold testnet` for a local DHT on
// 127.0.0.1, and one `hyperfold serve` process per device with its own data dir,
// driven through the HTTP API the CLI uses (POST /api/<command>). The timed
// calls go straight to that API: spawning the CLI costs a few hundred ms of
// start-up per command, which would swamp the figures. The processes run the
// bundle that `npm run serve` runs (built here first), not the TypeScript
// through tsx: its loader thread alone costs ~30 MiB of RSS per process. They
// start with the memory settings a user's `hyperfold serve` relaunches itself
// with (bin/tuning.js), given here up front so that each device is one process.
import fs from 'fs/promises'
import path from 'path'
import { execFile } from 'child_process'
import { promisify } from 'util'
import { V8_FLAGS, tunedEnv } from '../../bin/tuning.js'
import type { FileVersion, Folder, Peer, JoinedTopic, NodeStatus } from '../../contract/types'
import { type Child, startChild } from '../lib/children'
import { requestJson } from '../lib/http'
import { pollUntil, sleep } from '../lib/time'
import type { Device, FolderCount, Product, SyncProgress, VersionInfo, WaitReport, WireCounter } from './product'

const ROOT = path.resolve(import.meta.dirname, '../..')
const BIN = path.join(ROOT, 'out/cli/index.mjs')
const READY_MS = 60_000
const POLL_MS = 20
// One wait-synced request at most this long, so progress and the deadline stay in our hands.
const WAIT_SLICE_S = 120

export class HyperfoldProduct implements Product {
  readonly name = 'hyperfold'
  private readonly testnet: Child
  private readonly bootstrap: string

  private readonly cpuProfDir: string | null

  private constructor(testnet: Child, bootstrap: string, cpuProfDir: string | null) {
    this.testnet = testnet
    this.bootstrap = bootstrap
    this.cpuProfDir = cpuProfDir
  }

  // With cpuProfDir, each serve process writes a V8 CPU profile there when it stops.
  static async start(cpuProfDir: string | null = null): Promise<HyperfoldProduct> {
    await promisify(execFile)('npm', ['run', 'build:cli', '--silent'], { cwd: ROOT })
    const testnet = startChild('hyperfold testnet', process.execPath, [BIN, 'testnet', '--host', '127.0.0.1', '--json'])
    const { bootstrap } = JSON.parse(await testnet.firstLine(READY_MS)) as { bootstrap: string }
    if (!bootstrap.split(',').every((b) => b.startsWith('127.0.0.1:'))) throw new Error(`testnet is not on loopback: ${bootstrap}`)
    return new HyperfoldProduct(testnet, bootstrap, cpuProfDir)
  }

  async version(): Promise<string> {
    const { stdout } = await promisify(execFile)(process.execPath, [BIN, '--version'])
    return stdout.trim()
  }

  // Alone on a topic of its own, ready to share (scenario 6).
  async startDevice(workDir: string): Promise<HyperfoldDevice> {
    const device = await this.spawnDevice(workDir, 'a')
    device.topic = (await device.api.call<JoinedTopic>('topic.create', { label: 'bench' })).id
    return device
  }

  private async spawnDevice(workDir: string, name: string): Promise<HyperfoldDevice> {
    const dataDir = path.join(workDir, `hyperfold-${name}`)
    await fs.mkdir(dataDir, { recursive: true })
    const device = new HyperfoldDevice(dataDir, await this.launch(dataDir, name), () => this.launch(dataDir, name))
    await device.api.call('name.set', { name: `bench-${name}` })
    return device
  }

  private async launch(dataDir: string, name: string): Promise<Running> {
    const profile = this.cpuProfDir === null ? [] : ['--cpu-prof', '--cpu-prof-dir', path.join(this.cpuProfDir, name)]
    const args = [...V8_FLAGS, ...profile, BIN, '--data-dir', dataDir, '--bootstrap', this.bootstrap, 'serve', '--json']
    const child = startChild(`hyperfold serve (${name})`, process.execPath, args, { env: tunedEnv(process.env) })
    const ready = JSON.parse(await child.firstLine(READY_MS)) as { url: string; port: number; device: { id: string } }
    const token = new URL(ready.url).searchParams.get('token') ?? ''
    return { child, api: new Api(ready.port, token), deviceId: ready.device.id }
  }

  async startPair(workDir: string): Promise<[HyperfoldDevice, HyperfoldDevice]> {
    const [a, b] = await this.startDevices(workDir, 2)
    return [a!, b!]
  }

  async startDevices(workDir: string, n: number): Promise<HyperfoldDevice[]> {
    const names = Array.from({ length: n }, (_, i) => String.fromCharCode(97 + i))
    const devices = await Promise.all(names.map((name) => this.spawnDevice(workDir, name)))
    const [first, ...rest] = devices
    const topic = await first!.api.call<JoinedTopic>('topic.create', { label: 'bench' })
    first!.topic = topic.id
    // One at a time: two devices that join at the same moment can each look the topic up
    // before the other has announced itself, and then wait for a later refresh to meet.
    for (const [i, d] of rest.entries()) {
      await d.api.call('topic.join', { keyphrase: topic.keyphrase, label: 'bench' })
      d.topic = topic.id
      const earlier = devices.slice(0, i + 1)
      await Promise.all(earlier.flatMap((o) => [d.waitConnected(o.deviceId), o.waitConnected(d.deviceId)]))
    }
    return devices
  }

  async timeJoin(workDir: string): Promise<number> {
    const [a, b] = await Promise.all([this.spawnDevice(workDir, 'a'), this.spawnDevice(workDir, 'b')])
    try {
      const topic = await a.api.call<JoinedTopic>('topic.create', { label: 'bench' })
      const start = performance.now()
      await b.api.call('topic.join', { keyphrase: topic.keyphrase, label: 'bench' })
      await b.waitConnected(a.deviceId)
      return performance.now() - start
    } finally {
      await Promise.all([a.close(), b.close()])
    }
  }

  async close(): Promise<void> {
    await this.testnet.stop()
  }
}

interface Running {
  child: Child
  api: Api
  deviceId: string
}

export class HyperfoldDevice implements Device {
  readonly stateDir: string
  readonly deviceId: string
  topic = ''
  private running: Running
  private readonly relaunch: () => Promise<Running>

  constructor(dataDir: string, running: Running, relaunch: () => Promise<Running>) {
    this.stateDir = dataDir
    this.running = running
    this.relaunch = relaunch
    this.deviceId = running.deviceId
  }

  get id(): string {
    return this.deviceId
  }

  get pid(): number {
    return this.running.child.pid
  }

  get api(): Api {
    return this.running.api
  }

  async waitConnected(deviceId: string, timeoutMs = 120_000): Promise<void> {
    await pollUntil(`peer ${deviceId} listed`, timeoutMs, async () => {
      const peers = await this.api.call<Peer[]>('peers', {})
      return peers.some((p) => p.deviceId === deviceId)
    })
  }

  // `peers`: each connection's raw stream counts what it sent and received.
  async wire(): Promise<Map<string, WireCounter>> {
    const peers = await this.api.call<Peer[]>('peers', {})
    return new Map(peers.map((p) => [p.deviceId, { bytesIn: p.bytesIn, bytesOut: p.bytesOut, since: p.since }]))
  }

  async stop(): Promise<void> {
    await this.running.child.stop()
  }

  // The same data dir: its topics and folders come back with it.
  async restart(): Promise<void> {
    this.running = await this.relaunch()
  }

  async share(dir: string, name: string, expect: FolderCount, timeoutMs: number): Promise<void> {
    await this.api.call('share', { path: dir, topic: this.topic, name })
    await this.waitSynced(name, expect, timeoutMs)
  }

  async waitOffered(name: string, expect: FolderCount | null, timeoutMs: number): Promise<void> {
    await pollUntil(`folder ${name} offered${expect === null ? '' : ` with ${expect.files} files`}`, timeoutMs, async () => {
      const folders = await this.api.call<Folder[]>('folders', {})
      return folders.some((f) => f.name === name && (expect === null || (f.files === expect.files && f.bytes === expect.bytes)))
    })
  }

  async syncFrom(name: string, dir: string): Promise<void> {
    await this.api.call('sync', { folder: name, path: dir })
  }

  async waitSynced(name: string, expect: FolderCount, timeoutMs: number): Promise<WaitReport> {
    const deadline = Date.now() + timeoutMs
    let earlyReturns = 0
    for (;;) {
      const left = (deadline - Date.now()) / 1000
      if (left <= 0) throw new Error(`hyperfold: ${name} not in sync after ${timeoutMs / 1000} s`)
      const slice = Math.max(1, Math.min(WAIT_SLICE_S, Math.ceil(left)))
      const result = await this.api.tryCall<NodeStatus & { folder: Folder }>('status', { folder: name, waitSynced: true, timeout: slice })
      if (!result.ok) {
        if (result.error.code === 'TIMEOUT') continue
        throw new Error(`hyperfold status --wait-synced: ${result.error.message}`)
      }
      const f = result.result.folder
      if (f.files === expect.files && f.bytes === expect.bytes) return { earlyReturns }
      earlyReturns++
      await sleep(POLL_MS)
    }
  }

  async progress(name: string): Promise<SyncProgress> {
    const f = await this.folder(name)
    return { bytesDone: f.progress?.bytesDone ?? f.bytes, bytesTotal: f.progress?.bytesTotal ?? f.bytes }
  }

  // `rescan` answers once the scan is done, as Syncthing's POST /rest/db/scan does.
  async rescan(name: string): Promise<void> {
    await this.api.call('rescan', { folder: name })
    await this.api.call('status', { folder: name, waitSynced: true, timeout: 3600 })
  }

  // In sync as far as this device knows (for the edit scenario's pauses).
  async settle(name: string): Promise<void> {
    await this.api.call('status', { folder: name, waitSynced: true, timeout: 600 })
  }

  async folder(name: string): Promise<Folder> {
    return (await this.api.call<NodeStatus & { folder: Folder }>('status', { folder: name })).folder
  }

  async close(): Promise<void> {
    await this.running.child.stop()
  }

  async listVersions(folder: string, file: string): Promise<VersionInfo[]> {
    return this.api.call<FileVersion[]>('history', { folder, path: file })
  }

  async restoreVersion(folder: string, file: string, version: number): Promise<void> {
    await this.api.call('restore', { folder, path: file, version })
  }
}

type Outcome<T> = { ok: true; result: T } | { ok: false; error: { code: string; message: string } }

export class Api {
  private readonly port: number
  private readonly token: string

  constructor(port: number, token: string) {
    this.port = port
    this.token = token
  }

  async tryCall<T>(command: string, input: unknown, timeoutMs?: number): Promise<Outcome<T>> {
    const headers = { authorization: `Bearer ${this.token}` }
    const { status, body } = await requestJson(this.port, 'POST', `/api/${command}`, headers, input, timeoutMs)
    if (body === null || typeof body !== 'object' || !('ok' in body)) throw new Error(`hyperfold ${command}: HTTP ${status}: ${String(body)}`)
    return body as Outcome<T>
  }

  async call<T = unknown>(command: string, input: unknown, timeoutMs?: number): Promise<T> {
    const outcome = await this.tryCall<T>(command, input, timeoutMs)
    if (!outcome.ok) throw new Error(`hyperfold ${command}: ${outcome.error.code}: ${outcome.error.message}`)
    return outcome.result
  }
}
