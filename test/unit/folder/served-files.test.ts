// Files kept open for serving chunks: reads that overlap share one open, a
// fresh read sees a file replaced since, and nothing stays open once no read
// uses it (a removable disk can be unmounted right after).
import fs from 'fs/promises'
import os from 'os'
import path from 'path'
import { afterEach, beforeEach, describe, expect, test } from 'vitest'
import { FolderFs } from '../../../main/core/folder/folder-fs'
import { ServedFiles } from '../../../main/core/folder/served-files'

// The real folder, counting how often a file is opened in it.
class CountingFs extends FolderFs {
  opens = 0
  override openFile(folderPath: string): ReturnType<FolderFs['openFile']> {
    this.opens++
    return super.openFile(folderPath)
  }
}

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

  test('overlapping reads share one open; a fresh read sees a replaced file; nothing stays open', async () => {
    const disk = new CountingFs(root)
    const served = new ServedFiles()
    await fs.writeFile(path.join(root, 'a.bin'), Buffer.from('old bytes here'))
    const before = await openFds()
    const reads = await Promise.all([0, 4, 8].map((at) => served.read(disk, '/a.bin', at, 4)))
    expect(reads.map((b) => b?.toString())).toEqual(['old ', 'byte', 's he'])
    expect(disk.opens).toBe(1)

    // Replaced by a rename, as an editor saves: read afresh, the new bytes.
    await fs.writeFile(path.join(root, 'a.tmp'), Buffer.from('NEW BYTES HERE'))
    await fs.rename(path.join(root, 'a.tmp'), path.join(root, 'a.bin'))
    expect((await served.read(disk, '/a.bin', 0, 4, true))?.toString()).toBe('NEW ')

    expect(await served.read(disk, '/a.bin', 12, 4)).toBeNull() // runs past the end
    expect(await served.read(disk, '/missing.bin', 0, 4)).toBeNull()
    await new Promise((resolve) => setTimeout(resolve, 50))
    expect(await openFds()).toBe(before)
  })
})
