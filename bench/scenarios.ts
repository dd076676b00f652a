// The scenarios 1-6, the same for every product (7-9: scenarios-delta.ts, 10-11: scenarios-trio.ts). Each starts fresh devices in
// its own scratch directory and deletes its data when it is done. Bytes are
// verified on arrival (tree hashes against the data set's manifest); a
// mismatch throws, so it ends the run with a failure instead of a figure.
import fs from 'fs/promises'
import path from 'path'
import { randomBytes } from 'crypto'
import type { Sizes } from './options'
import { type DataSet, diskUsage, makeBigFile, makeManyFiles, verifyTree } from './lib/data'
import { formatBytes, formatMs, log, progress } from './lib/progress'
import { CpuMeter } from './lib/cpu'
import { PeakRss, type RssMethod, currentRss } from './lib/rss'
import { max, median, pollUntil, sleep } from './lib/time'
import type { Device, Product, WaitReport } from './products/product'
import type { DeltaFigures } from './scenarios-delta'
import type { OfflineHistoryFigures, SwarmFigures } from './scenarios-trio'

const OFFER_MS = 120_000
const EDIT_POLL_MS = 10
const EDIT_TIMEOUT_MS = 120_000
const EDIT_PAUSE_MS = 300
// How long a synced pair is left alone before its idle RSS is read: past a
// node's second idle collection (main/core/idle-collector.ts), as a user's
// task manager sees a node that has been quiet for a while.
const IDLE_MS = 45_000

export interface SyncFigures {
  files: number
  bytes: number
  shareMs: number
  syncMs: number
  verifyMs: number
  // Times `status --wait-synced` (or its equivalent) said "in sync" before the files were all there.
  earlyReturns: number
  // CPU seconds (user + system, the device's processes): A during its share; A and B during the sync.
  shareCpuA: number | null
  syncCpuA: number | null
  syncCpuB: number | null
}

export interface ManyFilesFigures extends SyncFigures {
  peakRssA: number
  peakRssB: number
  rssMethod: RssMethod
  // RSS of each device once synced and left idle for IDLE_MS: a node holding the shared folder.
  idleRssA: number | null
  idleRssB: number | null
  // du of the folder and of each device's data dir once the devices have stopped
  // (after scenario 3's edits when it ran: their history is a few hundred KiB).
  folderOnDisk: number
  stateDirA: number
  stateDirB: number
  stateDirRunningA: number
  stateDirRunningB: number
  afterEdits: boolean
}

export interface EditFigures {
  samplesMs: number[]
  medianMs: number
  maxMs: number
}

export interface JoinFigures {
  samplesMs: number[]
  medianMs: number
  maxMs: number
}

export interface RescanFigures {
  files: number
  bytes: number
  shareMs: number
  sharePeakRss: number
  rescanMs: number
  rescanPeakRss: number
  rssMethod: RssMethod
  // CPU seconds of the device's processes during each.
  shareCpu: number | null
  rescanCpu: number | null
}

export interface ProductFigures {
  bigFile?: SyncFigures
  manyFiles?: ManyFilesFigures
  edit?: EditFigures
  join?: JoinFigures
  rescan?: RescanFigures
  // Scenarios 7-9 (one pair), 10 and 11.
  delta?: DeltaFigures
  swarm?: SwarmFigures
  offlineHistory?: OfflineHistoryFigures
}

async function startPair(product: Product, work: string): Promise<[Device, Device]> {
  const start = performance.now()
  const devices = await product.startPair(work)
  log(`${product.name}: two fresh devices started and connected in ${formatMs(performance.now() - start)}`)
  return devices
}

// Scenario 1 and 2 share this: A shares the data set, B syncs it, B's tree is verified.
async function syncOnce(
  product: Product,
  devices: [Device, Device],
  data: DataSet,
  work: string,
  sizes: Sizes,
  name: string
): Promise<SyncFigures & { dst: string }> {
  const [a, b] = devices
  const expect = { files: data.files, bytes: data.bytes }
  const tag = `${product.name} ${name}`
  let cpu = await CpuMeter.start([a.pid])
  let start = performance.now()
  await a.share(data.root, name, expect, sizes.timeoutMs)
  const shareMs = performance.now() - start
  const [shareCpuA] = (await cpu.stop()) as [number | null]
  log(`${tag}: shared on A in ${formatMs(shareMs)} (${formatCpu(shareCpuA)} CPU)`)
  await b.waitOffered(name, expect, OFFER_MS)
  const dst = path.join(work, 'dst')
  cpu = await CpuMeter.start([a.pid, b.pid])
  start = performance.now()
  const stopProgress = reportProgress(tag, b, name, start, data.files === 1 ? dst : null)
  let report: WaitReport
  try {
    await b.syncFrom(name, dst)
    report = await b.waitSynced(name, expect, sizes.timeoutMs)
  } finally {
    stopProgress()
  }
  const syncMs = performance.now() - start
  const [syncCpuA, syncCpuB] = (await cpu.stop()) as [number | null, number | null]
  log(`${tag}: synced to B in ${formatMs(syncMs)} (${rate(data.bytes, syncMs)}; CPU A ${formatCpu(syncCpuA)}, B ${formatCpu(syncCpuB)}); verifying`)
  start = performance.now()
  await verifyTree(dst, data.manifest, `${tag} on B`)
  const verifyMs = performance.now() - start
  const cpuFigures = { shareCpuA, syncCpuA, syncCpuB }
  return { files: data.files, bytes: data.bytes, shareMs, syncMs, verifyMs, earlyReturns: report.earlyReturns, ...cpuFigures, dst }
}

export async function bigFile(product: Product, work: string, sizes: Sizes): Promise<SyncFigures> {
  const data = await makeBigFile(path.join(work, 'src'), 'big.bin', sizes.bigFileBytes, 'hyperfold-bench big-file')
  const devices = await startPair(product, work)
  try {
    const figures: SyncFigures & { dst?: string } = await syncOnce(product, devices, data, work, sizes, 'big-file')
    delete figures.dst
    return figures
  } finally {
    await Promise.all(devices.map((d) => d.close()))
  }
}

// Scenarios 2, 4 and (on the same devices, once 2 is verified) 3.
export async function manyFiles(
  product: Product,
  work: string,
  sizes: Sizes,
  withEdits: boolean
): Promise<{ many: ManyFilesFigures; edit?: EditFigures }> {
  const data = await makeManyFiles(path.join(work, 'src'), sizes.manyFiles, sizes.manyDirs, sizes.manyFileBytes, 'hyperfold-bench many-files')
  const devices = await startPair(product, work)
  const [a, b] = devices
  try {
    const rss = await Promise.all([PeakRss.start(a.pid), PeakRss.start(b.pid)])
    const { dst, ...figures } = await syncOnce(product, devices, data, work, sizes, 'many-files')
    const [peakRssA, peakRssB] = (await Promise.all(rss.map((r) => r.stop()))) as [number, number]
    const du = () => Promise.all([diskUsage(a.stateDir), diskUsage(b.stateDir)])
    const folderOnDisk = await diskUsage(data.root)
    const [runningA, runningB] = await du()
    await Promise.all([a.settle('many-files'), b.settle('many-files')])
    await sleep(IDLE_MS)
    const [idleRssA, idleRssB] = await Promise.all([currentRss(a.pid), currentRss(b.pid)])
    log(
      `${product.name} many-files: peak RSS A ${formatBytes(peakRssA)}, B ${formatBytes(peakRssB)}; ` +
        `idle RSS A ${formatBytes(idleRssA ?? 0)}, B ${formatBytes(idleRssB ?? 0)}`
    )
    const edit = withEdits ? await edits(product, devices, data.root, dst, sizes) : undefined
    // On disk once the devices have stopped (a running RocksDB holds its log preallocated).
    await Promise.all(devices.map((d) => d.close()))
    const [stateDirA, stateDirB] = await du()
    log(
      `${product.name} many-files: data dir A ${formatBytes(stateDirA)}, B ${formatBytes(stateDirB)} after stopping ` +
        `(${formatBytes(runningA)}, ${formatBytes(runningB)} while running) for a ${formatBytes(folderOnDisk)} folder`
    )
    const disk = { folderOnDisk, stateDirA, stateDirB, stateDirRunningA: runningA, stateDirRunningB: runningB, afterEdits: withEdits }
    return { many: { ...figures, peakRssA, peakRssB, rssMethod: rss[0]!.how, idleRssA, idleRssB, ...disk }, edit }
  } finally {
    await Promise.all(devices.map((d) => d.close()))
  }
}

// Scenario 3: a one-line edit of a text file on B, until A's copy has those bytes.
// A's file is read every 10 ms (polling, not fs.watch: it sees the bytes, not an event).
async function edits(product: Product, [a, b]: [Device, Device], rootA: string, rootB: string, sizes: Sizes): Promise<EditFigures> {
  const fileA = path.join(rootA, 'edit.txt')
  const fileB = path.join(rootB, 'edit.txt')
  const lines = Array.from({ length: sizes.editLines }, (_, i) => `line ${i}: the quick brown fox jumps over the lazy dog`)
  await fs.writeFile(fileA, lines.join('\n') + '\n')
  await waitContent(fileB, lines.join('\n') + '\n', 'edit.txt to reach B first')
  await Promise.all([a.settle('many-files'), b.settle('many-files')])
  const samplesMs: number[] = []
  for (let i = 0; i < sizes.edits; i++) {
    const line = (i * 37) % lines.length
    lines[line] = `line ${line}: edited ${i} on B ${randomBytes(4).toString('hex')}`
    const content = lines.join('\n') + '\n'
    const start = performance.now()
    await fs.writeFile(fileB, content)
    await waitContent(fileA, content, `edit ${i + 1} to reach A`)
    samplesMs.push(performance.now() - start)
    progress(`${product.name} edit ${i + 1}/${sizes.edits}: ${formatMs(samplesMs.at(-1)!)}`)
    await Promise.all([a.settle('many-files'), b.settle('many-files')])
    await sleep(EDIT_PAUSE_MS)
  }
  log(`${product.name} edits: median ${formatMs(median(samplesMs))}, max ${formatMs(max(samplesMs))}`)
  return { samplesMs, medianMs: median(samplesMs), maxMs: max(samplesMs) }
}

async function waitContent(file: string, content: string, what: string): Promise<void> {
  await pollUntil(what, EDIT_TIMEOUT_MS, async () => (await fs.readFile(file, 'utf8').catch(() => null)) === content, EDIT_POLL_MS)
}

// Scenario 5: fresh devices each time.
export async function joins(product: Product, work: string, sizes: Sizes): Promise<JoinFigures> {
  const samplesMs: number[] = []
  for (let i = 0; i < sizes.joins; i++) {
    const dir = path.join(work, `join-${i}`)
    samplesMs.push(await product.timeJoin(dir))
    await fs.rm(dir, { recursive: true, force: true })
    progress(`${product.name} join ${i + 1}/${sizes.joins}: ${formatMs(samplesMs.at(-1)!)}`)
  }
  log(`${product.name} joins: median ${formatMs(median(samplesMs))}, max ${formatMs(max(samplesMs))}`)
  return { samplesMs, medianMs: median(samplesMs), maxMs: max(samplesMs) }
}

// Scenario 6: one device; the first share of a folder of many small files, then a rescan of it unchanged.
export async function rescan(product: Product, work: string, sizes: Sizes): Promise<RescanFigures> {
  const files = sizes.hugeFiles!
  const data = await makeManyFiles(path.join(work, 'src'), files, sizes.hugeDirs, sizes.hugeFileBytes, 'hyperfold-bench rescan')
  log(`${product.name} rescan: made ${files} files (${formatBytes(data.bytes)})`)
  const device = await product.startDevice(work)
  try {
    const expect = { files: data.files, bytes: data.bytes }
    let rss = await PeakRss.start(device.pid)
    let cpu = await CpuMeter.start([device.pid])
    let start = performance.now()
    await device.share(data.root, 'rescan', expect, sizes.timeoutMs)
    const shareMs = performance.now() - start
    const [shareCpu] = (await cpu.stop()) as [number | null]
    const sharePeakRss = await rss.stop()
    log(`${product.name} rescan: first share of ${files} files in ${formatMs(shareMs)}, peak RSS ${formatBytes(sharePeakRss)}`)
    await sleep(1_000)
    rss = await PeakRss.start(device.pid)
    cpu = await CpuMeter.start([device.pid])
    start = performance.now()
    await device.rescan('rescan')
    const rescanMs = performance.now() - start
    const [rescanCpu] = (await cpu.stop()) as [number | null]
    const rescanPeakRss = await rss.stop()
    log(`${product.name} rescan: unchanged folder rescanned in ${formatMs(rescanMs)}, peak RSS ${formatBytes(rescanPeakRss)}`)
    return { files, bytes: data.bytes, shareMs, sharePeakRss, rescanMs, rescanPeakRss, rssMethod: rss.how, shareCpu, rescanCpu }
  } finally {
    await device.close()
  }
}

// A progress line every second while B syncs (Hyperfold's `sync` answers only once its first pull
// is done). For one big file, whose progress the products count only when it is whole, B's disk too.
function reportProgress(tag: string, b: Device, name: string, start: number, diskDir: string | null): () => void {
  let busy = false
  const timer = setInterval(() => {
    if (busy) return // the product is slow to answer: no pile of requests
    busy = true
    const onDisk = diskDir === null ? Promise.resolve(null) : diskUsage(diskDir).catch(() => 0)
    void Promise.all([b.progress(name), onDisk])
      .then(([p, disk]) => {
        const ms = performance.now() - start
        const diskText = disk === null ? '' : `, ${formatBytes(disk)} on B's disk`
        progress(`${tag}: ${formatBytes(p.bytesDone)} of ${formatBytes(p.bytesTotal)} done on B after ${formatMs(ms)} (${rate(p.bytesDone, ms)})${diskText}`)
      })
      .catch(() => undefined) // the folder may not exist on B yet
      .finally(() => (busy = false))
  }, 1_000)
  return () => clearInterval(timer)
}

export function formatCpu(seconds: number | null): string {
  return seconds === null ? '?' : `${seconds.toFixed(2)} s`
}

export function rate(bytes: number, ms: number): string {
  return `${formatBytes(ms > 0 ? (bytes / ms) * 1000 : 0)}/s`
}
