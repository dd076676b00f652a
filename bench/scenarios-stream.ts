// Scenario 12, `stream`: a peer's 1 GiB (32 MiB) file read on demand, never
// synced. B browses A's folder (ls), then asks the file route for the file
// from its start, as a player does, and times its first byte; then a 1 MiB
// range at the middle, timed to its last byte, with the bytes B counted in
// from A (its `peers` counters) around it. Every byte read is compared with
// A's file. Hyperfold only: Syncthing cannot read a file it has not synced.
import fs from 'fs/promises'
import http from 'http'
import path from 'path'
import { makeBigFile } from './lib/data'
import { formatBytes, formatMs, log } from './lib/progress'
import { sleep } from './lib/time'
import { type WireBytes, received } from './lib/wire'
import type { Sizes } from './options'
import type { HyperfoldDevice, HyperfoldProduct } from './products/hyperfold'

const FOLDER = 'stream'
const FILE = 'movie.bin'
const MiB = 1 << 20
// Lets the last acknowledgements land before the counters are read.
const SETTLE_MS = 300

export interface StreamFigures {
  fileBytes: number
  firstByteMs: number
  middleRangeMs: number
  middleRangeBytes: number
  middleRangeWire: WireBytes
}

export async function stream(product: HyperfoldProduct, work: string, sizes: Sizes): Promise<StreamFigures> {
  const data = await makeBigFile(path.join(work, 'src'), FILE, sizes.deltaFileBytes, 'hyperfold-bench stream')
  const source = path.join(data.root, FILE)
  const [a, b] = await product.startPair(work)
  const tag = `${product.name} stream`
  try {
    await a.share(data.root, FOLDER, { files: 1, bytes: data.bytes }, sizes.timeoutMs)
    await b.waitOffered(FOLDER, { files: 1, bytes: data.bytes }, sizes.timeoutMs)
    await b.api.call('ls', { folder: FOLDER, path: '/' }) // the person browsed to the file
    log(`${tag}: ${formatBytes(data.bytes)} offered by A, browsed on B, not synced`)

    const first = await readRange(b, 'bytes=0-', { firstOnly: true })
    await expectBytes(source, 0, first.body, `${tag}: first bytes`)
    log(`${tag}: first byte in ${formatMs(first.firstByteMs)}`)

    await sleep(SETTLE_MS)
    const start = Math.floor((data.bytes - MiB) / 2)
    const before = await b.wire()
    const middle = await readRange(b, `bytes=${start}-${start + MiB - 1}`, { firstOnly: false })
    await sleep(SETTLE_MS)
    const wire = received(before, await b.wire(), a)
    if (middle.body.byteLength !== MiB) throw new Error(`${tag}: the middle range gave ${middle.body.byteLength} bytes, not ${MiB}`)
    await expectBytes(source, start, middle.body, `${tag}: the middle range`)
    log(`${tag}: 1 MiB at the middle in ${formatMs(middle.lastByteMs)}, ${formatBytes(wire.bytes)} A->B`)
    return { fileBytes: data.bytes, firstByteMs: first.firstByteMs, middleRangeMs: middle.lastByteMs, middleRangeBytes: MiB, middleRangeWire: wire }
  } finally {
    await Promise.all([a.close(), b.close()])
  }
}

interface RangeRead {
  body: Buffer
  firstByteMs: number
  lastByteMs: number
}

// GET the file route with a Range; with firstOnly, the answer is cut after its first bytes (a player that seeks away).
function readRange(device: HyperfoldDevice, range: string, { firstOnly }: { firstOnly: boolean }): Promise<RangeRead> {
  const query = new URLSearchParams({ folder: FOLDER, path: `/${FILE}` })
  const { port, token } = device.api as unknown as { port: number; token: string } // the API's address, kept private by its class
  const headers = { authorization: `Bearer ${token}`, range }
  const start = performance.now()
  return new Promise((resolve, reject) => {
    const req = http.get({ host: '127.0.0.1', port, path: `/api/file?${query.toString()}`, headers }, (res) => {
      if (res.statusCode !== 206) return reject(new Error(`file route answered ${res.statusCode} to ${range}`))
      const parts: Buffer[] = []
      let firstByteMs = 0
      res.on('data', (part: Buffer) => {
        if (parts.length === 0) firstByteMs = performance.now() - start
        parts.push(part)
        if (firstOnly) {
          res.destroy()
          resolve({ body: Buffer.concat(parts), firstByteMs, lastByteMs: firstByteMs })
        }
      })
      res.on('end', () => resolve({ body: Buffer.concat(parts), firstByteMs, lastByteMs: performance.now() - start }))
      res.on('error', (err) => (firstOnly && parts.length > 0 ? undefined : reject(err)))
    })
    req.on('error', reject)
  })
}

async function expectBytes(file: string, offset: number, body: Buffer, what: string): Promise<void> {
  const handle = await fs.open(file, 'r')
  try {
    const expected = Buffer.alloc(body.byteLength)
    await handle.read(expected, 0, body.byteLength, offset)
    if (!expected.equals(body)) throw new Error(`${what}: the bytes differ from A's file`)
  } finally {
    await handle.close()
  }
}
