// Syncthing (Debian's package) on loopback only, driven through its REST API.
// Each device gets a fresh home: `syncthing generate`, then config.xml is made
// loopback-only (syncthing-config.ts), and only then is `syncthing serve` run.
import fs from 'fs/promises'
import net from 'net'
import path from 'path'
import { randomBytes } from 'crypto'
import { execFile, spawn } from 'child_process'
import { promisify } from 'util'
import { type Child, startChild } from '../lib/children'
import { requestJson } from '../lib/http'
import { log } from '../lib/progress'
import { pollUntil } from '../lib/time'
import type { Device, FolderCount, Product, SyncProgress, WaitReport, WireCounter } from './product'
import { writeLoopbackConfig } from './syncthing-config'

const READY_MS = 60_000
const POLL_MS = 50
const SYNTHETIC_SIZE = 128
// The edit scenario wants changes picked up fast; Syncthing's default is 10 s.
export const FS_WATCHER_DELAY_S = 1

interface Home {
  dir: string
  id: string
  name: string
  listenPort: number
  guiPort: number
  apiKey: string
}

interface DbStatus {
  state: string
  localFiles: number
  localBytes: number
  globalFiles: number
  globalBytes: number
  inSyncBytes: number
  localDirectories: number
  localSymlinks: number
  needTotalItems: number
}

export class SyncthingProduct implements Product {
  readonly name = 'syncthing'

  static async start(): Promise<SyncthingProduct> {
    await ensureInstalled()
    return new SyncthingProduct()
  }

  async version(): Promise<string> {
    const { stdout } = await promisify(execFile)('syncthing', ['--version'])
    return stdout.trim()
  }

  async startPair(workDir: string): Promise<[SyncthingDevice, SyncthingDevice]> {
    const [a, b] = await this.startDevices(workDir, 2)
    return [a!, b!]
  }

  // Every device knows every other by its explicit loopback address before it first starts.
  async startDevices(workDir: string, n: number): Promise<SyncthingDevice[]> {
    const names = Array.from({ length: n }, (_, i) => String.fromCharCode(97 + i))
    const homes = await Promise.all(names.map((name) => makeHome(workDir, name)))
    const others = (home: Home) => homes.filter((h) => h !== home)
    await Promise.all(homes.map((home) => configure(home, others(home))))
    const devices = await Promise.all(homes.map((home) => SyncthingDevice.start(home, others(home))))
    await Promise.all(devices.flatMap((d) => devices.filter((o) => o !== d).map((o) => d.waitConnected(o.id))))
    return devices
  }

  async startDevice(workDir: string): Promise<SyncthingDevice> {
    const a = await makeHome(workDir, 'a')
    await configure(a, [])
    return SyncthingDevice.start(a, [])
  }

  // A knows B; B is told about A (with its loopback address) at the start of the clock.
  async timeJoin(workDir: string): Promise<number> {
    const [a, b] = await Promise.all([makeHome(workDir, 'a'), makeHome(workDir, 'b')])
    await Promise.all([configure(a, [b]), configure(b, [])])
    const [da, db] = await Promise.all([SyncthingDevice.start(a, [b]), SyncthingDevice.start(b, [])])
    try {
      const start = performance.now()
      await db.rest('POST', '/rest/config/devices', { deviceID: a.id, name: a.name, addresses: [`tcp://127.0.0.1:${a.listenPort}`] })
      await db.waitConnected(a.id)
      return performance.now() - start
    } finally {
      await Promise.all([da.close(), db.close()])
    }
  }

  async close(): Promise<void> {}
}

interface Connection {
  connected: boolean
  inBytesTotal: number
  outBytesTotal: number
  startedAt?: string
}

export class SyncthingDevice implements Device {
  readonly stateDir: string
  private readonly home: Home
  private readonly peers: Home[]
  private child: Child

  private constructor(home: Home, peers: Home[], child: Child) {
    this.home = home
    this.peers = peers
    this.child = child
    this.stateDir = home.dir
  }

  static async start(home: Home, peers: Home[]): Promise<SyncthingDevice> {
    const device = new SyncthingDevice(home, peers, launch(home))
    await device.waitReady()
    return device
  }

  private async waitReady(): Promise<void> {
    const child = this.child
    await pollUntil(`syncthing ${this.home.name} REST API`, READY_MS, async () => {
      if (child.proc.exitCode !== null) throw new Error(`syncthing exited: ${child.output()}`)
      return this.rest('GET', '/rest/system/ping').then(
        () => true,
        () => false
      )
    })
    await this.checkLoopbackOnly()
  }

  get id(): string {
    return this.home.id
  }

  get pid(): number {
    return this.child.pid
  }

  async rest<T = unknown>(method: string, urlPath: string, payload?: unknown): Promise<T> {
    const { status, body } = await requestJson(this.home.guiPort, method, urlPath, { 'X-API-Key': this.home.apiKey }, payload)
    if (status !== 200) throw new Error(`syncthing ${method} ${urlPath}: HTTP ${status}: ${JSON.stringify(body)}`)
    return body as T
  }

  // What the running Syncthing itself reports, not just what was written to its config.
  private async checkLoopbackOnly(): Promise<void> {
    const options = await this.rest<Record<string, unknown>>('GET', '/rest/config/options')
    const off = ['globalAnnounceEnabled', 'localAnnounceEnabled', 'relaysEnabled', 'natEnabled', 'crashReportingEnabled']
    const listen = options.listenAddresses as string[]
    const wrong = off.filter((key) => options[key] !== false)
    if (options.urAccepted !== -1) wrong.push('urAccepted')
    if (!listen.every((a) => a.startsWith('tcp://127.0.0.1:'))) wrong.push(`listenAddresses ${listen.join(',')}`)
    if (wrong.length > 0) throw new Error(`syncthing is not loopback-only: ${wrong.join(', ')}`)
  }

  async waitConnected(id: string, timeoutMs = 120_000): Promise<void> {
    await pollUntil(`syncthing ${this.home.name} connected to ${id.slice(0, 7)}`, timeoutMs, async () => {
      return (await this.connections())[id]?.connected === true
    })
  }

  // /rest/system/connections: each connection's bytes as Syncthing counts them on its TLS stream.
  async wire(): Promise<Map<string, WireCounter>> {
    const connections = Object.entries(await this.connections()).filter(([, c]) => c.connected)
    return new Map(connections.map(([id, c]) => [id, { bytesIn: c.inBytesTotal, bytesOut: c.outBytesTotal, since: c.startedAt ?? '' }]))
  }

  private async connections(): Promise<Record<string, Connection>> {
    return (await this.rest<{ connections: Record<string, Connection> }>('GET', '/rest/system/connections')).connections
  }

  async stop(): Promise<void> {
    if (this.child.proc.exitCode === null) await this.rest('POST', '/rest/system/shutdown').catch(() => undefined)
    await Promise.race([this.child.exited, new Promise((resolve) => setTimeout(resolve, 5_000))])
    await this.child.stop()
  }

  // The same home (config, keys, database), checked loopback-only again once it runs.
  async restart(): Promise<void> {
    this.child = launch(this.home)
    await this.waitReady()
  }

  async share(dir: string, name: string, expect: FolderCount, timeoutMs: number): Promise<void> {
    await this.rest('POST', '/rest/config/folders', this.folderConfig(name, dir))
    await this.waitSynced(name, expect, timeoutMs)
  }

  // Before it is added here, the peer's folder shows as a pending folder (Syncthing does not tell its counts).
  async waitOffered(name: string, _expect: FolderCount | null, timeoutMs: number): Promise<void> {
    await pollUntil(`syncthing folder ${name} offered`, timeoutMs, async () => {
      const pending = await this.rest<Record<string, unknown>>('GET', '/rest/cluster/pending/folders')
      return Object.hasOwn(pending ?? {}, name)
    })
  }

  async syncFrom(name: string, dir: string): Promise<void> {
    await this.rest('POST', '/rest/config/folders', this.folderConfig(name, dir))
  }

  async waitSynced(name: string, expect: FolderCount, timeoutMs: number): Promise<WaitReport> {
    await pollUntil(
      `syncthing ${this.home.name}: ${name} in sync`,
      timeoutMs,
      async () => {
        const s = await this.dbStatus(name)
        // Syncthing counts every directory and symlink as 128 bytes in localBytes.
        const fileBytes = s.localBytes - SYNTHETIC_SIZE * (s.localDirectories + s.localSymlinks)
        return s.state === 'idle' && s.needTotalItems === 0 && s.localFiles === expect.files && fileBytes === expect.bytes
      },
      POLL_MS
    )
    return { earlyReturns: 0 }
  }

  async progress(name: string): Promise<SyncProgress> {
    const s = await this.dbStatus(name)
    return { bytesDone: s.inSyncBytes, bytesTotal: s.globalBytes }
  }

  private dbStatus(name: string): Promise<DbStatus> {
    return this.rest<DbStatus>('GET', `/rest/db/status?folder=${encodeURIComponent(name)}`)
  }

  // POST /rest/db/scan answers once the scan is done.
  async rescan(name: string): Promise<void> {
    await this.rest('POST', `/rest/db/scan?folder=${encodeURIComponent(name)}`)
    await this.settle(name)
  }

  async settle(name: string): Promise<void> {
    await pollUntil(
      `syncthing ${this.home.name}: ${name} idle`,
      600_000,
      async () => {
        const s = await this.dbStatus(name)
        return s.state === 'idle' && s.needTotalItems === 0
      },
      POLL_MS
    )
  }

  async close(): Promise<void> {
    await this.stop()
  }

  private folderConfig(name: string, dir: string): Record<string, unknown> {
    const devices = [this.home, ...this.peers].map((h) => ({ deviceID: h.id }))
    return { id: name, label: name, path: dir, type: 'sendreceive', devices, fsWatcherEnabled: true, fsWatcherDelayS: FS_WATCHER_DELAY_S }
  }
}

function launch(home: Home): Child {
  const args = ['serve', '--home', home.dir, '--no-browser', '--no-restart', '--no-upgrade', '--no-default-folder', '--skip-port-probing']
  // STMONITORED: Syncthing runs as one process, without its monitor parent, so its pid is the
  // process that syncs (for RSS) and a signal to it stops everything.
  const env = { ...process.env, STNOUPGRADE: '1', STNORESTART: '1', STMONITORED: 'yes' }
  return startChild(`syncthing (${home.name})`, 'syncthing', args, { env })
}

async function makeHome(workDir: string, name: string): Promise<Home> {
  const dir = path.join(workDir, `syncthing-${name}`)
  await fs.mkdir(dir, { recursive: true })
  const { stdout, stderr } = await promisify(execFile)('syncthing', ['generate', '--home', dir, '--no-default-folder', '--skip-port-probing'])
  const id = /Device ID:\s*([A-Z0-9-]{63})/.exec(stdout + stderr)?.[1]
  if (id === undefined) throw new Error(`syncthing generate printed no device id: ${stdout}${stderr}`)
  const [listenPort, guiPort] = [await freePort(), await freePort()]
  return { dir, id, name, listenPort, guiPort, apiKey: randomBytes(18).toString('base64url') }
}

function configure(home: Home, peers: Home[]): Promise<void> {
  return writeLoopbackConfig(home.dir, {
    listenPort: home.listenPort,
    guiPort: home.guiPort,
    apiKey: home.apiKey,
    fsWatcherDelayS: FS_WATCHER_DELAY_S,
    peers: peers.map((p) => ({ id: p.id, name: p.name, port: p.listenPort }))
  })
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer()
    server.on('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo
      server.close(() => resolve(port))
    })
  })
}

async function ensureInstalled(): Promise<void> {
  const found = await promisify(execFile)('syncthing', ['--version']).then(
    () => true,
    () => false
  )
  if (found) return
  log('syncthing is missing: installing it with `apt-get update && apt-get install -y syncthing`')
  await run('apt-get', ['update'])
  await run('apt-get', ['install', '-y', 'syncthing'])
}

function run(command: string, args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const proc = spawn(command, args, { stdio: ['ignore', 2, 2] }) // stdout keeps only the table
    proc.on('error', reject)
    proc.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`${command} ${args.join(' ')} exited with ${code}`))))
  })
}
