import { describe, expect, test } from 'vitest'
import fs from 'fs/promises'
import path from 'path'
import Corestore from 'corestore'
import { FolderDrives } from '../../../main/core/folder/folder-drives'
import { FolderFs } from '../../../main/core/folder/folder-fs'
import { entryAt, listVersions } from '../../../main/core/folder/folder-history'
import { LocalIndex } from '../../../main/core/folder/local-index'
import { Publisher } from '../../../main/core/folder/publisher'
import { scanPath, type ScanEntry } from '../../../main/core/folder/scanner'
import { scratch } from '../../helpers/scratch'

const { tempDir, cleanups } = scratch('hyperfold-history-')

describe('listVersions(drives, path) over entries appended in batches', () => {
  test('every version, in a batch or not, is shown by a checkout at seq + 1', async () => {
    const root = await tempDir()
    const store = new Corestore(await tempDir())
    const drives = new FolderDrives(store, 'folder', () => undefined)
    await drives.ready()
    const index = new LocalIndex(store, 'folder')
    await index.ready()
    cleanups.push(async () => {
      await index.close()
      await drives.close()
      await store.close()
    })
    const publisher = new Publisher({ deviceId: 'dev', fs: new FolderFs(root), drives, index })
    const write = async (name: string, content: string, mode = 0o644): Promise<ScanEntry> => {
      await fs.writeFile(path.join(root, name), content, { mode })
      await fs.chmod(path.join(root, name), mode)
      return (await scanPath(root, `/${name}`)) as ScanEntry
    }

    // One batch of three files, the middle one twice: the second staging starts a new batch.
    await publisher.publish('/a.txt', await write('a.txt', 'a1'))
    await publisher.publish('/b.sh', await write('b.sh', 'b1', 0o755))
    await publisher.publish('/b.sh', await write('b.sh', 'b2, longer', 0o755))
    await publisher.publish('/c.txt', await write('c.txt', 'c1'))
    await publisher.commit()
    await publisher.publish('/a.txt', await write('a.txt', 'a2, longer'))
    await publisher.commit()

    for (const [p, contents] of [['/a.txt', ['a1', 'a2, longer']], ['/b.sh', ['b1', 'b2, longer']], ['/c.txt', ['c1']]] as const) {
      const versions = await listVersions(drives, p)
      expect(versions.map((v) => v.size)).toEqual(contents.map((c) => c.length))
      for (const [i, version] of versions.entries()) {
        const entry = await entryAt(drives.own, p, version.seq + 1)
        expect(entry?.value.executable).toBe(p === '/b.sh')
        const bytes = await drives.bytes(drives.ownKey, entry!.value.blob)
        expect(Buffer.from(bytes as Uint8Array).toString()).toBe(contents[i])
        expect((await drives.own.checkout(version.seq + 1).entry(p))?.seq).toBe(entry?.seq)
      }
    }
  })
})
