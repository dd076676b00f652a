import { afterEach, describe, test, expect } from 'vitest'
import fs from 'fs/promises'
import os from 'os'
import path from 'path'
import { createHash } from 'crypto'
import { execFileSync } from 'child_process'
import { IgnoreRules } from '../../../main/core/folder/ignore-rules'
import { hashFile, scanFolder, type ScanItem } from '../../../main/core/folder/scanner'

const dirs: string[] = []

async function tempDir(): Promise<string> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'hyperfold-scan-'))
  dirs.push(dir)
  return dir
}

async function writeFiles(root: string, files: Record<string, string>): Promise<void> {
  for (const [name, content] of Object.entries(files)) {
    await fs.mkdir(path.dirname(path.join(root, name)), { recursive: true })
    await fs.writeFile(path.join(root, name), content)
  }
}

async function scan(root: string): Promise<ScanItem[]> {
  const items: ScanItem[] = []
  for await (const batch of scanFolder(root, await IgnoreRules.load(root))) items.push(...batch)
  return items
}

afterEach(async () => {
  await Promise.all(dirs.splice(0).map((dir) => fs.rm(dir, { recursive: true, force: true })))
})

describe('scanFolder(root, rules)', () => {
  test('reports every entry with its type, size, mtime and executable bit, sorted per directory', async () => {
    const root = await tempDir()
    await writeFiles(root, { 'b.txt': 'bb', 'a/z.txt': 'z', 'a/m.txt': 'mmm', 'C.txt': '' })
    await fs.chmod(path.join(root, 'a/m.txt'), 0o755)
    await fs.utimes(path.join(root, 'b.txt'), new Date(), new Date(Date.UTC(2024, 0, 1)))
    const items = await scan(root)
    expect(items.map((item) => item.path)).toEqual(['/C.txt', '/a', '/a/m.txt', '/a/z.txt', '/b.txt'])
    expect(items[1]).toMatchObject({ type: 'directory', size: 0, executable: false })
    expect(items[2]).toMatchObject({ type: 'file', size: 3, executable: true })
    expect(items[4]).toEqual({ path: '/b.txt', type: 'file', size: 2, mtimeMs: Date.UTC(2024, 0, 1), executable: false, ino: expect.any(Number) })
  })

  // The local index sorts its keys as UTF-8 bytes; a rescan walks both in step.
  test('reports paths in the byte order of their UTF-8, the contents of a directory at its name plus a slash', async () => {
    const root = await tempDir()
    await writeFiles(root, { 'a/x': '', 'a-b': '', a0: '', '\uFF5E': '', '\u{1F600}': '', z: '' })
    const paths = (await scan(root)).map((item) => item.path)
    expect(paths).toEqual(['/a', '/a-b', '/a/x', '/a0', '/z', '/\uFF5E', '/\u{1F600}'])
    const bytes = paths.map((p) => Buffer.from(p))
    expect([...bytes].sort(Buffer.compare)).toEqual(bytes)
  })

  test('sorts a directory of ASCII names in the same byte order', async () => {
    const root = await tempDir()
    await writeFiles(root, { 'b/x': '', 'b.c': '', b0: '', B: '', _: '', '}': '', 'b-/y': '' })
    const paths = (await scan(root)).map((item) => item.path)
    expect(paths).toEqual(['/B', '/_', '/b', '/b-', '/b-/y', '/b.c', '/b/x', '/b0', '/}'])
  })

  test('reports a symlink as one and never follows it out of the folder', async () => {
    const root = await tempDir()
    const outside = await tempDir()
    await writeFiles(outside, { 'secret.txt': 'x' })
    await fs.symlink(outside, path.join(root, 'link'))
    const items = await scan(root)
    expect(items).toEqual([expect.objectContaining({ path: '/link', type: 'symlink' })])
  })

  test('skips ignored entries and does not descend into ignored directories', async () => {
    const root = await tempDir()
    await writeFiles(root, {
      '.hyperfoldignore': 'node_modules/\n',
      'node_modules/pkg/index.js': 'x',
      '.hyperfold/state': 'x',
      'docs/.report.md.swp': 'x',
      'docs/.hyperfold-tmp-3f2a': 'x',
      'docs/.DS_Store': 'x',
      'docs/report.md': 'x'
    })
    const items = await scan(root)
    expect(items.map((item) => item.path)).toEqual(['/.hyperfoldignore', '/docs', '/docs/report.md'])
  })

  test('skips sockets, pipes and devices', async (ctx) => {
    const root = await tempDir()
    await writeFiles(root, { 'a.txt': 'x' })
    try {
      execFileSync('mkfifo', [path.join(root, 'pipe')])
    } catch {
      ctx.skip('mkfifo is not available')
    }
    expect((await scan(root)).map((item) => item.path)).toEqual(['/a.txt'])
  })

  test('a name other peers could not take is reported as an error, and the walk goes on', async () => {
    const root = await tempDir()
    await writeFiles(root, { 'a\\b.txt': 'x', 'c.txt': 'x' })
    const items = await scan(root)
    expect(items[0]).toMatchObject({ path: '/a\\b.txt', type: 'error' })
    expect((items[0] as { message: string }).message).toMatch(/backslash/)
    expect(items[1]).toMatchObject({ path: '/c.txt', type: 'file' })
  })

  // Tests run as root, who can read any mode, so unreadable entries are made
  // two other ways: a name that is not UTF-8, and a directory removed mid-walk.
  test('a file whose name is not UTF-8 is reported as an error, and the walk goes on', async (ctx) => {
    const root = await tempDir()
    await writeFiles(root, { 'z.txt': 'x' })
    try {
      await fs.writeFile(Buffer.concat([Buffer.from(root + '/'), Buffer.from([0x66, 0xff])]), 'x')
    } catch {
      ctx.skip('this file system refuses names that are not UTF-8')
    }
    const items = await scan(root)
    expect(items[0]).toMatchObject({ path: '/f\uFFFD', type: 'error' })
    expect((items[0] as { message: string }).message).toMatch(/not valid UTF-8/)
    expect(items[1]).toMatchObject({ path: '/z.txt', type: 'file' })
  })

  test('a directory removed mid-walk is reported as an error, and the walk goes on', async () => {
    const root = await tempDir()
    await writeFiles(root, { 'a.txt': 'x', 'b/inner.txt': 'x', 'c.txt': 'x' })
    const rules = await IgnoreRules.load(root)
    const items: ScanItem[] = []
    for await (const batch of scanFolder(root, rules)) {
      items.push(...batch)
      if (batch.some((item) => item.path === '/b' && item.type === 'directory')) await fs.rm(path.join(root, 'b'), { recursive: true })
    }
    expect(items.map((item) => [item.path, item.type])).toEqual([
      ['/a.txt', 'file'],
      ['/b', 'directory'],
      ['/b', 'error'],
      ['/c.txt', 'file']
    ])
  })

  // What keeps memory flat on 100,000 files: directories are listed as the
  // walk reaches them, not all up front.
  test('lists each directory only when the walk reaches it', async () => {
    const root = await tempDir()
    await writeFiles(root, { 'a.txt': 'x', 'z/old.txt': 'x' })
    const rules = await IgnoreRules.load(root)
    const paths: string[] = []
    for await (const batch of scanFolder(root, rules)) {
      if (paths.length === 0) await fs.writeFile(path.join(root, 'z/new.txt'), 'x')
      paths.push(...batch.map((item) => item.path))
    }
    expect(paths).toEqual(['/a.txt', '/z', '/z/new.txt', '/z/old.txt'])
  })

  test('a root that cannot be listed throws', async () => {
    const root = await tempDir()
    await expect(scan(path.join(root, 'missing'))).rejects.toMatchObject({ code: 'ENOENT' })
  })
})

describe('hashFile(absPath)', () => {
  test('is the sha256 of the content, streamed', async () => {
    const root = await tempDir()
    const big = Buffer.alloc(5 * 1024 * 1024 + 3, 7)
    await writeFiles(root, { 'hello.txt': 'hello' })
    await fs.writeFile(path.join(root, 'big.bin'), big)
    expect(await hashFile(path.join(root, 'hello.txt'))).toBe('2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824')
    expect(await hashFile(path.join(root, 'big.bin'))).toBe(createHash('sha256').update(big).digest('hex'))
  })

  test('refuses to follow a symlink', async () => {
    const root = await tempDir()
    await writeFiles(root, { 'a.txt': 'x' })
    await fs.symlink(path.join(root, 'a.txt'), path.join(root, 'link'))
    await expect(hashFile(path.join(root, 'link'))).rejects.toMatchObject({ code: 'ELOOP' })
  })
})
