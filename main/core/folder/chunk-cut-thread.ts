// A thread that finds where a big file's chunks end, so that the gear hash
// (the cut: 0.4 s a GiB here in WebAssembly, see chunk-cut-wasm) runs beside
// the main thread's hashing and copying instead of before them.
//
// One thread for the process, started by the first big file and stopped a
// few seconds after the last: an idle node keeps no thread and its memory.
// A slab's memory is handed over to the thread and back, not copied; not
// shared either, since copying out of a SharedArrayBuffer cost the main
// thread as much as the hashing.
//
// The thread runs its functions from their source text rather than from a
// file of its own: the CLI bundle, the desktop bundle and the tests
// (TypeScript run from source) would each need that file at a place of their
// own. They use nothing but their arguments, so their text runs anywhere.
import { Worker } from 'worker_threads'
import { HyperfoldError } from '../../../contract/errors'
import { CUT_RULES, cutLengths } from './chunk-cuts'
import { gearCutLengths, gearModule, startGearScan } from './chunk-cut-wasm'

const LINGER_MS = 5_000

const SOURCE = `
const { parentPort, workerData } = require('worker_threads')
const { rules, wasm } = workerData
const gearCutLengths = (${gearCutLengths.toString()})
const scan = (${startGearScan.toString()})(wasm, rules.gear)
parentPort.on('message', ({ id, buffer, start, end, ended }) => {
  const lengths = gearCutLengths(scan, new Uint8Array(buffer), start, end, ended, rules)
  parentPort.postMessage({ id, buffer, lengths }, [buffer])
})
`

export type SlabCut = { slab: Buffer; lengths: number[] }
type Reply = { id: number; buffer: ArrayBuffer; lengths: number[] }
type Waiting = { resolve: (cut: SlabCut) => void; reject: (err: Error) => void }

class CutThread {
  private worker: Worker | null = null
  private readonly waiting = new Map<number, Waiting>()
  private nextId = 0
  private users = 0
  private linger: NodeJS.Timeout | null = null

  acquire(): void {
    this.users++
    if (this.linger !== null) clearTimeout(this.linger)
    this.linger = null
  }

  release(): void {
    if (--this.users > 0) return
    this.linger = setTimeout(() => this.stop(), LINGER_MS)
    this.linger.unref()
  }

  // The lengths cutLengths gives for slab[start, end), and the slab back: the
  // Buffer passed in is left empty, its memory is in the one returned. Made
  // here when the slab shares its memory (Buffer's pool) or no thread starts.
  cut(slab: Buffer, start: number, end: number, ended: boolean): Promise<SlabCut> {
    const worker = slab.byteOffset === 0 && slab.length === slab.buffer.byteLength ? this.started() : null
    if (worker === null) return Promise.resolve({ slab, lengths: cutLengths(slab, start, end, ended, CUT_RULES) })
    return new Promise((resolve, reject) => {
      const id = this.nextId++
      this.waiting.set(id, { resolve, reject })
      if (this.waiting.size === 1) worker.ref()
      worker.postMessage({ id, buffer: slab.buffer, start, end, ended }, [slab.buffer as ArrayBuffer])
    })
  }

  private started(): Worker | null {
    if (this.worker !== null) return this.worker
    try {
      const worker = new Worker(SOURCE, { eval: true, workerData: { rules: CUT_RULES, wasm: gearModule(CUT_RULES) } })
      worker.unref()
      worker.on('message', (reply: Reply) => this.answer(reply))
      worker.on('error', (err) => this.fail(worker, err))
      worker.on('exit', () => this.fail(worker, new Error('it stopped')))
      this.worker = worker
    } catch {
      return null
    }
    return this.worker
  }

  private answer({ id, buffer, lengths }: Reply): void {
    const request = this.waiting.get(id)
    if (request === undefined) return
    this.waiting.delete(id)
    if (this.waiting.size === 0) this.worker?.unref()
    request.resolve({ slab: Buffer.from(buffer), lengths })
  }

  // The slabs it held went with it: their files fail this time (the next
  // scan reads them again), and the next big file starts another thread.
  private fail(worker: Worker, err: Error): void {
    if (this.worker !== worker) return
    this.worker = null
    const waiting = [...this.waiting.values()]
    this.waiting.clear()
    for (const w of waiting) w.reject(new HyperfoldError('INTERNAL', `The thread that cuts files into chunks failed: ${err.message}`))
  }

  private stop(): void {
    this.linger = null
    const worker = this.worker
    if (worker === null || this.users > 0) return
    this.worker = null
    void worker.terminate()
  }
}

const thread = new CutThread()

// The process's cut thread, held until release().
export function useCutThread(): { cut: CutThread['cut']; release: () => void } {
  thread.acquire()
  return { cut: (slab, start, end, ended) => thread.cut(slab, start, end, ended), release: () => thread.release() }
}
