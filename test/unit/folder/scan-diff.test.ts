import { describe, expect, test } from 'vitest'
import fc from 'fast-check'
import type { IndexRecord } from '../../../main/core/folder/local-index'
import { type ScanPair, scanDiff } from '../../../main/core/folder/scan-diff'
import type { ScanItem } from '../../../main/core/folder/scanner'

const file = (path: string): ScanItem => ({ path, type: 'file', size: 1, mtimeMs: 1, executable: false, ino: 1 })
const dir = (path: string): ScanItem => ({ path, type: 'directory', size: 0, mtimeMs: 1, executable: false, ino: 2 })
const unreadable = (path: string): ScanItem => ({ path, type: 'error', message: `${path}: cannot read it.` })
const record = (kind: IndexRecord['kind']): IndexRecord => ({ kind, size: 1, mtimeMs: 1, vv: { dev: 1 } })

// Both sides come in batches of `size` (the scanner's are a directory's, the index's what one read brought).
async function pairs(scan: ScanItem[], records: [string, IndexRecord][], size = [2, 3]): Promise<[string, string | null, string | null][]> {
  const out: ScanPair[] = []
  for await (const batch of scanDiff(inBatches(scan, size[0]!), inBatches(records, size[1]!))) out.push(...batch)
  return out.map((p) => [p.path, p.disk?.type ?? null, p.record?.kind ?? null])
}

async function* inBatches<T>(items: T[], size: number): AsyncGenerator<T[]> {
  for (let i = 0; i < items.length; i += size) yield items.slice(i, i + size)
}

describe('scanDiff(scan, records)', () => {
  test('pairs each path on disk with its record, and lists recorded paths no longer on disk', async () => {
    const scan = [dir('/a'), file('/a/new'), file('/b'), file('/d')]
    const records: [string, IndexRecord][] = [['/a', record('directory')], ['/a/gone', record('file')], ['/b', record('file')], ['/c', record('directory')], ['/e', record('file')]]
    expect(await pairs(scan, records)).toEqual([
      ['/a', 'directory', 'directory'],
      ['/a/gone', null, 'file'],
      ['/a/new', 'file', null],
      ['/b', 'file', 'file'],
      ['/c', null, 'directory'],
      ['/d', 'file', null],
      ['/e', null, 'file']
    ])
  })

  test('a deletion already recorded is not reported again', async () => {
    expect(await pairs([file('/b')], [['/a', record('deleted')], ['/b', record('file')], ['/c', record('deleted')]])).toEqual([['/b', 'file', 'file']])
  })

  test('what an unreadable directory holds is not taken for deleted, and the rest still is', async () => {
    const scan = [dir('/a'), unreadable('/a'), file('/b')]
    const records: [string, IndexRecord][] = [['/a', record('directory')], ['/a-x', record('file')], ['/a/in', record('file')], ['/a/sub/deep', record('file')], ['/b', record('file')], ['/c', record('file')]]
    expect(await pairs(scan, records)).toEqual([
      ['/a', 'directory', 'directory'],
      ['/a-x', null, 'file'],
      ['/b', 'file', 'file'],
      ['/c', null, 'file']
    ])
  })

  test('an unreadable file keeps its record', async () => {
    expect(await pairs([unreadable('/a'), file('/b')], [['/a', record('file')], ['/b', record('file')]])).toEqual([['/b', 'file', 'file']])
  })

  test('paths pair in UTF-8 byte order, where UTF-16 order would differ', async () => {
    const scan = [file('/\uFF5E'), file('/\u{1F600}')]
    const records: [string, IndexRecord][] = [['/\uFF5E', record('file')], ['/\u{1F600}', record('file')]]
    expect(await pairs(scan, records)).toEqual([
      ['/\uFF5E', 'file', 'file'],
      ['/\u{1F600}', 'file', 'file']
    ])
  })

  test('any paths pair as their UTF-8 bytes order them, each path once, whatever the batches', async () => {
    const name = fc.string({ unit: 'binary', minLength: 1, maxLength: 4 }).filter((n) => !n.includes('/') && n.isWellFormed())
    const entry = fc.tuple(name, fc.constantFrom('disk', 'record', 'both'))
    await fc.assert(
      fc.asyncProperty(fc.uniqueArray(entry, { selector: ([n]) => n, maxLength: 30 }), fc.tuple(fc.nat(7), fc.nat(7)), async (entries, [x, y]) => {
        const sorted = entries.map(([n, where]) => ({ path: `/${n}`, where })).sort((a, b) => Buffer.compare(Buffer.from(a.path), Buffer.from(b.path)))
        const scan = sorted.filter((e) => e.where !== 'record').map((e) => file(e.path))
        const records = sorted.filter((e) => e.where !== 'disk').map((e): [string, IndexRecord] => [e.path, record('file')])
        const expected = sorted.map((e) => [e.path, e.where === 'record' ? null : 'file', e.where === 'disk' ? null : 'file'])
        expect(await pairs(scan, records, [x + 1, y + 1])).toEqual(expected)
      }),
      { seed: 20261203, numRuns: 300 }
    )
  })
})
