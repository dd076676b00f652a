import { describe, expect, test } from 'vitest'
import fs from 'fs/promises'
import path from 'path'
import { randomBytes } from 'crypto'
import { candidateOf } from '../../../main/core/folder/folder-drives'
import { FolderFs } from '../../../main/core/folder/folder-fs'
import { listVersions } from '../../../main/core/folder/folder-history'
import { sweepHistory } from '../../../main/core/folder/history-sweep'
import { Publisher } from '../../../main/core/folder/publisher'
import { DEFAULT_HISTORY } from '../../../main/core/folder/retention'
import { type ScanEntry, scanPath } from '../../../main/core/folder/scanner'
import { collect, folderParts } from '../../helpers/folder-parts'
import { scratch } from '../../helpers/scratch'

const { tempDir, cleanups } = scratch('hyperfold-sweep-')
const DAY = 24 * 60 * 60_000

// One device that wrote three versions of a file, with its own history kept:
// the first dated `ages[0]` ago, and so on (each version's time is its mtime).
async function threeVersions(ages: number[]) {
  const root = await tempDir()
  const parts = await folderParts(await tempDir(), await tempDir())
  cleanups.push(() => parts.close())
  parts.setDisk(new FolderFs(root))
  const { drives, index, content, chunks } = parts
  const publisher = new Publisher({ deviceId: 'dev', fs: new FolderFs(root), drives, index, content, store: chunks, keepsOwn: () => true })
  const versions: Buffer[] = []
  for (const age of ages) {
    const bytes = randomBytes(200 << 10)
    versions.push(bytes)
    const file = path.join(root, 'doc.bin')
    await fs.writeFile(file, bytes)
    const when = new Date(Date.now() - age)
    await fs.utimes(file, when, when)
    await publisher.publish('/doc.bin', (await scanPath(root, '/doc.bin')) as ScanEntry)
    await publisher.commit()
  }
  const restorable = async (): Promise<boolean[]> => {
    await fs.rm(path.join(root, 'doc.bin')) // only the store may answer now
    const out: boolean[] = []
    for (const [i, v] of (await listVersions(drives, '/doc.bin')).entries()) {
      const entry = (await v.drive.checkout(v.seq + 1).entry('/doc.bin'))!
      const bytes = await collect(await content.bytes(candidateOf(drives.ownKey, entry)!, '/doc.bin')).catch(() => null)
      out.push(bytes !== null && bytes.equals(versions[i]!))
    }
    return out
  }
  const sweep = (retention: 'staggered' | 'all' | 'off', capBytes: number | null = null) =>
    sweepHistory({ drives, content, store: chunks, history: { ...DEFAULT_HISTORY, retention }, capBytes, now: Date.now() })
  return { sweep, restorable, chunks }
}

describe('sweepHistory', () => {
  test('all keeps every version; off keeps only the current one', async () => {
    const { sweep, restorable } = await threeVersions([3 * DAY, 2 * DAY, DAY / 2])
    expect((await sweep('all')).removed).toBe(0)
    const freed = await sweep('off')
    expect(freed.bytesFreed).toBeGreaterThanOrEqual(2 * (200 << 10))
    expect(await restorable()).toEqual([false, false, true])
  })

  test('staggered drops versions older than a year and keeps the rest', async () => {
    const { sweep, restorable } = await threeVersions([400 * DAY, 10 * DAY, 0])
    await sweep('staggered')
    expect(await restorable()).toEqual([false, true, true])
  })

  test('over the cap, the oldest replaced versions go first; the current version always stays', async () => {
    const { sweep, restorable, chunks } = await threeVersions([2 * DAY, DAY, 0])
    await sweep('staggered', 250 << 10) // room for one replaced version of 200 KiB
    expect(await restorable()).toEqual([false, true, true])
    expect((await chunks.usage()).bytes).toBeLessThanOrEqual(2 * (200 << 10) + (16 << 10))
  })
})
