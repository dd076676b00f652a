import { describe, expect, test } from 'vitest'
import { HyperfoldError, escapeControls, showInput, systemError, toApiError } from '../../contract'
import { formatResult } from '../../main/cli/format'
import { MAX_MTIME_MS, mtimeText, parseEntryMeta } from '../../main/core/folder/entry-meta'

describe('escapeControls(text) and showInput(text)', () => {
  test('control characters, line and paragraph separators, bidi overrides and lone surrogates become visible escapes', () => {
    expect(escapeControls('a\r\nb\x1b[2J\x7f\x85')).toBe('a\\x0d\\x0ab\\x1b[2J\\x7f\\x85')
    expect(escapeControls('x\u2028y\u202Ez\u2066\ud800')).toBe('x\\u{2028}y\\u{202e}z\\u{2066}\\u{d800}')
    expect(escapeControls('Ünïcødé 📷 photos/été')).toBe('Ünïcødé 📷 photos/été')
  })

  test('echoed input is cut to 80 characters and "…", never inside a surrogate pair', () => {
    expect(showInput('x'.repeat(900_000))).toBe('x'.repeat(80) + '…')
    expect(showInput('📷'.repeat(100))).toBe('📷'.repeat(80) + '…')
    expect(showInput('short')).toBe('short')
    expect(showInput('a\nb', 2)).toBe('a\\x0a…')
  })
})

describe('toApiError(err)', () => {
  const errno = (code: string, path = '/home/me/x') => Object.assign(new Error(`${code}: raw text, '${path}'`), { code, path })

  test('system errors get a stable code and a plain line naming the path', () => {
    expect(toApiError(errno('ENOTDIR'))).toEqual({ code: 'FOLDER_PATH_INVALID', message: 'Part of /home/me/x is a file, not a folder.' })
    expect(toApiError(errno('ENAMETOOLONG')).code).toBe('FOLDER_PATH_INVALID')
    expect(toApiError(errno('EACCES'))).toEqual({ code: 'PERMISSION_DENIED', message: 'Permission denied on /home/me/x: check its owner and mode.' })
    expect(toApiError(errno('EPERM')).code).toBe('PERMISSION_DENIED')
    expect(toApiError(errno('EROFS')).code).toBe('PERMISSION_DENIED')
    expect(toApiError(errno('ENOSPC')).code).toBe('DISK_FULL')
    expect(toApiError(errno('EIO'))).toEqual({ code: 'DISK_ERROR', message: 'The system could not use /home/me/x (EIO).' })
    expect(systemError(new TypeError('not a system call'))).toBeNull()
  })

  test('every message is one bounded line, whatever it was made of', () => {
    const long = toApiError(new HyperfoldError('BAD_INPUT', 'y'.repeat(100_000)))
    expect(long.code).toBe('BAD_INPUT')
    expect(long.message.length).toBeLessThanOrEqual(501)
    expect(toApiError(new Error('boom\nat line 2'))).toEqual({ code: 'INTERNAL', message: 'Internal error: boom\\x0aat line 2' })
    expect(toApiError(errno('EACCES', '/a\nb')).message).toBe('Permission denied on /a\\x0ab: check its owner and mode.')
  })
})

describe("the CLI's human output", () => {
  test('peer-chosen names cannot move the cursor, recolour the terminal or break a line', () => {
    const peers = [{ name: 'evil\x1b[2J\x1b[31m\r\nfake row', deviceId: 'abc', topics: ['t\n1'] }]
    const out = formatResult(peers)
    expect(out.split('\n')).toHaveLength(2)
    expect(out).not.toContain('\x1b')
    expect(out).toContain('evil\\x1b[2J\\x1b[31m\\x0d\\x0afake row')
    expect(formatResult({ folder: { name: 'a\u202Eb' } })).toBe('folder.name: a\\u{202e}b')
  })

  test('the paths a folder could not apply are a line each in its status, a count in the folder list', () => {
    const unapplied = [{ path: '/a\nb', reason: 'Refused the path "/a\\nb": a symlink is in the way.' }]
    expect(formatResult({ folder: { name: 'Docs', unapplied } })).toBe('folder.name: Docs\nfolder.unapplied: 1\n  /a\\x0ab: Refused the path "/a\\nb": a symlink is in the way.')
    expect(formatResult([{ name: 'Docs', unapplied }])).toBe('name  unapplied\nDocs  1')
  })
})

describe('entry mtimes', () => {
  const meta = { device: 'abc', size: 1, executable: false, kind: 'file', vv: { abc: 1 } }

  test('an mtime past what a Date can hold makes the entry malformed', () => {
    expect(parseEntryMeta({ ...meta, mtime: MAX_MTIME_MS })).not.toBeNull()
    expect(parseEntryMeta({ ...meta, mtime: Number.MAX_SAFE_INTEGER })).toBeNull()
    expect(parseEntryMeta({ ...meta, mtime: MAX_MTIME_MS + 1 })).toBeNull()
  })

  test('mtimeText never throws', () => {
    expect(mtimeText(0)).toBe('1970-01-01T00:00:00.000Z')
    expect(mtimeText(Number.MAX_SAFE_INTEGER)).toBe('1970-01-01T00:00:00.000Z')
    expect(mtimeText(Date.UTC(2026, 0, 2))).toBe('2026-01-02T00:00:00.000Z')
  })
})
