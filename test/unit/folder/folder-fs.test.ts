import { afterEach, describe, test, expect } from 'vitest'
import fs from 'fs/promises'
import { existsSync } from 'fs'
import os from 'os'
import path from 'path'
import { execFileSync } from 'child_process'
import { buffer } from 'stream/consumers'
import { ChangedMeanwhile, FolderFs, caseTwin, diskError } from '../../../main/core/folder/folder-fs'

const dirs: string[] = []
const cleanups: (() => void)[] = []

async function tempDir(): Promise<string> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'hyperfold-fs-'))
  dirs.push(dir)
  return dir
}

// A folder root and, beside it, a directory it must never touch.
async function setup(): Promise<{ root: string; outside: string; folder: FolderFs }> {
  const root = await tempDir()
  const outside = await tempDir()
  return { root, outside, folder: new FolderFs(root) }
}

async function tempFilesUnder(dir: string): Promise<string[]> {
  const names = await fs.readdir(dir, { recursive: true })
  return names.filter((name) => path.basename(name).startsWith('.hyperfold-tmp-'))
}

async function* chunks(...parts: string[]): AsyncIterable<Uint8Array> {
  for (const part of parts) yield Buffer.from(part)
}

const OPTS = { mtimeMs: Date.UTC(2024, 0, 2, 3, 4, 5, 678), executable: false }

afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) cleanup()
  await Promise.all(dirs.splice(0).map((dir) => fs.rm(dir, { recursive: true, force: true })))
})

describe('folder.writeFile(path, source, options)', () => {
  test('writes the bytes with mode 0644 and the given mtime, creating parent directories', async () => {
    const { root, folder } = await setup()
    await folder.writeFile('/a/b/c.txt', Buffer.from('hello'), OPTS)
    const file = path.join(root, 'a/b/c.txt')
    expect(await fs.readFile(file, 'utf8')).toBe('hello')
    const stats = await fs.stat(file)
    expect(stats.mode & 0o777).toBe(0o644)
    expect(Math.round(stats.mtimeMs)).toBe(OPTS.mtimeMs)
    expect((await fs.stat(path.join(root, 'a/b'))).mode & 0o777).toBe(0o755)
    expect(await tempFilesUnder(root)).toEqual([])
  })

  test('streams chunks and marks executables 0755', async () => {
    const { root, folder } = await setup()
    await folder.writeFile('/run.sh', chunks('#!/bin/sh\n', 'echo hi\n'), { ...OPTS, executable: true })
    expect(await fs.readFile(path.join(root, 'run.sh'), 'utf8')).toBe('#!/bin/sh\necho hi\n')
    expect((await fs.stat(path.join(root, 'run.sh'))).mode & 0o777).toBe(0o755)
  })

  test('replaces an existing file whole', async () => {
    const { root, folder } = await setup()
    await fs.writeFile(path.join(root, 'a.txt'), 'old content that is longer')
    await folder.writeFile('/a.txt', Buffer.from('new'), OPTS)
    expect(await fs.readFile(path.join(root, 'a.txt'), 'utf8')).toBe('new')
  })

  test('a failed write leaves no temp file and the old content in place', async () => {
    const { root, folder } = await setup()
    await fs.writeFile(path.join(root, 'a.txt'), 'old')
    async function* broken(): AsyncIterable<Uint8Array> {
      yield Buffer.from('partial')
      throw new Error('peer went away')
    }
    await expect(folder.writeFile('/a.txt', broken(), OPTS)).rejects.toThrow('peer went away')
    expect(await fs.readFile(path.join(root, 'a.txt'), 'utf8')).toBe('old')
    expect(await tempFilesUnder(root)).toEqual([])
  })

  test('a write through a symlinked parent pointing outside is refused and leaves the outside empty', async () => {
    const { root, outside, folder } = await setup()
    await fs.symlink(outside, path.join(root, 'link'))
    await fs.mkdir(path.join(root, 'a'))
    await fs.symlink(outside, path.join(root, 'a', 'deep'))
    await expect(folder.writeFile('/link/evil.txt', Buffer.from('x'), OPTS)).rejects.toMatchObject({ code: 'PATH_UNSAFE' })
    await expect(folder.writeFile('/a/deep/b/evil.txt', Buffer.from('x'), OPTS)).rejects.toMatchObject({ code: 'PATH_UNSAFE' })
    await expect(folder.mkdir('/link/newdir')).rejects.toMatchObject({ code: 'PATH_UNSAFE' })
    expect(await fs.readdir(outside)).toEqual([])
    expect(await tempFilesUnder(root)).toEqual([])
  })

  test('a file that is a symlink is replaced by a real file; its target outside is untouched', async () => {
    const { root, outside, folder } = await setup()
    await fs.writeFile(path.join(outside, 'secret'), 'outside')
    await fs.symlink(path.join(outside, 'secret'), path.join(root, 'a.txt'))
    await folder.writeFile('/a.txt', Buffer.from('inside'), OPTS)
    expect((await fs.lstat(path.join(root, 'a.txt'))).isFile()).toBe(true)
    expect(await fs.readFile(path.join(outside, 'secret'), 'utf8')).toBe('outside')
  })

  test('a file where a directory is needed, or a directory where the file goes, is refused', async () => {
    const { root, folder } = await setup()
    await fs.writeFile(path.join(root, 'a'), 'file')
    await fs.mkdir(path.join(root, 'dir'))
    await expect(folder.writeFile('/a/b.txt', Buffer.from('x'), OPTS)).rejects.toMatchObject({ code: 'PATH_UNSAFE' })
    await expect(folder.writeFile('/dir', Buffer.from('x'), OPTS)).rejects.toMatchObject({ code: 'PATH_UNSAFE' })
    expect(await fs.readFile(path.join(root, 'a'), 'utf8')).toBe('file')
  })

  test('a hostile path is refused before anything is written', async () => {
    const { root, folder } = await setup()
    await expect(folder.writeFile('../escape.txt', Buffer.from('x'), OPTS)).rejects.toMatchObject({ code: 'PATH_UNSAFE' })
    await expect(folder.writeFile('/.hyperfold-tmp-x', Buffer.from('x'), OPTS)).rejects.toMatchObject({ code: 'PATH_UNSAFE' })
    expect(existsSync(path.join(path.dirname(root), 'escape.txt'))).toBe(false)
    expect(await fs.readdir(root)).toEqual([])
  })

  test('a directory it may not write to gives PERMISSION_DENIED and no temp file', async (ctx) => {
    const { root, folder } = await setup()
    const locked = path.join(root, 'locked')
    await fs.mkdir(locked)
    if (!makeReadOnly(locked)) ctx.skip('cannot make a directory read-only for this user (root without chattr)')
    await expect(folder.writeFile('/locked/a.txt', Buffer.from('x'), OPTS)).rejects.toMatchObject({ code: 'PERMISSION_DENIED' })
    expect(await fs.readdir(locked)).toEqual([])
  })
})

describe('a write or removal over a file edited meanwhile', () => {
  test('leaves the edit as it is and says so; no temp file stays behind', async () => {
    const { root, folder } = await setup()
    await fs.writeFile(path.join(root, 'a.txt'), 'seen')
    const seen = await fs.stat(path.join(root, 'a.txt'))
    await fs.writeFile(path.join(root, 'a.txt'), 'edited since')
    await expect(folder.writeFile('/a.txt', Buffer.from('remote'), { mtimeMs: 0, executable: false, replaces: seen })).rejects.toBeInstanceOf(ChangedMeanwhile)
    await expect(folder.remove('/a.txt', seen)).rejects.toBeInstanceOf(ChangedMeanwhile)
    await expect(folder.writeFile('/a.txt', Buffer.from('remote'), { mtimeMs: 0, executable: false, replaces: null })).rejects.toBeInstanceOf(ChangedMeanwhile)
    expect(await fs.readdir(root)).toEqual(['a.txt'])
    expect(await fs.readFile(path.join(root, 'a.txt'), 'utf8')).toBe('edited since')

    const now = await fs.stat(path.join(root, 'a.txt'))
    await folder.writeFile('/a.txt', Buffer.from('remote'), { mtimeMs: 0, executable: false, replaces: now })
    expect(await fs.readFile(path.join(root, 'a.txt'), 'utf8')).toBe('remote')
  })
})

describe('diskError(err, absPath)', () => {
  test.skipIf(!existsSync('/dev/full'))('a full disk (ENOSPC) becomes DISK_FULL naming the file', async () => {
    const err = await fs.writeFile('/dev/full', 'x').catch((e: unknown) => e)
    expect(diskError(err, '/home/me/Sync/a.txt')).toMatchObject({
      code: 'DISK_FULL',
      message: 'The disk is full: could not write /home/me/Sync/a.txt.'
    })
  })
})

describe('folder.remove(path)', () => {
  test('removes a file; a missing file or parent is fine', async () => {
    const { root, folder } = await setup()
    await fs.writeFile(path.join(root, 'a.txt'), 'x')
    await folder.remove('/a.txt')
    await folder.remove('/a.txt')
    await folder.remove('/no/such/file')
    expect(await fs.readdir(root)).toEqual([])
  })

  test('removes a symlink, never what it points to, and nothing through a symlinked parent', async () => {
    const { root, outside, folder } = await setup()
    await fs.writeFile(path.join(outside, 'keep.txt'), 'x')
    await fs.symlink(path.join(outside, 'keep.txt'), path.join(root, 'file-link'))
    await fs.symlink(outside, path.join(root, 'dir-link'))
    await folder.remove('/file-link')
    await expect(folder.remove('/dir-link/keep.txt')).rejects.toMatchObject({ code: 'PATH_UNSAFE' })
    expect(await fs.readdir(outside)).toEqual(['keep.txt'])
    expect(await fs.readdir(root)).toEqual(['dir-link'])
  })

  test('refuses a directory', async () => {
    const { root, folder } = await setup()
    await fs.mkdir(path.join(root, 'dir'))
    await expect(folder.remove('/dir')).rejects.toMatchObject({ code: 'PATH_UNSAFE' })
  })
})

describe('folder.mkdir(path) and folder.rmdirIfEmpty(path)', () => {
  test('mkdir creates nested directories and may run twice', async () => {
    const { root, folder } = await setup()
    await folder.mkdir('/a/b/c')
    await folder.mkdir('/a/b/c')
    expect((await fs.stat(path.join(root, 'a/b/c'))).isDirectory()).toBe(true)
  })

  test('rmdirIfEmpty removes only an empty directory', async () => {
    const { root, outside, folder } = await setup()
    await fs.mkdir(path.join(root, 'empty'))
    await fs.mkdir(path.join(root, 'full'))
    await fs.writeFile(path.join(root, 'full', 'a.txt'), 'x')
    await fs.mkdir(path.join(outside, 'empty'))
    await fs.symlink(outside, path.join(root, 'link'))
    expect(await folder.rmdirIfEmpty('/empty')).toBe(true)
    expect(await folder.rmdirIfEmpty('/full')).toBe(false)
    expect(await folder.rmdirIfEmpty('/missing')).toBe(false)
    await expect(folder.rmdirIfEmpty('/link/empty')).rejects.toMatchObject({ code: 'PATH_UNSAFE' })
    expect((await fs.readdir(root)).sort()).toEqual(['full', 'link'])
    expect(await fs.readdir(outside)).toEqual(['empty'])
  })
})

describe('folder.stat(path) and folder.readStream(path)', () => {
  test('stat is lstat, null when missing', async () => {
    const { root, outside, folder } = await setup()
    await fs.symlink(outside, path.join(root, 'link'))
    expect(await folder.stat('/missing')).toBeNull()
    expect(await folder.stat('/missing/deeper')).toBeNull()
    expect((await folder.stat('/link'))?.isSymbolicLink()).toBe(true)
  })

  test('readStream reads a file and refuses a symlink out of the folder', async () => {
    const { root, outside, folder } = await setup()
    await fs.writeFile(path.join(root, 'a.txt'), 'inside')
    await fs.writeFile(path.join(outside, 'secret'), 'outside')
    await fs.symlink(path.join(outside, 'secret'), path.join(root, 'secret-link'))
    await fs.symlink(outside, path.join(root, 'dir-link'))
    expect((await buffer(await folder.readStream('/a.txt'))).toString()).toBe('inside')
    await expect(folder.readStream('/secret-link')).rejects.toMatchObject({ code: 'PATH_UNSAFE' })
    await expect(folder.readStream('/dir-link/secret')).rejects.toMatchObject({ code: 'PATH_UNSAFE' })
  })

  // Opens are synchronous on the hot paths: a pipe that held one open would stop the whole node.
  test.skipIf(process.platform === 'win32')('a pipe put where a file was is refused at once, not waited on', async () => {
    const { root, folder } = await setup()
    execFileSync('mkfifo', [path.join(root, 'was-a-file')])
    await expect(folder.openFile('/was-a-file')).rejects.toMatchObject({ code: 'PATH_UNSAFE', message: expect.stringContaining('special file') })
  })
})

describe('folder.moveAside(path, newPath)', () => {
  test('renames within the folder', async () => {
    const { root, folder } = await setup()
    await fs.writeFile(path.join(root, 'a.txt'), 'mine')
    await folder.moveAside('/a.txt', '/a.sync-conflict-20240305-070809-dev1.txt')
    expect(await fs.readdir(root)).toEqual(['a.sync-conflict-20240305-070809-dev1.txt'])
  })

  test('never replaces an existing entry, nor moves anything outside', async () => {
    const { root, outside, folder } = await setup()
    await fs.writeFile(path.join(root, 'a.txt'), 'a')
    await fs.writeFile(path.join(root, 'b.txt'), 'b')
    await fs.symlink(outside, path.join(root, 'link'))
    await expect(folder.moveAside('/a.txt', '/b.txt')).rejects.toMatchObject({ code: 'PATH_UNSAFE' })
    await expect(folder.moveAside('/a.txt', '/link/a.txt')).rejects.toMatchObject({ code: 'PATH_UNSAFE' })
    await expect(folder.moveAside('/a.txt', '../a.txt')).rejects.toMatchObject({ code: 'PATH_UNSAFE' })
    expect(await fs.readFile(path.join(root, 'b.txt'), 'utf8')).toBe('b')
    expect(await fs.readFile(path.join(root, 'a.txt'), 'utf8')).toBe('a')
    expect(await fs.readdir(outside)).toEqual([])
  })
})

describe('folder.cleanTempFiles()', () => {
  test('removes temp files left anywhere under the root, and nothing else', async () => {
    const { root, outside, folder } = await setup()
    await fs.mkdir(path.join(root, 'a/b'), { recursive: true })
    await fs.writeFile(path.join(root, '.hyperfold-tmp-1'), 'x')
    await fs.writeFile(path.join(root, 'a/b/.hyperfold-tmp-2'), 'x')
    await fs.writeFile(path.join(root, 'a/b/keep.txt'), 'x')
    await fs.writeFile(path.join(outside, '.hyperfold-tmp-3'), 'x')
    await fs.symlink(outside, path.join(root, 'link'))
    expect(await folder.cleanTempFiles()).toBe(2)
    expect((await fs.readdir(root)).sort()).toEqual(['a', 'link'])
    expect(await fs.readdir(path.join(root, 'a/b'))).toEqual(['keep.txt'])
    expect(await fs.readdir(outside)).toEqual(['.hyperfold-tmp-3'])
  })
})

// Root ignores mode bits, so as root the immutable flag stands in for them.
function makeReadOnly(dir: string): boolean {
  if (process.getuid?.() !== 0) {
    execFileSync('chmod', ['0555', dir])
    cleanups.push(() => execFileSync('chmod', ['0755', dir]))
    return true
  }
  try {
    execFileSync('chattr', ['+i', dir], { stdio: 'ignore' })
  } catch {
    return false
  }
  cleanups.push(() => execFileSync('chattr', ['-i', dir]))
  return true
}

// Only a case-insensitive disk refuses case twins; this one is probed, and the lookup runs on it as is.
describe('case-insensitive disks', () => {
  test('detectCase() probes the disk under the folder marker and leaves nothing behind', async () => {
    const { root, folder } = await setup()
    await fs.mkdir(path.join(root, '.hyperfold'))
    const insensitive = await folder.detectCase()
    expect(insensitive).toBe(existsSync(path.join(root, '.HYPERFOLD'))) // the disk's answer, asked another way
    expect(await fs.readdir(path.join(root, '.hyperfold'))).toEqual([])
  })

  test('caseTwin(dir, name) finds another name that differs only by case or normalisation', async () => {
    const { root } = await setup()
    await fs.writeFile(path.join(root, 'Readme.md'), '')
    await fs.writeFile(path.join(root, 'caf\u00e9'), '')
    expect(await caseTwin(root, 'README.md')).toBe('Readme.md')
    expect(await caseTwin(root, 'CAFE\u0301')).toBe('caf\u00e9')
    expect(await caseTwin(root, 'Readme.md')).toBeNull()
    expect(await caseTwin(root, 'other.md')).toBeNull()
    expect(await caseTwin(path.join(root, 'missing'), 'x')).toBeNull()
  })
})
