// Scenarios 7-9 on one pair: a big file synced A -> B, then changed on A in
// ways that move few new bytes: 1 MiB overwritten in its middle, one byte put
// in front of it, the file renamed, then copied to a second path. Each step is
// timed until B's file holds the new bytes (polled, then hashed whole) and
// reports the bytes each product counted on its connections and how much each
// device's state dir grew.
import fs from 'fs/promises'
import path from 'path'
import type { Sizes } from './options'
import { KeyStream, makeBigFile } from './lib/data'
import { type Expected, expectSame, expectSplice, overwrite, prepend, waitForFile } from './lib/file-edits'
import { formatBytes, formatMs, log } from './lib/progress'
import { type StepFigures, measureStep, shareAndSync } from './lib/steps'
import { pollUntil } from './lib/time'
import type { Device, Product } from './products/product'

const FOLDER = 'delta'
const FILE = 'big.bin'
const MiB = 1 << 20

export interface DeltaSteps {
  edit: boolean
  insert: boolean
  renameCopy: boolean
}

export interface DeltaFigures {
  fileBytes: number
  edit?: StepFigures
  insert?: StepFigures
  rename?: StepFigures
  copy?: StepFigures
}

export async function delta(product: Product, work: string, sizes: Sizes, steps: DeltaSteps): Promise<DeltaFigures> {
  const src = path.join(work, 'src')
  const dst = path.join(work, 'dst')
  const data = await makeBigFile(src, FILE, sizes.deltaFileBytes, 'hyperfold-bench delta')
  const devices = await product.startPair(work)
  const [, b] = devices
  const tag = `${product.name} delta`
  const timeoutMs = sizes.timeoutMs
  try {
    await shareAndSync(devices[0], [{ device: b, dst }], data, FOLDER, timeoutMs)
    log(`${tag}: ${formatBytes(data.bytes)} synced A -> B and verified`)
    const figures: DeltaFigures = { fileBytes: data.bytes }
    // Each step's clock starts once A's file holds the change, and stops when B's does.
    const timed = (name: string, change: () => Promise<Expected>, onB: string, gone?: string) => {
      let arrivedMs = 0
      return measureStep(devices, FOLDER, async () => {
        const expect = await change()
        const start = performance.now()
        const at = await waitForFile(path.join(dst, onB), expect, timeoutMs, `${tag} ${name} on B`)
        arrivedMs = at - start
        const goneAt = gone === undefined ? at : await waitGone(path.join(dst, gone), timeoutMs, `${tag} ${name}: ${gone} gone from B`)
        return Math.max(at, goneAt) - start
      }).then((step) => (say(tag, name, step), gone === undefined ? step : { ...step, arrivedMs }))
    }

    let current = FILE
    if (steps.edit) {
      const bytes = new KeyStream('hyperfold-bench delta edit').next(MiB)
      const offset = Math.floor((data.bytes - MiB) / 2)
      figures.edit = await timed('1 MiB overwritten mid-file', async () => {
        const expect = await expectSplice(path.join(src, FILE), offset, bytes, false)
        await overwrite(path.join(src, FILE), offset, bytes)
        return expect
      }, FILE)
    }
    if (steps.insert) {
      const bytes = Buffer.from('*')
      figures.insert = await timed('1 byte inserted at the start', async () => {
        const expect = await expectSplice(path.join(src, FILE), 0, bytes, true)
        await prepend(path.join(src, FILE), bytes, work)
        return expect
      }, FILE)
    }
    if (steps.renameCopy) {
      figures.rename = await timed('renamed', async () => {
        const expect = await expectSame(path.join(src, current))
        await fs.rename(path.join(src, current), path.join(src, 'renamed.bin'))
        return expect
      }, 'renamed.bin', current)
      current = 'renamed.bin'
      figures.copy = await timed('copied to a second path', async () => {
        const expect = await expectSame(path.join(src, current))
        await fs.copyFile(path.join(src, current), path.join(src, 'copy.bin'))
        return expect
      }, 'copy.bin')
    }
    return figures
  } finally {
    await Promise.all(devices.map((d: Device) => d.close()))
  }
}

// When `file` was first seen missing (performance.now()).
async function waitGone(file: string, timeoutMs: number, what: string): Promise<number> {
  await pollUntil(what, timeoutMs, async () => (await fs.stat(file).catch(() => null)) === null, 10)
  return performance.now()
}

function say(tag: string, name: string, step: StepFigures): void {
  const growth = Object.entries(step.growth).map(([d, bytes]) => `${d.toUpperCase()} ${formatBytes(bytes)}`)
  log(`${tag}: ${name}: on B in ${formatMs(step.ms)}, ${formatBytes(step.wire['a->b']!.bytes)} A->B, state growth ${growth.join(', ')}`)
}
