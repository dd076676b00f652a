// Files kept open for serving chunks: a read sees the file as it was opened
// until asked `fresh`, the fd is never closed under a read, and nothing stays
// open once the holder closes.
import fs from 'fs/promises'
import os from 'os'
import path from 'path'
import { afterEach, beforeEach, describe, expect, test } from 'vitest'
import { FolderFs } from '../../../main/core/folder/folder-fs'
import { ServedFiles } from '../../../main/core/folder/served-files'

async function openFds(): Promise<number> {
  return (await fs.readdir('/proc/self/fd')).length
}

describe('ServedFiles', () => {
  let root: string
  beforeEach(async () => {
    root = await fs.mkdtemp(path.join(os.tmpdir(), 'hf-served-'))
  })
  afterEach(async () => {
    await fs.rm(root, { recursive: true, force: true })
  })

  test('reads many chunks of a file on one open, sees a replacement when asked fresh, and closes everything', async () => {
    const disk = new FolderFs(root)
    const served = new ServedFiles()
    await fs.writeFile(path.join(root, 'a.bin'), Buffer.from('old bytes here'))
    const before = await openFds()
    const reads = await Promise.all([0, 4, 8].map((at) => served.read(disk, '/a.bin', at, 4)))
    expect(reads.map((b) => b?.toString())).toEqual(['old ', 'byte', 's he'])
    expect(await openFds()).toBe(before + 1)

    // Replaced by a rename, as an editor saves: the open file still holds the old bytes.
    await fs.writeFile(path.join(root, 'a.tmp'), Buffer.from('NEW BYTES HERE'))
    await fs.rename(path.join(root, 'a.tmp'), path.join(root, 'a.bin'))
    expect((await served.read(disk, '/a.bin', 0, 4))?.toString()).toBe('old ')
    expect((await served.read(disk, '/a.bin', 0, 4, true))?.toString()).toBe('NEW ')

    expect(await served.read(disk, '/a.bin', 12, 4)).toBeNull() // runs past the end
    expect(await served.read(disk, '/missing.bin', 0, 4)).toBeNull()
    served.close()
    await new Promise((resolve) => setTimeout(resolve, 50))
    expect(await openFds()).toBe(before)
  })
})
