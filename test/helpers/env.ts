// One environment per test file: a local DHT testnet on 127.0.0.1, temp dirs
// and nodes, all torn down in reverse order. Nodes cannot be started without
// the local bootstrap, so no test ever reaches the public DHT.
import fs from 'fs/promises'
import os from 'os'
import path from 'path'
import createTestnet from 'hyperdht/testnet.js'
import type { BootstrapNode } from '../../main/core/bootstrap'
import { HyperfoldNode, type NodeOptions } from '../../main/core/node'
import type { EventMessage, EventName, EventPayload } from '../../contract'

type Closer = () => Promise<unknown>

export class TestEnv {
  readonly bootstrap: BootstrapNode[]
  private readonly closers: Closer[] = []

  private constructor(bootstrap: BootstrapNode[]) {
    this.bootstrap = bootstrap
  }

  static async create(): Promise<TestEnv> {
    const testnet = await createTestnet(3, { host: '127.0.0.1' })
    const env = new TestEnv(testnet.bootstrap)
    env.closers.push(() => testnet.destroy())
    return env
  }

  get bootstrapArg(): string {
    return this.bootstrap.map((node) => `${node.host}:${node.port}`).join(',')
  }

  async tmpDir(name = 'hf-'): Promise<string> {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), name))
    this.closers.push(() => fs.rm(dir, { recursive: true, force: true, maxRetries: 5 })) // a node closed later may still be writing there
    return dir
  }

  async startNode(opts: Partial<Omit<NodeOptions, 'bootstrap'>> = {}): Promise<HyperfoldNode> {
    if (this.bootstrap.length === 0) throw new Error('refusing to start a node without a local bootstrap')
    const node = new HyperfoldNode({ dataDir: opts.dataDir ?? (await this.tmpDir()), ...opts, bootstrap: this.bootstrap })
    this.closers.push(() => node.close())
    await node.ready()
    return node
  }

  defer(closer: Closer): void {
    this.closers.push(closer)
  }

  async close(): Promise<void> {
    while (this.closers.length > 0) await this.closers.pop()!()
  }
}

export function nextEvent<K extends EventName>(
  node: HyperfoldNode,
  event: K,
  match: (payload: EventPayload<K>) => boolean = () => true,
  timeoutMs = 20_000
): Promise<EventPayload<K>> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      off()
      reject(new Error(`no ${event} event within ${timeoutMs} ms`))
    }, timeoutMs)
    const off = node.onEvent((message: EventMessage) => {
      if (message.event !== event || !match(message.payload as EventPayload<K>)) return
      clearTimeout(timer)
      off()
      resolve(message.payload as EventPayload<K>)
    })
  })
}
