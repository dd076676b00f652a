// `hyperfold serve`: the node and its API on 127.0.0.1, until SIGINT/SIGTERM.
import path from 'path'
import { fileURLToPath } from 'url'
import { existsSync } from 'fs'
import type { Bootstrap } from '../core/bootstrap'
import { HyperfoldNode } from '../core/node'
import { createHandlers } from '../api/handlers'
import { ApiServer } from '../server/server'
import { removeApiFile, writeApiFile } from './api-file'

const RENDERER_BUILD = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../out/renderer')

export interface ServeOptions {
  dataDir: string
  bootstrap: Bootstrap
  port?: number
  json: boolean
}

export async function serve(opts: ServeOptions): Promise<void> {
  const log = (line: string) => process.stderr.write(`[hyperfold] ${line}\n`)
  const node = new HyperfoldNode({ dataDir: opts.dataDir, bootstrap: opts.bootstrap, log })
  await node.ready()
  const server = new ApiServer({
    handlers: createHandlers(node),
    subscribe: (listener) => node.onEvent(listener),
    port: opts.port,
    staticDir: existsSync(RENDERER_BUILD) ? RENDERER_BUILD : null
  })
  try {
    await server.ready()
    await writeApiFile(opts.dataDir, { url: server.url, port: server.port, token: server.token, pid: process.pid })
  } catch (err) {
    await server.close()
    await node.close()
    throw err
  }
  announce(opts, node, server)
  const shutdown = async () => {
    await removeApiFile(opts.dataDir)
    await server.close()
    await node.close()
  }
  await new Promise<void>((resolve) => {
    const stop = () => resolve(shutdown())
    process.once('SIGINT', stop)
    process.once('SIGTERM', stop)
  })
}

function announce(opts: ServeOptions, node: HyperfoldNode, server: ApiServer): void {
  const status = node.status()
  if (opts.json) {
    const info = { url: server.url, port: server.port, dataDir: status.dataDir, device: status.device, pid: process.pid }
    process.stdout.write(JSON.stringify(info) + '\n')
    return
  }
  const network = status.network === 'public' ? 'the public DHT' : `local DHT ${status.bootstrap.join(', ')}`
  process.stdout.write(
    `Hyperfold is running as "${status.device.name}" (${status.device.id}) on ${network}.\n` +
      `Open ${server.url}\nData dir: ${status.dataDir}. Stop with Ctrl-C.\n`
  )
}
