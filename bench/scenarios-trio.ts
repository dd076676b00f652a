// Scenarios 10 and 11, on three devices. 10: a third device C takes a big
// file that A and B both hold, against C taking it from A alone (a separate
// pair). 11: C is stopped while A edits a file ten times; once C is back and in
// sync, is every version restorable there?
import fs from 'fs/promises'
import path from 'path'
import type { Sizes } from './options'
import { type DataSet, KeyStream, hashFile, makeBigFile, verifyTree } from './lib/data'
import { type Expected, expectSplice, overwrite, waitForFile } from './lib/file-edits'
import { formatBytes, formatMs, log, progress } from './lib/progress'
import { byLetter, growthOf, settleAll, shareAndSync, stateSizes } from './lib/steps'
import { CpuMeter, cpuSeconds } from './lib/cpu'
import { pollUntil } from './lib/time'
import { type WireBytes, received, snapshot } from './lib/wire'
import type { Device, Product } from './products/product'

const MiB = 1 << 20
const RESTORE_TIMEOUT_MS = 60_000

export interface SwarmFigures {
  fileBytes: number
  // C taking the file while A and B both hold it.
  fromBothMs: number
  fromA: WireBytes
  fromB: WireBytes
  // C taking it from A alone, on a fresh pair.
  aloneMs: number
  aloneFromA: WireBytes
  // CPU seconds of each device while C took it: A, B, C (from both); A, C (alone: 'a' and 'b').
  fromBothCpu: Record<string, number | null>
  aloneCpu: Record<string, number | null>
}

export interface RestoredVersion {
  version: number
  expected: string
  got: string | null
  error?: string
  ms: number
}

export interface OfflineHistoryFigures {
  fileBytes: number
  edits: number
  // From C's restart until its file holds the last edit and it says it is in sync.
  catchUpMs: number
  // CPU seconds over that time: A's and B's, and C's whole new process.
  catchUpCpu: Record<string, number | null>
  // What C counted in from A and B since its restart.
  fromA: WireBytes
  fromB: WireBytes
  // du --apparent-size of each state dir once C caught up minus before the edits (C's while
  // stopped); growthAllocated: the same in allocated blocks.
  growth: Record<string, number>
  growthAllocated: Record<string, number>
  // null: the product keeps no history of edits made elsewhere.
  versionsListed: number | null
  restorable: number | null
  versions: RestoredVersion[]
}

export async function swarm(product: Product, work: string, sizes: Sizes): Promise<SwarmFigures> {
  const tag = `${product.name} swarm`
  const data = await makeBigFile(path.join(work, 'src'), 'big.bin', sizes.deltaFileBytes, 'hyperfold-bench swarm')
  const trio = await product.startDevices(path.join(work, 'trio'), 3)
  const [a, b, c] = trio as [Device, Device, Device]
  let both: { ms: number; wire: WireBytes[]; cpu: Record<string, number | null> }
  try {
    await shareAndSync(a, [{ device: b, dst: path.join(work, 'trio', 'dst-b') }], data, 'swarm', sizes.timeoutMs)
    both = await takeTimed(c, [a, b], data, 'swarm', path.join(work, 'trio', 'dst-c'), sizes.timeoutMs)
    log(`${tag}: C took it from A and B in ${formatMs(both.ms)}: ${formatBytes(both.wire[0]!.bytes)} from A, ${formatBytes(both.wire[1]!.bytes)} from B`)
  } finally {
    await Promise.all(trio.map((d) => d.close()))
    await fs.rm(path.join(work, 'trio'), { recursive: true, force: true }) // room for the pair
  }
  // A fresh copy of the same bytes: a folder belongs to one share (the products leave their marks in it).
  const again = await makeBigFile(path.join(work, 'src-pair'), 'big.bin', sizes.deltaFileBytes, 'hyperfold-bench swarm')
  const pair = await product.startPair(path.join(work, 'pair'))
  const [a2, c2] = pair
  let alone: { ms: number; wire: WireBytes[]; cpu: Record<string, number | null> }
  try {
    await a2.share(again.root, 'swarm', { files: again.files, bytes: again.bytes }, sizes.timeoutMs)
    alone = await takeTimed(c2, [a2], again, 'swarm', path.join(work, 'pair', 'dst-c'), sizes.timeoutMs)
    log(`${tag}: C took it from A alone in ${formatMs(alone.ms)}: ${formatBytes(alone.wire[0]!.bytes)} from A`)
  } finally {
    await Promise.all(pair.map((d) => d.close()))
  }
  const cpu = { fromBothCpu: both.cpu, aloneCpu: alone.cpu }
  return { fileBytes: data.bytes, fromBothMs: both.ms, fromA: both.wire[0]!, fromB: both.wire[1]!, aloneMs: alone.ms, aloneFromA: alone.wire[0]!, ...cpu }
}

// `taker` syncs the folder (offered by `holders`), timed from its sync command until it says in sync; then verified.
async function takeTimed(taker: Device, holders: Device[], data: DataSet, folder: string, dst: string, timeoutMs: number) {
  const expect = { files: data.files, bytes: data.bytes }
  // Offered by two devices, today's Hyperfold lists the folder with 0 files and 0 bytes: the name is enough here.
  await taker.waitOffered(folder, holders.length > 1 ? null : expect, timeoutMs)
  await settleAll(holders, folder)
  const before = await taker.wire()
  const meter = await CpuMeter.start([...holders, taker].map((d) => d.pid))
  const start = performance.now()
  await taker.syncFrom(folder, dst)
  await taker.waitSynced(folder, expect, timeoutMs)
  const ms = performance.now() - start
  const cpu = byLetter(await meter.stop())
  await verifyTree(dst, data.manifest, `${folder} on C`)
  await settleAll([taker, ...holders], folder)
  const after = await taker.wire()
  return { ms, wire: holders.map((h) => received(before, after, h)), cpu }
}

export async function offlineHistory(product: Product, work: string, sizes: Sizes): Promise<OfflineHistoryFigures> {
  const tag = `${product.name} offline-history`
  const folder = 'history'
  const name = 'history.bin'
  const src = path.join(work, 'src')
  const data = await makeBigFile(src, name, sizes.historyFileBytes, 'hyperfold-bench history')
  const devices = await product.startDevices(work, 3)
  const [a, b, c] = devices as [Device, Device, Device]
  const dst = { b: path.join(work, 'dst-b'), c: path.join(work, 'dst-c') }
  try {
    await shareAndSync(a, [{ device: b, dst: dst.b }, { device: c, dst: dst.c }], data, folder, sizes.timeoutMs)
    await settleAll(devices, folder)
    const hashes = [data.manifest.get(name)!]
    await c.stop()
    const duBefore = await stateSizes(devices)
    log(`${tag}: C stopped; ${sizes.historyEdits} edits of 1 MiB on A, each waited for on B`)
    const stream = new KeyStream('hyperfold-bench history edits')
    for (let i = 0; i < sizes.historyEdits; i++) {
      const offset = Math.floor((i * (data.bytes - MiB)) / Math.max(1, sizes.historyEdits - 1))
      const bytes = stream.next(MiB)
      const expect: Expected = await expectSplice(path.join(src, name), offset, bytes, false)
      await overwrite(path.join(src, name), offset, bytes)
      await waitForFile(path.join(dst.b, name), expect, sizes.timeoutMs, `${tag}: edit ${i + 1} on B`)
      await settleAll([a, b], folder)
      hashes.push(expect.sha256)
      progress(`${tag}: edit ${i + 1}/${sizes.historyEdits} on A and B`)
    }
    const meter = await CpuMeter.start([a.pid, b.pid])
    const start = performance.now()
    await c.restart()
    await Promise.all([c.waitConnected(a.id), c.waitConnected(b.id)])
    const last = { size: data.bytes, sha256: hashes.at(-1)!, regions: [] }
    await waitForFile(path.join(dst.c, name), last, sizes.timeoutMs, `${tag}: C caught up`)
    await c.waitSynced(folder, { files: 1, bytes: data.bytes }, sizes.timeoutMs)
    const catchUpMs = performance.now() - start
    const [cpuA, cpuB] = await meter.stop()
    const catchUpCpu = { a: cpuA ?? null, b: cpuB ?? null, c: await cpuSeconds(c.pid) }
    await settleAll(devices, folder)
    const wire = await snapshot([c])
    const duAfter = await stateSizes(devices)
    const fromA = received(null, wire[0]!, a)
    const fromB = received(null, wire[0]!, b)
    log(`${tag}: C back in sync in ${formatMs(catchUpMs)} (${formatBytes(fromA.bytes)} from A, ${formatBytes(fromB.bytes)} from B)`)
    const restores = await restoreEach(c, folder, `/${name}`, path.join(dst.c, name), hashes, tag)
    const growth = { growth: growthOf(duBefore, duAfter), growthAllocated: growthOf(duBefore, duAfter, true) }
    return { fileBytes: data.bytes, edits: sizes.historyEdits, catchUpMs, catchUpCpu, fromA, fromB, ...growth, ...restores }
  } finally {
    await Promise.all(devices.map((d) => d.close()))
  }
}

// Restores each version C lists, oldest first, and compares the file's bytes with
// the hash recorded when that version was written on A (version k <-> hashes[k-1]).
async function restoreEach(c: Device, folder: string, file: string, onDisk: string, hashes: string[], tag: string) {
  if (c.listVersions === undefined || c.restoreVersion === undefined) {
    log(`${tag}: no history of edits made elsewhere: restorable n/a`)
    return { versionsListed: null, restorable: null, versions: [] }
  }
  const listed = (await c.listVersions(folder, file)).filter((v) => !v.deleted)
  const versions: RestoredVersion[] = []
  for (const [i, expected] of hashes.entries()) {
    const entry = listed[i]
    const start = performance.now()
    if (entry === undefined) {
      versions.push({ version: i + 1, expected, got: null, error: 'not listed', ms: 0 })
      continue
    }
    // Restores add versions; find this one's number again by what it is.
    const now = (await c.listVersions(folder, file)).find((v) => v.device === entry.device && v.time === entry.time && v.size === entry.size && !v.deleted)
    try {
      await c.restoreVersion(folder, file, now?.version ?? entry.version)
      let got = ''
      await pollUntil(`${tag}: version ${entry.version} restored`, RESTORE_TIMEOUT_MS, async () => (got = await hashFile(onDisk).catch(() => '')) === expected, 50).catch(() => undefined)
      versions.push({ version: entry.version, expected, got, ms: performance.now() - start })
    } catch (err) {
      versions.push({ version: entry.version, expected, got: null, error: err instanceof Error ? err.message : String(err), ms: performance.now() - start })
    }
    progress(`${tag}: version ${i + 1}/${hashes.length} restored on C`)
  }
  const restorable = versions.filter((v) => v.got === v.expected).length
  log(`${tag}: ${listed.length} versions listed on C; ${restorable} of ${hashes.length} restored with the right bytes`)
  return { versionsListed: listed.length, restorable, versions }
}
