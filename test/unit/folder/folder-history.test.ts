import { describe, expect, test } from 'vitest'
import fs from 'fs/promises'
import path from 'path'
import { candidateOf } from '../../../main/core/folder/folder-drives'
import { FolderFs } from '../../../main/core/folder/folder-fs'
import { entryAt, listVersions } from '../../../main/core/folder/folder-history'
import { Publisher } from '../../../main/core/folder/publisher'
import { scanPath, type ScanEntry } from '../../../main/core/folder/scanner'
import { collect, folderParts } from '../../helpers/folder-parts'
import { scratch } from '../../helpers/scratch'

const { tempDir, cleanups } = scratch('hyperfold-history-')

describe('listVersions(drives, path) over entries appended in batches', () => {
  test('every version, in a batch or not, is shown by a checkout at seq + 1', async () => {
    const root = await tempDir()
    const parts = await folderParts(await tempDir(), await tempDir())
    const { drives, index, content, chunks } = parts
    parts.setDisk(new FolderFs(root))
    cleanups.push(() => parts.close())
    const publisher = new Publisher({ deviceId: 'dev', fs: new FolderFs(root), drives, index, content, store: chunks, keepsOwn: () => true })
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
        // Every version's bytes, the overwritten ones from this device's own history.
        const stored = candidateOf(drives.ownKey, entry!)!
        expect((await collect(await content.bytes(stored, p))).toString()).toBe(contents[i])
        expect((await drives.own.checkout(version.seq + 1).entry(p))?.seq).toBe(entry?.seq)
      }
    }
  })
})

