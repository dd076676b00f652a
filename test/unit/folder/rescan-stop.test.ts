import { describe, expect, test } from 'vitest'
import fs from 'fs/promises'
import { once } from 'events'
import path from 'path'
import { LocalSide } from '../../../main/core/folder/local-side'
import { parseEntryMeta } from '../../../main/core/folder/entry-meta'
import { ScanStopped } from '../../../main/core/folder/scanner'
import { folderParts } from '../../helpers/folder-parts'
import { scratch } from '../../helpers/scratch'

const { tempDir, cleanups } = scratch('hyperfold-stop-')

async function writeFiles(root: string, files: string[]): Promise<void> {
  for (const rel of files) {
    await fs.mkdir(path.dirname(path.join(root, rel)), { recursive: true })
    await fs.writeFile(path.join(root, rel), rel)
  }
}

async function setup(signal?: AbortSignal) {
  const root = await tempDir()
  await fs.mkdir(path.join(root, '.hyperfold')) // the folder marker, as a shared folder has
  const parts = await folderParts(await tempDir(), await tempDir())
  const { drives, index, content, chunks, history } = parts
  const start = () =>
    LocalSide.start({
      ...{ root, deviceId: 'dev', drives, index, content, store: chunks, history, receiveOnly: false, signal },
      onbatch: () => undefined,
      onerror: (err) => {
        throw err
      },
      activity: (kind, p, message) => {
        throw new Error(`${kind} ${p}: ${message}`)
      }
    })
  cleanups.push(async () => {
    await parts.close()
  })
  const kindOf = async (p: string) => parseEntryMeta((await drives.own.entry(p))?.value.metadata)?.kind ?? null
  return { root, index, drives, start, kindOf }
}

const KEPT = Array.from({ length: 30 }, (_, i) => `z-kept/${i}.txt`)
const MANY = Array.from({ length: 4000 }, (_, i) => `a-new/${i % 10}/${i}.txt`)

describe('a rescan stopped part-way', () => {
  test('close() stops it: it throws ScanStopped, keeps what it published, and deletes nothing it did not reach', async () => {
    const { root, index, drives, start, kindOf } = await setup()
    await writeFiles(root, KEPT)
    const first = await start()
    await first.rescan()
    await first.close()
    await writeFiles(root, MANY) // sorts before z-kept/, so a stop lands before the walk reaches them

    const side = await start()
    const published = once(drives.own.core, 'append')
    const scan = side.rescan()
    await published
    await side.close()
    await expect(scan).rejects.toBeInstanceOf(ScanStopped)
    await side.publisher.commit()

    expect(index.totals.files).toBeGreaterThan(KEPT.length)
    expect(index.totals.files).toBeLessThan(KEPT.length + MANY.length)
    for (const p of KEPT) expect(await kindOf(`/${p}`)).toBe('file')

    const again = await start()
    await again.rescan()
    await again.close()
    expect(index.totals.files).toBe(KEPT.length + MANY.length)
    for (const p of KEPT) expect(await kindOf(`/${p}`)).toBe('file')
  })

  test('a signal aborted before the side starts stops its first rescan before it publishes anything', async () => {
    const stop = new AbortController()
    const { root, index, start } = await setup(stop.signal)
    await writeFiles(root, KEPT)
    stop.abort()
    const side = await start()
    await expect(side.rescan()).rejects.toBeInstanceOf(ScanStopped)
    await side.close()
    expect(index.totals.files).toBe(0)
  })
})
