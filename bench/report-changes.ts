// The table's rows for scenarios 7-11 (changes that move few bytes, a third
// device, history across an offline device), each beside the target.
import type { Sizes } from './options'
import type { Row, Target } from './report'
import type { ProductFigures } from './scenarios'
import type { StepFigures } from './lib/steps'
import { formatBytes } from './lib/progress'
import { cpuText } from './lib/cpu'

const MiB = 1 << 20

type Step = 'edit' | 'insert' | 'rename' | 'copy'

export function changeRows(sizes: Sizes): Row[] {
  const file = formatBytes(sizes.deltaFileBytes)
  const s7 = `7 1 MiB overwritten mid-file (${file})`
  const s8 = `8 1 byte inserted at its start`
  const s9 = `9 file renamed, then copied`
  const s10 = `10 C takes a ${file} file`
  const s11 = `11 ${sizes.historyEdits} edits of a ${formatBytes(sizes.historyFileBytes)} file, C offline`
  const sooner: Target = { text: 'sooner than syncthing', met: (h, s) => compare(h.delta?.edit?.ms, s?.delta?.edit?.ms, (a, b) => a < b) }
  const quarter = (step: Step): Target => ({
    text: '< 1/4 of syncthing',
    met: (h, s) => compare(h.delta?.[step]?.ms, s?.delta?.[step]?.ms, (a, b) => a < b / 4)
  })
  const both = (f: ProductFigures) => f.swarm
  const history = (f: ProductFigures) => f.offlineHistory
  return [
    timeRow(s7, 'edit', sooner),
    cpuRow(s7, 'edit'),
    wireRow(s7, 'edit', atMost(2 * MiB, (f) => f.delta?.edit?.wire['a->b']?.bytes)),
    ...growthRows(s7, 'edit', 2 * MiB),
    timeRow(s8, 'insert'),
    cpuRow(s8, 'insert'),
    wireRow(s8, 'insert', atMost(4 * MiB, (f) => f.delta?.insert?.wire['a->b']?.bytes)),
    ...growthRows(s8, 'insert'),
    {
      scenario: s9,
      figure: 'rename: new name on B',
      kind: 'ms',
      value: (f) => f.delta?.rename?.arrivedMs,
      target: { text: '< 1/4 of syncthing', met: (h, s) => compare(h.delta?.rename?.arrivedMs, s?.delta?.rename?.arrivedMs, (a, b) => a < b / 4) }
    },
    { ...timeRow(s9, 'rename'), figure: 'rename: old name gone on B too' },
    cpuRow(s9, 'rename'),
    wireRow(s9, 'rename', atMost(MiB, (f) => f.delta?.rename?.wire['a->b']?.bytes)),
    ...growthRows(s9, 'rename'),
    timeRow(s9, 'copy', quarter('copy')),
    cpuRow(s9, 'copy'),
    wireRow(s9, 'copy', atMost(MiB, (f) => f.delta?.copy?.wire['a->b']?.bytes)),
    ...growthRows(s9, 'copy'),
    {
      scenario: s10,
      figure: 'from A and B: sync -> in sync',
      kind: 'ms',
      value: (f) => both(f)?.fromBothMs,
      target: { text: 'faster than from A alone', met: (h) => compare(both(h)?.fromBothMs, both(h)?.aloneMs, (a, b) => a < b) }
    },
    { scenario: s10, figure: 'from A and B: CPU', kind: 'text', value: (f) => cpuText(both(f)?.fromBothCpu) },
    { scenario: s10, figure: 'from A and B: bytes from A', kind: 'bytes', value: (f) => both(f)?.fromA.bytes },
    {
      scenario: s10,
      figure: 'from A and B: bytes from B',
      kind: 'bytes',
      value: (f) => both(f)?.fromB.bytes,
      // "Receives from both": each sent at least a tenth of the file, more than keepalives and indexes.
      target: { text: 'C receives from both', met: (h) => (both(h) === undefined ? undefined : receivesFromBoth(h)) }
    },
    { scenario: s10, figure: 'from A alone: sync -> in sync', kind: 'ms', value: (f) => both(f)?.aloneMs },
    { scenario: s10, figure: 'from A alone: CPU (A, C as B)', kind: 'text', value: (f) => cpuText(both(f)?.aloneCpu) },
    { scenario: s10, figure: 'from A alone: bytes from A', kind: 'bytes', value: (f) => both(f)?.aloneFromA.bytes },
    { scenario: s11, figure: 'C restarted -> in sync', kind: 'ms', value: (f) => history(f)?.catchUpMs },
    { scenario: s11, figure: 'CPU (C: its new process)', kind: 'text', value: (f) => cpuText(history(f)?.catchUpCpu) },
    { scenario: s11, figure: 'C received from A', kind: 'bytes', value: (f) => history(f)?.fromA.bytes },
    { scenario: s11, figure: 'C received from B', kind: 'bytes', value: (f) => history(f)?.fromB.bytes },
    {
      scenario: s11,
      figure: 'versions restorable on C',
      kind: 'text',
      value: (f) => {
        const h = history(f)
        if (h === undefined) return undefined
        return h.restorable === null ? 'n/a' : `${h.restorable} of ${h.edits + 1}`
      },
      target: { text: 'every version', met: (h) => (history(h)?.restorable == null ? undefined : history(h)!.restorable === history(h)!.edits + 1) }
    },
    ...['a', 'b', 'c'].map(
      (d): Row => ({
        scenario: s11,
        figure: `state growth ${d.toUpperCase()} (apparent)`,
        kind: 'bytes',
        value: (f) => history(f)?.growth[d],
        target: atMost(12 * MiB, (f) => history(f)?.growth[d])
      })
    )
  ]
}

function step(f: ProductFigures, name: Step): StepFigures | undefined {
  return f.delta?.[name]
}

function timeRow(scenario: string, name: Step, target?: Target): Row {
  return { scenario, figure: `${name}: on B`, kind: 'ms', value: (f) => step(f, name)?.ms, target }
}

function cpuRow(scenario: string, name: Step): Row {
  return { scenario, figure: `${name}: CPU`, kind: 'text', value: (f) => cpuText(step(f, name)?.cpu) }
}

function wireRow(scenario: string, name: Step, target: Target): Row {
  return { scenario, figure: `${name}: wire A->B`, kind: 'bytes', value: (f) => step(f, name)?.wire['a->b']?.bytes, target }
}

function growthRows(scenario: string, name: Step, limit?: number): Row[] {
  return ['a', 'b'].map((d) => ({
    scenario,
    figure: `${name}: state growth ${d.toUpperCase()} (apparent)`,
    kind: 'bytes',
    value: (f: ProductFigures) => step(f, name)?.growth[d],
    target: limit === undefined ? undefined : atMost(limit, (f) => step(f, name)?.growth[d])
  }))
}

function atMost(limit: number, figure: (f: ProductFigures) => number | undefined): Target {
  return { text: `<= ${formatBytes(limit)}`, met: (h) => compare(figure(h), limit, (a, b) => a <= b) }
}

function receivesFromBoth(h: ProductFigures): boolean {
  const s = h.swarm!
  return s.fromA.bytes >= s.fileBytes / 10 && s.fromB.bytes >= s.fileBytes / 10
}

function compare(a: number | undefined, b: number | undefined, test: (a: number, b: number) => boolean): boolean | undefined {
  return a === undefined || b === undefined ? undefined : test(a, b)
}
