// The table on stdout: one row per figure, a column per product, their ratio,
// and the physical limits (cp -r, loopback TCP) where they apply.
import type { Sizes } from './options'
import type { BaselineResult } from './baselines'
import type { ProductFigures } from './scenarios'
import { changeRows } from './report-changes'
import { formatBytes, formatMs } from './lib/progress'

export interface Baselines {
  bigFile?: BaselineResult
  manyFiles?: BaselineResult
}

// cpu: CPU seconds (user + system) of a device's processes.
export type Kind = 'ms' | 'bytes' | 'ratio' | 'text' | 'cpu'

export interface Row {
  scenario: string
  figure: string
  kind: Kind
  value(f: ProductFigures): number | string | undefined
  cp?: number
  tcp?: number
  // The target for Hyperfold, and whether the figures meet it (undefined: cannot tell).
  target?: Target
  // Shown instead of values when the scenario did not run.
  skipped?: string
}

export interface Target {
  text: string
  met?(hf: ProductFigures, st: ProductFigures | undefined): boolean | undefined
}

const HEADERS = ['#', 'scenario', 'figure', 'hyperfold', 'syncthing', 'hf/st', 'cp -r', 'tcp loopback', 'target']

// `skipped`: scenario name -> why it did not run.
export function buildTable(results: Record<string, ProductFigures>, baselines: Baselines, sizes: Sizes, skipped: Map<string, string>): string {
  const rows = tableRows(baselines, sizes, skipped)
  const hf = results.hyperfold ?? {}
  const st = results.syncthing
  const lines = rows.map((row) => {
    const h = row.value(hf)
    const s = st === undefined ? undefined : row.value(st)
    const [num, ...label] = row.scenario.split(' ')
    return [
      num!,
      label.join(' '),
      row.figure,
      row.skipped ?? show(h, row.kind),
      st === undefined ? '-' : (row.skipped ?? show(s, row.kind)),
      typeof h === 'number' && typeof s === 'number' && s > 0 ? `${(h / s).toFixed(2)}x` : '-',
      show(row.cp, row.kind),
      show(row.tcp, row.kind),
      row.target === undefined ? '' : row.skipped !== undefined ? row.target.text : verdict(row.target, hf, st)
    ]
  })
  return align([HEADERS, ...lines])
}

function tableRows(baselines: Baselines, sizes: Sizes, skipped: Map<string, string>): Row[] {
  const big = `1 ${formatBytes(sizes.bigFileBytes)} file A->B`
  const many = `2 ${sizes.manyFiles} files x ${formatBytes(sizes.manyFileBytes)} A->B`
  const huge = `6 ${sizes.hugeFiles ?? 100_000} files unchanged`
  const rows: Row[] = [
    { scenario: big, figure: 'sync -> wait-synced', kind: 'ms', value: (f) => f.bigFile?.syncMs, cp: baselines.bigFile?.cpMs, tcp: baselines.bigFile?.tcpMs },
    { scenario: big, figure: 'CPU during sync, A', kind: 'cpu', value: (f) => f.bigFile?.syncCpuA ?? undefined },
    { scenario: big, figure: 'CPU during sync, B', kind: 'cpu', value: (f) => f.bigFile?.syncCpuB ?? undefined },
    { scenario: big, figure: 'share (index on A)', kind: 'ms', value: (f) => f.bigFile?.shareMs },
    { scenario: big, figure: 'CPU during share, A', kind: 'cpu', value: (f) => f.bigFile?.shareCpuA ?? undefined },
    { scenario: many, figure: 'sync -> wait-synced', kind: 'ms', value: (f) => f.manyFiles?.syncMs, cp: baselines.manyFiles?.cpMs, tcp: baselines.manyFiles?.tcpMs },
    { scenario: many, figure: 'CPU during sync, A', kind: 'cpu', value: (f) => f.manyFiles?.syncCpuA ?? undefined },
    { scenario: many, figure: 'CPU during sync, B', kind: 'cpu', value: (f) => f.manyFiles?.syncCpuB ?? undefined },
    { scenario: many, figure: 'share (index on A)', kind: 'ms', value: (f) => f.manyFiles?.shareMs },
    { scenario: many, figure: 'CPU during share, A', kind: 'cpu', value: (f) => f.manyFiles?.shareCpuA ?? undefined },
    { scenario: `3 one-line edit B->A disk`, figure: `median of ${sizes.edits}`, kind: 'ms', value: (f) => f.edit?.medianMs },
    { scenario: `3 one-line edit B->A disk`, figure: `max of ${sizes.edits}`, kind: 'ms', value: (f) => f.edit?.maxMs },
    { scenario: '4 memory and disk in (2)', figure: 'peak RSS A', kind: 'bytes', value: (f) => f.manyFiles?.peakRssA },
    { scenario: '4 memory and disk in (2)', figure: 'peak RSS B', kind: 'bytes', value: (f) => f.manyFiles?.peakRssB },
    { scenario: '4 memory and disk in (2)', figure: 'idle RSS A, synced', kind: 'bytes', value: (f) => f.manyFiles?.idleRssA ?? undefined },
    { scenario: '4 memory and disk in (2)', figure: 'idle RSS B, synced', kind: 'bytes', value: (f) => f.manyFiles?.idleRssB ?? undefined },
    { scenario: '4 memory and disk in (2)', figure: 'data dir A / folder, stopped', kind: 'ratio', value: (f) => ratio(f.manyFiles?.stateDirA, f.manyFiles?.folderOnDisk) },
    { scenario: '4 memory and disk in (2)', figure: 'data dir B / folder, stopped', kind: 'ratio', value: (f) => ratio(f.manyFiles?.stateDirB, f.manyFiles?.folderOnDisk) },
    { scenario: '5 join -> peer listed', figure: `median of ${sizes.joins}`, kind: 'ms', value: (f) => f.join?.medianMs },
    { scenario: huge, figure: 'first share', kind: 'ms', value: (f) => f.rescan?.shareMs },
    { scenario: huge, figure: 'first share CPU', kind: 'cpu', value: (f) => f.rescan?.shareCpu ?? undefined },
    { scenario: huge, figure: 'first share peak RSS', kind: 'bytes', value: (f) => f.rescan?.sharePeakRss },
    { scenario: huge, figure: 'rescan', kind: 'ms', value: (f) => f.rescan?.rescanMs },
    { scenario: huge, figure: 'rescan CPU', kind: 'cpu', value: (f) => f.rescan?.rescanCpu ?? undefined },
    { scenario: huge, figure: 'rescan peak RSS', kind: 'bytes', value: (f) => f.rescan?.rescanPeakRss },
    ...changeRows(sizes)
  ]
  const key = (row: Row) => Number(row.scenario.split(' ')[0])
  const skipOf = new Map([
    [1, 'big-file'],
    [2, 'many-files'],
    [3, 'edit'],
    [4, 'many-files'],
    [5, 'join'],
    [6, 'rescan'],
    [7, 'delta-edit'],
    [8, 'delta-insert'],
    [9, 'rename-copy'],
    [10, 'swarm'],
    [11, 'offline-history']
  ])
  return rows.map((row) => {
    const why = skipped.get(skipOf.get(key(row))!)
    return why === undefined ? row : { ...row, skipped: why }
  })
}

function ratio(a: number | undefined, b: number | undefined): number | undefined {
  return a === undefined || b === undefined || b === 0 ? undefined : a / b
}

function verdict(target: Target, hf: ProductFigures, st: ProductFigures | undefined): string {
  const met = target.met?.(hf, st)
  return met === undefined ? target.text : `${target.text}: ${met ? 'met' : 'missed'}`
}

function show(value: number | string | undefined, kind: Kind): string {
  if (value === undefined) return '-'
  if (typeof value === 'string') return value
  if (kind === 'ms') return formatMs(value)
  if (kind === 'bytes') return formatBytes(value)
  if (kind === 'cpu') return `${value.toFixed(2)} s`
  return `${value.toFixed(2)}x`
}

function align(cells: string[][]): string {
  const widths = cells[0]!.map((_, i) => Math.max(...cells.map((line) => line[i]!.length)))
  const render = (line: string[]) => line.map((text, i) => text.padEnd(widths[i]!)).join('  ').trimEnd()
  return [render(cells[0]!), widths.map((w) => '-'.repeat(w)).join('  '), ...cells.slice(1).map(render)].join('\n')
}
