// `hyperfold testnet`: a DHT bootstrap for tests and offline networks, until Ctrl-C.
import createTestnet from 'hyperdht/testnet.js'
import { untilSignal } from './signals'

export async function runTestnet(opts: { host: string; port?: number; json: boolean }): Promise<void> {
  const signalled = untilSignal() // before the bootstrap is printed (see untilSignal)
  const testnet = await createTestnet(3, { host: opts.host, ...(opts.port ? { port: opts.port } : {}) })
  const bootstrap = testnet.bootstrap.map((node) => `${node.host}:${node.port}`).join(',')
  process.stdout.write(opts.json ? JSON.stringify({ bootstrap }) + '\n' : `${bootstrap}\n`)
  await signalled
  await testnet.destroy()
}
