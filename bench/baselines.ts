// The physical limits the products are measured against, on the same data:
// `cp -r` of the folder (the disk alone), and the folder's bytes read from disk
// and sent over one loopback TCP connection to another process (the network
// path alone; the receiver counts the bytes and throws them away).
import fs from 'fs/promises'
import { createReadStream } from 'fs'
import net from 'net'
import path from 'path'
import { once } from 'events'
import { execFile } from 'child_process'
import { promisify } from 'util'
import { startChild } from './lib/children'
import { type DataSet, verifyTree } from './lib/data'

export interface BaselineResult {
  cpMs: number
  tcpMs: number
}

const READ_BATCH = 64
const STREAM_ABOVE = 1 << 20

const RECEIVER = `
const net = require('net')
const server = net.createServer((socket) => {
  let bytes = 0
  socket.on('data', (chunk) => { bytes += chunk.length })
  socket.on('end', () => { socket.end(JSON.stringify({ bytes }) + '\\n'); server.close() })
})
server.listen(0, '127.0.0.1', () => console.log(JSON.stringify({ port: server.address().port })))
`

async function send(socket: net.Socket, chunk: Buffer): Promise<void> {
  if (!socket.write(chunk)) await once(socket, 'drain')
}

export async function runBaselines(data: DataSet, scratch: string): Promise<BaselineResult> {
  return { cpMs: await timeCp(data, scratch), tcpMs: await timeTcp(data) }
}

async function timeCp(data: DataSet, scratch: string): Promise<number> {
  const target = path.join(scratch, 'cp-copy')
  const start = performance.now()
  await promisify(execFile)('cp', ['-r', data.root, target])
  const ms = performance.now() - start
  await verifyTree(target, data.manifest, 'cp -r')
  await fs.rm(target, { recursive: true, force: true })
  return ms
}

async function timeTcp(data: DataSet): Promise<number> {
  const receiver = startChild('tcp receiver', process.execPath, ['-e', RECEIVER])
  try {
    const { port } = JSON.parse(await receiver.firstLine(30_000)) as { port: number }
    const start = performance.now()
    const socket = net.connect(port, '127.0.0.1')
    await once(socket, 'connect')
    const files = [...data.manifest.keys()].map((rel) => path.join(data.root, rel))
    // Small files are read a batch at a time, in parallel, as a sync engine would; big ones are streamed.
    for (let i = 0; i < files.length; i += READ_BATCH) {
      const batch = files.slice(i, i + READ_BATCH)
      const sizes = await Promise.all(batch.map(async (file) => (await fs.stat(file)).size))
      if (sizes.every((size) => size <= STREAM_ABOVE)) {
        for (const chunk of await Promise.all(batch.map((file) => fs.readFile(file)))) await send(socket, chunk)
      } else {
        for (const file of batch) for await (const chunk of createReadStream(file, { highWaterMark: STREAM_ABOVE })) await send(socket, chunk as Buffer)
      }
    }
    socket.end()
    let reply = ''
    for await (const chunk of socket) reply += (chunk as Buffer).toString()
    const ms = performance.now() - start
    const { bytes } = JSON.parse(reply) as { bytes: number }
    if (bytes !== data.bytes) throw new Error(`VERIFY FAILED: tcp baseline: ${bytes} bytes arrived, ${data.bytes} sent`)
    return ms
  } finally {
    await receiver.stop()
  }
}
