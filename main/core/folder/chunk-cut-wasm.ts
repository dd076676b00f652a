// The gear hash's loop (chunkLength in chunk-cuts) as a WebAssembly function,
// for the cut thread: 0.38 s a GiB here against 0.81 s for the JavaScript
// loop, the same cuts. JavaScript checks each byte's index twice (the slab's
// and the gear table's) and cannot unroll by eight without that cost; this
// loop reads eight bytes past one bound check. The JavaScript loop stays the
// reference (and cuts small files on the main thread); a test holds the two
// to the same cuts on random bytes.
//
// Assembled here from its instructions, by hand: the function is one step of
// the hash written out in a dozen instructions, in two loops, and a
// WebAssembly toolchain would be a build step and a dependency for that.
import type { CutRules } from './chunk-cuts'

// Memory: the gear table (256 words) at 0, the slab's bytes from SLAB_AT.
const SLAB_AT = 1024
const FIRST_PAGES = 80 // a 4 MiB slab and the 256 KiB kept in front of it

export type GearScan = { cut(i: number, normal: number, last: number): number; memory: { buffer: ArrayBuffer; grow(pages: number): number } }
// What is used of WebAssembly's API, which this project's type libraries leave out.
type WasmApi = { Module: new (bytes: Uint8Array) => object; Instance: new (module: object) => { exports: unknown } }

// cut(i, normal, last): the hash runs from slab offset i with h = 0; before
// `normal` a cut needs (h & strict) === 0, from there to `last` (h & loose)
// === 0. Returns the offset just past the cut, or `last`.
export function gearModule(rules: Pick<CutRules, 'strict' | 'loose'>): Uint8Array {
  const [I, NORMAL, LAST, H] = [0, 1, 2, 3] // the parameters, then the one local
  // h = (h << 1) + gear[slab[i + k]]; if ((h & mask) === 0) return i + k + 1
  const step = (k: number, mask: number) => [
    ...[op.localGet, H, op.i32Const, 1, op.shl],
    ...[op.localGet, I, op.load8u, 0, ...uleb(SLAB_AT + k), op.i32Const, 2, op.shl, op.load, 2, 0],
    ...[op.add, op.localTee, H, op.i32Const, ...sleb(mask), op.and, op.eqz],
    ...[op.if, EMPTY, op.localGet, I, op.i32Const, k + 1, op.add, op.return, op.end]
  ]
  // while (i + width <= limit) { `width` steps; i += width }
  const loop = (width: number, limit: number, mask: number) => [
    ...[op.block, EMPTY, op.loop, EMPTY],
    ...[op.localGet, I, op.i32Const, width, op.add, op.localGet, limit, op.gtU, op.brIf, 1],
    ...Array.from({ length: width }, (_, k) => step(k, mask)).flat(),
    ...[op.localGet, I, op.i32Const, width, op.add, op.localSet, I, op.br, 0, op.end, op.end]
  ]
  const phase = (limit: number, mask: number) => [...loop(8, limit, mask), ...loop(1, limit, mask)]
  const body = [1, 1, I32, ...phase(NORMAL, rules.strict), ...phase(LAST, rules.loose), op.localGet, LAST, op.end]
  return new Uint8Array([
    ...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00], // "\0asm", version 1
    ...section(1, [1, 0x60, 3, I32, I32, I32, 1, I32]), // one type: (i32, i32, i32) -> i32
    ...section(3, [1, 0]), // one function, of that type
    ...section(5, [1, 0x00, ...uleb(FIRST_PAGES)]), // one memory, no maximum
    ...section(7, [2, ...name('cut'), 0x00, 0, ...name('memory'), 0x02, 0]),
    ...section(10, [1, ...uleb(body.length), ...body])
  ])
}

// The module made ready to cut: its gear table written into its memory.
// Runs in the cut thread from its source text: nothing but its arguments.
export function startGearScan(bytes: Uint8Array, gear: Uint32Array): GearScan {
  const wasm = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly
  const exports = new wasm.Instance(new wasm.Module(bytes)).exports as GearScan
  new Uint32Array(exports.memory.buffer, 0, gear.length).set(gear)
  return exports
}

// The lengths cutLengths gives for data[start, end), cut by `scan`.
// Runs in the cut thread from its source text: nothing but its arguments.
export function gearCutLengths(scan: GearScan, data: Uint8Array, start: number, end: number, ended: boolean, rules: CutRules): number[] {
  const at = 1024 // SLAB_AT
  const need = at + end - start
  if (need > scan.memory.buffer.byteLength) scan.memory.grow(Math.ceil((need - scan.memory.buffer.byteLength) / 65536)) // pages
  new Uint8Array(scan.memory.buffer).set(data.subarray(start, end), at)
  const lengths: number[] = []
  let from = 0 // slab offset of the next chunk
  const size = end - start
  while (size - from >= rules.max || (ended && from < size)) {
    const remaining = size - from
    const length = remaining <= rules.min ? remaining : scan.cut(from + rules.min, from + Math.min(remaining, rules.avg), from + Math.min(remaining, rules.max)) - from
    lengths.push(length)
    from += length
  }
  return lengths
}

const I32 = 0x7f
const EMPTY = 0x40 // a block that leaves nothing on the stack
const op = {
  block: 0x02,
  loop: 0x03,
  if: 0x04,
  end: 0x0b,
  br: 0x0c,
  brIf: 0x0d,
  return: 0x0f,
  localGet: 0x20,
  localSet: 0x21,
  localTee: 0x22,
  load: 0x28,
  load8u: 0x2d,
  i32Const: 0x41,
  eqz: 0x45,
  gtU: 0x4b,
  add: 0x6a,
  and: 0x71,
  shl: 0x74
}

function section(id: number, bytes: number[]): number[] {
  return [id, ...uleb(bytes.length), ...bytes]
}

function name(text: string): number[] {
  return [text.length, ...Buffer.from(text, 'ascii')]
}

function uleb(n: number): number[] {
  const out: number[] = []
  do {
    const low = n & 0x7f
    n >>>= 7
    out.push(n === 0 ? low : low | 0x80)
  } while (n !== 0)
  return out
}

function sleb(n: number): number[] {
  const out: number[] = []
  for (;;) {
    const low = n & 0x7f
    n >>= 7
    if ((n === 0 && (low & 0x40) === 0) || (n === -1 && (low & 0x40) !== 0)) return [...out, low]
    out.push(low | 0x80)
  }
}
