import { describe, test, expect } from 'vitest'
import { conflictCopyName, isConflictCopy, isCopyOf, parseConflictCopy } from '../../../main/core/folder/conflict-name'
import { parseFolderPath } from '../../../main/core/folder/folder-path'

const DATE = new Date('2024-03-05T07:08:09.999Z')
const DEVICE = 'ybndrfg8ejkmcpqx'

describe('conflictCopyName(folderPath, date, deviceId)', () => {
  test.each([
    ['/docs/report.pdf', '/docs/report.sync-conflict-20240305-070809-ybndrfg8ejkmcpqx.pdf'],
    ['/archive.tar.gz', '/archive.tar.sync-conflict-20240305-070809-ybndrfg8ejkmcpqx.gz'],
    ['/home/.bashrc', '/home/.bashrc.sync-conflict-20240305-070809-ybndrfg8ejkmcpqx'],
    ['/.config.json', '/.config.sync-conflict-20240305-070809-ybndrfg8ejkmcpqx.json'],
    ['/Makefile', '/Makefile.sync-conflict-20240305-070809-ybndrfg8ejkmcpqx'],
    ['/v1.2/notes', '/v1.2/notes.sync-conflict-20240305-070809-ybndrfg8ejkmcpqx']
  ])('%s becomes %s', (input, expected) => {
    expect(conflictCopyName(input, DATE, DEVICE)).toBe(expected)
  })

  test('the time is UTC whatever the date was written in', () => {
    const name = conflictCopyName('/a.txt', new Date('2024-12-31T23:30:00-02:00'), 'dev1')
    expect(name).toBe('/a.sync-conflict-20250101-013000-dev1.txt')
  })

  test('a long name is shortened so the copy is still a valid name', () => {
    const long = '/dir/' + 'é'.repeat(120) + '.txt'
    const name = conflictCopyName(long, DATE, DEVICE)
    expect(parseFolderPath(name)).toBe(name)
    expect(name).toMatch(/^\/dir\/é+\.sync-conflict-20240305-070809-ybndrfg8ejkmcpqx\.txt$/)
    expect(isConflictCopy(name)).toBe(true)
  })

  test('refuses a device id that could change the path', () => {
    expect(() => conflictCopyName('/a.txt', DATE, '../x')).toThrow(expect.objectContaining({ code: 'BAD_INPUT' }))
  })
})

describe('isConflictCopy(path)', () => {
  test('recognises conflict copies, its own and Syncthing-made', () => {
    expect(isConflictCopy(conflictCopyName('/a/archive.tar.gz', DATE, DEVICE))).toBe(true)
    expect(isConflictCopy(conflictCopyName('/.bashrc', DATE, DEVICE))).toBe(true)
    expect(isConflictCopy('/photo.sync-conflict-20231001-120000-ABCDEF7.jpg')).toBe(true)
  })

  test('ignores ordinary names that merely look alike', () => {
    expect(isConflictCopy('/report.pdf')).toBe(false)
    expect(isConflictCopy('/my.sync-conflict-notes.txt')).toBe(false)
    expect(isConflictCopy('/x.sync-conflict-20240101-000000-abc/inside.txt')).toBe(false)
  })
})

describe('parseConflictCopy(path) and isCopyOf(original, copy, marker)', () => {
  test('a copy names its original and the device whose edit lost', () => {
    const copy = conflictCopyName('/docs/report.pdf', DATE, DEVICE)
    expect(parseConflictCopy(copy)).toEqual({ original: '/docs/report.pdf', device: DEVICE, marker: `.sync-conflict-20240305-070809-${DEVICE}`, shortened: false })
    expect(parseConflictCopy('/docs/report.pdf')).toBeNull()
  })

  test('a copy whose name was shortened to fit is recognised as the copy of its whole-named original, and of nothing else', () => {
    const long = `/d/${'é'.repeat(120)}.txt` // 244 bytes before the marker
    const copy = conflictCopyName(long, DATE, DEVICE)
    const parsed = parseConflictCopy(copy)!
    expect(Buffer.byteLength(copy.slice(3))).toBeLessThanOrEqual(255)
    expect(parsed.shortened).toBe(true)
    expect(parsed.original).not.toBe(long)
    expect(isCopyOf(long, copy, parsed.marker)).toBe(true)
    expect(isCopyOf(`/d/${'é'.repeat(119)}x.txt`, copy, parsed.marker)).toBe(true) // any name cut to the same stem would give this copy
    expect(isCopyOf(`/d/${'é'.repeat(120)}.md`, copy, parsed.marker)).toBe(false)
    expect(isCopyOf(`/e/${'é'.repeat(120)}.txt`, copy, parsed.marker)).toBe(false)
    expect(isCopyOf(copy, copy, parsed.marker)).toBe(false)
  })
})
