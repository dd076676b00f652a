import { describe, test, expect } from 'vitest'
import { HyperfoldError } from '../../../contract/errors'
import { foldCase, parseFolderPath } from '../../../main/core/folder/folder-path'

function refusal(input: string): HyperfoldError {
  try {
    parseFolderPath(input)
  } catch (err) {
    if (err instanceof HyperfoldError) return err
    throw err
  }
  throw new Error(`accepted ${JSON.stringify(input)}`)
}

describe('parseFolderPath(input)', () => {
  test('normalises to the drive-key form: one leading slash, no empty segments', () => {
    expect(parseFolderPath('/a/b.txt')).toBe('/a/b.txt')
    expect(parseFolderPath('a/b.txt')).toBe('/a/b.txt')
    expect(parseFolderPath('//a//b/')).toBe('/a/b')
  })

  test('keeps names people use, byte for byte', () => {
    const nfd = '/Cafe\u0301/re\u0301sume\u0301.pdf'
    expect(parseFolderPath(nfd)).toBe(nfd)
    expect(parseFolderPath('/.hyperfoldignore')).toBe('/.hyperfoldignore')
    expect(parseFolderPath('/notes/...')).toBe('/notes/...')
    expect(parseFolderPath('/notes/a:b')).toBe('/notes/a:b')
    expect(parseFolderPath('/日本語/ファイル.txt')).toBe('/日本語/ファイル.txt')
    expect(parseFolderPath('/' + 'x'.repeat(255))).toBe('/' + 'x'.repeat(255))
  })

  test.each([
    ['empty input', ''],
    ['the root itself', '/'],
    ['a parent segment', '../etc/passwd'],
    ['a parent segment deeper in', '/a/../../b'],
    ['a dot segment', '/a/./b'],
    ['a NUL byte', '/a\u0000b'],
    ['a newline', '/a\nb'],
    ['a C1 control character', '/a\u0085b'],
    ['a backslash', 'a\\..\\b'],
    ['a Windows drive letter', 'C:/Windows/system32'],
    ['a drive-relative Windows path', 'c:foo'],
    ['a drive letter after the slash', '/D:/x'],
    ['a segment over 255 bytes', '/' + 'x'.repeat(256)],
    ['a segment over 255 bytes in UTF-8', '/a/' + 'é'.repeat(128)],
    ['a path over 4096 bytes', ('/' + 'a'.repeat(200)).repeat(21)],
    ['the folder marker', '/.hyperfold/state'],
    ['our temp file name', '/a/.hyperfold-tmp-3f2a'],
    ['a lone surrogate', '/a\uD800b']
  ])('refuses %s with PATH_UNSAFE', (_name, input) => {
    expect(refusal(input).code).toBe('PATH_UNSAFE')
  })

  test('the refusal names the path on one line', () => {
    expect(refusal('/a/../../b').message).toContain('"/a/../../b"')
    expect(refusal('/a\nb').message).not.toContain('\n')
    expect(refusal('/a/' + 'x'.repeat(5000)).message.length).toBeLessThan(300)
  })
})

describe('foldCase(name)', () => {
  test('names that differ only by case or Unicode normalisation fold alike', () => {
    expect(foldCase('Photos')).toBe(foldCase('PHOTOS'))
    expect(foldCase('caf\u00e9')).toBe(foldCase('CAFE\u0301'))
    expect(foldCase('a.txt')).not.toBe(foldCase('b.txt'))
  })
})
