import { describe, expect, test } from 'vitest'
import fs from 'fs/promises'
import path from 'path'
import { markFolderRoot } from '../../../main/core/folder/folder-root'
import { LocalSide } from '../../../main/core/folder/local-side'
import { parseEntryMeta } from '../../../main/core/folder/entry-meta'
import { RootGuard, RootMissing } from '../../../main/core/folder/root-guard'
import { folderParts } from '../../helpers/folder-parts'
import { scratch } from '../../helpers/scratch'

const { tempDir, cleanups } = scratch('hyperfold-guard-')

async function markedRoot(id = 'folder-1'): Promise<string> {
  const root = await tempDir()
  await markFolderRoot(root, id)
  await fs.writeFile(path.join(root, 'a.txt'), 'a')
  return root
}

async function guardOf(root: string, id = 'folder-1'): Promise<{ guard: RootGuard; lost: string[] }> {
  const lost: string[] = []
  const guard = await RootGuard.take(root, id, (message) => lost.push(message))
  if (typeof guard === 'string') throw new Error(guard)
  return { guard, lost }
}

describe('RootGuard', () => {
  test('take() refuses a root without this folder’s marker, and says why', async () => {
    const root = await markedRoot()
    expect(await RootGuard.take(root, 'another-folder')).toMatch(/holds no \.hyperfold marker of this folder/)
    expect(await RootGuard.take(path.join(root, 'missing'), 'folder-1')).toMatch(/is missing or not mounted/)
    expect(await RootGuard.take(root, 'folder-1')).toBeInstanceOf(RootGuard)
  })

  test('check() holds while files come and go, and fails for good, once, when the root is removed', async () => {
    const root = await markedRoot()
    const { guard, lost } = await guardOf(root)
    await fs.rm(path.join(root, 'a.txt'))
    expect(await guard.check()).toBeNull()
    await fs.rm(root, { recursive: true })
    expect(await guard.check()).toMatch(/is missing or not mounted/)
    await markFolderRoot(root, 'folder-1') // even back, this guard stays failed: a new one is taken
    expect(await guard.check()).toMatch(/is missing or not mounted/)
    await expect(guard.assert()).rejects.toBeInstanceOf(RootMissing)
    expect(lost).toHaveLength(1)
  })

  test('check() fails for a root swapped for another marked directory', async () => {
    const root = await markedRoot()
    const { guard } = await guardOf(root)
    const away = await tempDir()
    await fs.rename(root, path.join(away, 'old'))
    await markFolderRoot(root, 'folder-1')
    expect(await guard.check()).toMatch(/was replaced by another directory/)
  })

  test('a rescan of a root swapped for an empty directory publishes no deletion', async () => {
    const root = await markedRoot()
    const { guard } = await guardOf(root)
    const parts = await folderParts(await tempDir(), await tempDir())
    const { drives, index, content, chunks, history } = parts
    const side = await LocalSide.start({
      ...{ root, deviceId: 'dev', drives, index, content, store: chunks, history, receiveOnly: false, guard },
      ...{ onbatch: () => undefined, activity: () => undefined },
      onerror: (err) => {
        throw err
      }
    })
    cleanups.push(async () => {
      await side.close()
      await parts.close()
    })
    await side.rescan()
    const version = drives.own.version
    const away = await tempDir()
    await fs.rename(root, path.join(away, 'old'))
    await fs.mkdir(root)

    await expect(side.rescan()).rejects.toBeInstanceOf(RootMissing)
    await side.publisher.commit()
    expect(drives.own.version).toBe(version)
    expect(parseEntryMeta((await drives.own.entry('/a.txt'))?.value.metadata)?.kind).toBe('file')
  })
})
