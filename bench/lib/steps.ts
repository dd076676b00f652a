// One measured step on running devices: everyone settled, then the product's
// wire counters and each device's state dir (du) before and after, around a
// step that returns its own time. Devices are named a, b, c in start order.
import type { Device } from '../products/product'
import { CpuMeter } from './cpu'
import { type DataSet, diskUsage, verifyTree } from './data'
import { sleep } from './time'
import { type WireBytes, received, snapshot } from './wire'

// Lets the last acknowledgements of a step land before the counters are read.
const SETTLE_MS = 300

export interface StepFigures {
  ms: number
  // A rename: when the new name held the bytes on B (ms waits for the old name to go too).
  arrivedMs?: number
  // 'a->b': what b counted in from a during the step.
  wire: Record<string, WireBytes>
  // du --apparent-size of each device's state dir after the step minus before. While a database
  // runs, its allocated blocks move in steps of its preallocation (64 MiB here), whatever was written.
  growth: Record<string, number>
  // The same in allocated blocks (plain du).
  growthAllocated: Record<string, number>
  // CPU seconds (user + system) of each device's processes during the step, by device letter.
  cpu: Record<string, number | null>
}

export function letter(i: number): string {
  return String.fromCharCode(97 + i)
}

export async function settleAll(devices: Device[], folder: string): Promise<void> {
  await Promise.all(devices.map((d) => d.settle(folder)))
  await sleep(SETTLE_MS)
}

export interface StateSizes {
  apparent: number[]
  allocated: number[]
}

export async function stateSizes(devices: Device[]): Promise<StateSizes> {
  const [apparent, allocated] = await Promise.all([true, false].map((a) => Promise.all(devices.map((d) => diskUsage(d.stateDir, a)))))
  return { apparent: apparent!, allocated: allocated! }
}

// After minus before, by device letter.
export function growthOf(before: StateSizes, after: StateSizes, allocated = false): Record<string, number> {
  const [then, now] = allocated ? [before.allocated, after.allocated] : [before.apparent, after.apparent]
  return Object.fromEntries(now.map((size, i) => [letter(i), size - then[i]!]))
}

export async function measureStep(devices: Device[], folder: string, step: () => Promise<number>): Promise<StepFigures> {
  await settleAll(devices, folder)
  const [wireBefore, duBefore] = await Promise.all([snapshot(devices), stateSizes(devices)])
  const meter = await CpuMeter.start(devices.map((d) => d.pid))
  const ms = await step()
  const cpu = byLetter(await meter.stop())
  await settleAll(devices, folder)
  const [wireAfter, duAfter] = await Promise.all([snapshot(devices), stateSizes(devices)])
  const wire: Record<string, WireBytes> = {}
  devices.forEach((to, j) =>
    devices.forEach((from, i) => {
      if (i !== j) wire[`${letter(i)}->${letter(j)}`] = received(wireBefore[j]!, wireAfter[j]!, from)
    })
  )
  return { ms, wire, growth: growthOf(duBefore, duAfter), growthAllocated: growthOf(duBefore, duAfter, true), cpu }
}

export function byLetter<T>(values: T[]): Record<string, T> {
  return Object.fromEntries(values.map((value, i) => [letter(i), value]))
}

// `owner` shares the data set; each receiver in turn takes it into its own dir and is verified.
export async function shareAndSync(owner: Device, receivers: { device: Device; dst: string }[], data: DataSet, folder: string, timeoutMs: number): Promise<void> {
  const expect = { files: data.files, bytes: data.bytes }
  await owner.share(data.root, folder, expect, timeoutMs)
  for (const [i, { device, dst }] of receivers.entries()) {
    // Offered by two devices, today's Hyperfold lists the folder with 0 files and 0 bytes: the name is enough then.
    await device.waitOffered(folder, i === 0 ? expect : null, timeoutMs)
    await device.syncFrom(folder, dst)
    await device.waitSynced(folder, expect, timeoutMs)
    await verifyTree(dst, data.manifest, `${folder} on a receiving device`)
  }
}
