// `hyperfold serve`: the node and its API on 127.0.0.1, until SIGINT/SIGTERM.
import path from 'path'
import { fileURLToPath } from 'url'
import { existsSync } from 'fs'
import { escapeControls } from '../../contract/text'
import type { Bootstrap } from '../core/bootstrap'
import { HyperfoldNode } from '../core/node'
import { createHandlers } from '../api/handlers'
import { ApiServer } from '../server/server'
import { removeApiFile, writeApiFile } from './api-file'
import { untilSignal } from './signals'

const RENDERER_BUILD = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../out/renderer')

export interface ServeOptions {
  dataDir: string
  bootstrap: Bootstrap
  port?: number
  json: boolean
}

export interface RunningNode {
  node: HyperfoldNode
  server: ApiServer
  stop(): Promise<void>
}

// A node with its API on 127.0.0.1 and its address left in the data dir for the CLI.
export async function startNode(opts: { dataDir: string; bootstrap: Bootstrap; port?: number; log: (line: string) => void }): Promise<RunningNode> {
  const node = new HyperfoldNode({ dataDir: opts.dataDir, bootstrap: opts.bootstrap, log: opts.log })
  await node.ready()
  const server = new ApiServer({
    handlers: createHandlers(node),
    subscribe: (listener) => node.onEvent(listener),
    port: opts.port,
    staticDir: existsSync(RENDERER_BUILD) ? RENDERER_BUILD : null,
    openFile: (folder, file) => node.folders.openFile(folder, file)
  })
  const stop = async () => {
    await removeApiFile(opts.dataDir)
    await server.close()
    await node.close()
  }
  try {
    await server.ready()
    await writeApiFile(opts.dataDir, { url: server.url, port: server.port, token: server.token, pid: process.pid })
  } catch (err) {
    await stop()
    throw err
  }
  return { node, server, stop }
}

export async function serve(opts: ServeOptions): Promise<void> {
  const log = (line: string) => process.stderr.write(`[hyperfold] ${line}\n`)
  const signalled = untilSignal()
  const running = await startNode({ ...opts, log })
  announce(opts, running.node, running.server)
  await signalled
  await running.stop()
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
    `Hyperfold is running as "${escapeControls(status.device.name)}" (${status.device.id}) on ${network}.\n` +
      `Open ${server.url}\nData dir: ${status.dataDir}. Stop with Ctrl-C.\n`
  )
}
