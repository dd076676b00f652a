// Scenario 13, `selective`: B syncs only one 10 MiB subfolder (ten 1 MiB
// files) of A's folder that also holds a 1 GiB (32 MiB) file. Measured: the
// time from B's `sync --only` to in sync, and the bytes B counted in from A
// (its `peers` counters) over that time; B's tree is then checked to hold
// exactly the subfolder, byte for byte. Hyperfold only: Syncthing syncs a
// folder whole (its ignore patterns leave paths out, not bytes on demand).
import fs from 'fs/promises'
import { createHash } from 'crypto'
import path from 'path'
import { makeBigFile } from './lib/data'
import { formatBytes, formatMs, log } from './lib/progress'
import { sleep } from './lib/time'
import { type WireBytes, received } from './lib/wire'
import type { Sizes } from './options'
import type { HyperfoldProduct } from './products/hyperfold'

const FOLDER = 'selective'
const MiB = 1 << 20
const PICKED = 10
const SETTLE_MS = 300

export interface SelectiveFigures {
  folderBytes: number
  keptBytes: number
  syncMs: number
  wire: WireBytes
}

export async function selective(product: HyperfoldProduct, work: string, sizes: Sizes): Promise<SelectiveFigures> {
  const root = path.join(work, 'src')
  const big = await makeBigFile(root, 'movie.bin', sizes.deltaFileBytes, 'hyperfold-bench selective')
  const picked = await Promise.all(
    Array.from({ length: PICKED }, (_, i) => makeBigFile(path.join(root, 'pick'), `part-${i}.bin`, MiB, `hyperfold-bench selective ${i}`))
  )
  const folderBytes = big.bytes + PICKED * MiB
  const [a, b] = await product.startPair(work)
  const tag = `${product.name} selective`
  try {
    await a.share(root, FOLDER, { files: 1 + PICKED, bytes: folderBytes }, sizes.timeoutMs)
    await b.waitOffered(FOLDER, { files: 1 + PICKED, bytes: folderBytes }, sizes.timeoutMs)
    const dest = path.join(work, 'b')
    await sleep(SETTLE_MS)
    const before = await b.wire()
    const start = performance.now()
    await b.api.call('sync', { folder: FOLDER, path: dest, only: ['/pick'] })
    await b.waitSynced(FOLDER, { files: PICKED, bytes: PICKED * MiB }, sizes.timeoutMs)
    const syncMs = performance.now() - start
    await sleep(SETTLE_MS)
    const wire = received(before, await b.wire(), a)
    await expectOnly(dest, picked)
    log(`${tag}: ${formatBytes(PICKED * MiB)} of ${formatBytes(folderBytes)} kept on B in ${formatMs(syncMs)}, ${formatBytes(wire.bytes)} A->B`)
    return { folderBytes, keptBytes: PICKED * MiB, syncMs, wire }
  } finally {
    await Promise.all([a.close(), b.close()])
  }
}

// B holds the picked files with A's bytes, and nothing else.
async function expectOnly(dest: string, picked: { manifest: Map<string, string> }[]): Promise<void> {
  const files = (await fs.readdir(dest, { recursive: true, withFileTypes: true })).filter((e) => e.isFile())
  const names = files.map((e) => path.relative(dest, path.join(e.parentPath, e.name))).filter((p) => !p.startsWith('.hyperfold')).sort()
  const expected = picked.flatMap((p) => [...p.manifest.keys()].map((name) => path.join('pick', name))).sort()
  if (JSON.stringify(names) !== JSON.stringify(expected)) throw new Error(`selective: B holds ${names.join(', ')}, not the picked subfolder`)
  for (const p of picked) {
    for (const [name, hash] of p.manifest) {
      const got = createHash('sha256').update(await fs.readFile(path.join(dest, 'pick', name))).digest('hex')
      if (got !== hash) throw new Error(`selective: pick/${name} on B differs from A's`)
    }
  }
}
