import { afterEach, describe, test, expect } from 'vitest'
import fs from 'fs/promises'
import os from 'os'
import path from 'path'
import { IgnoreRules } from '../../../main/core/folder/ignore-rules'

const roots: string[] = []

async function folderWith(ignoreFile?: string | Uint8Array): Promise<string> {
  const root = await fs.mkdtemp(path.join(os.tmpdir(), 'hyperfold-ignore-'))
  roots.push(root)
  if (ignoreFile !== undefined) await fs.writeFile(path.join(root, '.hyperfoldignore'), ignoreFile)
  return root
}

afterEach(async () => {
  await Promise.all(roots.splice(0).map((root) => fs.rm(root, { recursive: true, force: true })))
})

describe('IgnoreRules.load(root) without an ignore file', () => {
  test.each([
    '/.foo.swp',
    '/dir/notes.txt.swo',
    '/draft.md~',
    '/.#draft.org',
    '/#draft.org#',
    '/docs/.~lock.report.odt#',
    '/~$report.docx',
    '/.DS_Store',
    '/photos/Thumbs.db',
    '/desktop.ini',
    '/.hyperfold-tmp-3f2a',
    '/deep/er/.hyperfold-tmp-3f2a'
  ])('ignores the editor, OS or Hyperfold temp file %s', async (file) => {
    const rules = await IgnoreRules.load(await folderWith())
    expect(rules.isIgnored(file, false)).toBe(true)
  })

  test('ignores the folder marker directory', async () => {
    const rules = await IgnoreRules.load(await folderWith())
    expect(rules.isIgnored('/.hyperfold', true)).toBe(true)
  })

  test.each(['/foo.txt', '/swp', '/notes.swp.txt', '/a#b', '/~notes', '/report.docx', '/.hyperfoldignore', '/.bashrc'])(
    'syncs the ordinary file %s',
    async (file) => {
      const rules = await IgnoreRules.load(await folderWith())
      expect(rules.isIgnored(file, false)).toBe(false)
    }
  )
})

describe('IgnoreRules.load(root) with a .hyperfoldignore', () => {
  const RULES = ['# build output', 'build/', '*.log', '!keep.log', '/top-only.txt', '!*~', '!.hyperfold', '!.hyperfold-tmp-*'].join('\n')

  test('a directory rule matches directories only, at any depth', async () => {
    const rules = await IgnoreRules.load(await folderWith(RULES))
    expect(rules.isIgnored('/build', true)).toBe(true)
    expect(rules.isIgnored('/src/build', true)).toBe(true)
    expect(rules.isIgnored('/build', false)).toBe(false)
  })

  test('entries inside an ignored directory are ignored too', async () => {
    const rules = await IgnoreRules.load(await folderWith(RULES))
    expect(rules.isIgnored('/build/out.bin', false)).toBe(true)
  })

  test('rules match the same after many thousands of paths (the matcher is made anew on the way)', async () => {
    const rules = await IgnoreRules.load(await folderWith(RULES))
    for (let i = 0; i < 10_000; i++) {
      expect(rules.isIgnored(`/d${i}/x.log`, false)).toBe(true)
      expect(rules.isIgnored(`/sub/d${i}/keep.log`, false)).toBe(false)
      expect(rules.isIgnored(`/build/d${i}/keep.log`, false)).toBe(true)
    }
  })

  test('a negation re-includes a file in a subdirectory, but not inside an ignored directory', async () => {
    const rules = await IgnoreRules.load(await folderWith(RULES))
    expect(rules.isIgnored('/sub/deeper/x.log', false)).toBe(true)
    expect(rules.isIgnored('/sub/deeper/keep.log', false)).toBe(false)
    // gitignore: "It is not possible to re-include a file if a parent directory of that file is excluded."
    expect(rules.isIgnored('/build/keep.log', false)).toBe(true)
  })

  test('a rule with a leading slash is anchored to the folder root', async () => {
    const rules = await IgnoreRules.load(await folderWith(RULES))
    expect(rules.isIgnored('/top-only.txt', false)).toBe(true)
    expect(rules.isIgnored('/sub/top-only.txt', false)).toBe(false)
  })

  test('users can re-include a default, never Hyperfold\'s own files', async () => {
    const rules = await IgnoreRules.load(await folderWith(RULES))
    expect(rules.isIgnored('/draft.md~', false)).toBe(false)
    expect(rules.isIgnored('/.foo.swp', false)).toBe(true)
    expect(rules.isIgnored('/.hyperfold', true)).toBe(true)
    expect(rules.isIgnored('/a/.hyperfold-tmp-3f2a', false)).toBe(true)
  })

  test('only the root .hyperfoldignore is read; one in a subdirectory has no effect', async () => {
    const root = await folderWith('*.log\n')
    await fs.mkdir(path.join(root, 'sub'))
    await fs.writeFile(path.join(root, 'sub', '.hyperfoldignore'), '*.txt\n!x.log\n')
    const rules = await IgnoreRules.load(root)
    expect(rules.isIgnored('/sub/a.txt', false)).toBe(false)
    expect(rules.isIgnored('/sub/x.log', false)).toBe(true)
  })

  test('an ignore file that is not UTF-8 is refused with IGNORE_PARSE', async () => {
    const root = await folderWith(Uint8Array.from([0x2a, 0x2e, 0xff, 0xfe, 0x0a]))
    await expect(IgnoreRules.load(root)).rejects.toMatchObject({ code: 'IGNORE_PARSE' })
  })

  test('an ignore file that cannot be read is refused with IGNORE_PARSE naming it', async () => {
    const root = await folderWith()
    await fs.mkdir(path.join(root, '.hyperfoldignore'))
    const err = await IgnoreRules.load(root).catch((e: unknown) => e)
    expect(err).toMatchObject({ code: 'IGNORE_PARSE' })
    expect((err as Error).message).toContain(path.join(root, '.hyperfoldignore'))
  })
})
