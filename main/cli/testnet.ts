// `hyperfold testnet`: a DHT bootstrap for tests and offline networks, until Ctrl-C.
import createTestnet from 'hyperdht/testnet.js'

export async function runTestnet(opts: { host: string; port?: number; json: boolean }): Promise<void> {
  const testnet = await createTestnet(3, { host: opts.host, ...(opts.port ? { port: opts.port } : {}) })
  const bootstrap = testnet.bootstrap.map((node) => `${node.host}:${node.port}`).join(',')
  process.stdout.write(opts.json ? JSON.stringify({ bootstrap }) + '\n' : `${bootstrap}\n`)
  await new Promise<void>((resolve) => {
    const stop = () => resolve(testnet.destroy())
    process.once('SIGINT', stop)
    process.once('SIGTERM', stop)
  })
}
