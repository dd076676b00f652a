// Conflict copies on this device's disk, and settling one the way a person
// would by hand: delete the copy, copy its content over the original, or
// rename it. Each change goes to the disk through the folder's FolderFs
// (temp file and rename, refused if the file was edited meanwhile) and is
// published like a local edit, so it syncs to every device as an ordinary
// edit and the replaced version stays in history.
import type { Stats } from 'fs'
import type { Conflict, ConflictKeep } from '../../../contract/conflicts'
import { HyperfoldError } from '../../../contract/errors'
import { showInput } from '../../../contract/text'
import { type ConflictCopyName, fitBytes, isCopyOf, parseConflictCopy, splitExtension } from './conflict-name'
import { ChangedMeanwhile, type FolderFs } from './folder-fs'
import { MAX_SEGMENT_BYTES, parentOf, parseFolderPath } from './folder-path'
import type { LocalIndex } from './local-index'
import type { Publisher } from './publisher'
import { scanPath } from './scanner'

// A device name in a file name is cut to this many characters.
const NAME_IN_FILE_CHARS = 40

export interface ConflictDisk {
  fs: FolderFs
  publisher: Publisher
  index: LocalIndex
}

// The device name shown for a device id (the id itself when unknown).
export type DeviceNames = (deviceId: string) => string

// Every conflict copy the index knows that is on disk now, by path.
export async function listConflicts(index: LocalIndex, fs: FolderFs, names: DeviceNames): Promise<Conflict[]> {
  const found: Conflict[] = []
  for await (const [path, record] of index.records()) {
    const parsed = record.kind === 'file' ? parseConflictCopy(path) : null
    if (parsed === null) continue
    const copy = await fs.stat(path)
    if (copy === null || !copy.isFile()) continue
    const originalPath = await originalOf({ index, fs }, path, parsed)
    const original = await fs.stat(originalPath)
    const originalFile = original?.isFile() === true ? original : null
    // In the order of the CLI's columns.
    found.push({
      ...{ original: originalPath, copy: path, originalSize: originalFile?.size ?? null, originalMtime: originalFile === null ? null : iso(originalFile) },
      ...{ copySize: copy.size, copyMtime: iso(copy), device: parsed.device, deviceName: names(parsed.device) }
    })
  }
  return found
}

// Returns the paths that hold what was kept. Runs in the folder's task queue.
export async function resolveConflict(disk: ConflictDisk, copyPath: string, keep: ConflictKeep, names: DeviceNames): Promise<string[]> {
  const copy = parseFolderPath(copyPath)
  const named = parseConflictCopy(copy)
  if (named === null) throw new HyperfoldError('NOT_A_CONFLICT', `${showInput(copy)} is not a conflict copy (its name has no ".sync-conflict-" part).`)
  const seen = await disk.fs.stat(copy)
  if (seen === null || !seen.isFile()) throw new HyperfoldError('FILE_NOT_FOUND', `No conflict copy ${showInput(copy)} on this device (see the folder's conflicts).`)
  const parsed = { ...named, original: await originalOf(disk, copy, named) }
  try {
    if (keep === 'original') {
      await remove(disk, copy, seen)
      return [parsed.original]
    }
    if (keep === 'copy') {
      await replaceOriginal(disk, copy, parsed.original, seen)
      return [parsed.original]
    }
    const renamed = await freeName(disk.fs, parsed.original, names(parsed.device))
    await disk.fs.moveAside(copy, renamed)
    await publish(disk, renamed)
    await disk.publisher.publish(copy, null)
    return [parsed.original, renamed]
  } catch (err) {
    if (err instanceof ChangedMeanwhile) throw new HyperfoldError('BAD_INPUT', `${err.message} Look at it again, then choose.`)
    throw err
  } finally {
    await disk.publisher.commit()
  }
}

// The path a copy is a version of. A copy whose name was shortened to fit no
// longer holds the original's whole name: the original is then the file
// beside it whose conflict copy would bear exactly that name.
async function originalOf(disk: Pick<ConflictDisk, 'index' | 'fs'>, copy: string, parsed: ConflictCopyName): Promise<string> {
  if (!parsed.shortened || (await disk.fs.stat(parsed.original)) !== null) return parsed.original
  const dir = parentOf(copy)
  for await (const [path] of disk.index.records(dir === '/' ? '' : dir)) {
    if (parentOf(path) === dir && isCopyOf(path, copy, parsed.marker)) return path
  }
  return parsed.original
}

// The copy's bytes become the original's newest version, a new edit made now.
async function replaceOriginal(disk: ConflictDisk, copy: string, original: string, seen: Stats): Promise<void> {
  const before = await disk.fs.stat(original)
  if (before?.isDirectory() === true) throw new HyperfoldError('BAD_INPUT', `${showInput(original)} is a directory now: keep both, or move it first.`)
  await disk.fs.writeFile(original, await disk.fs.readStream(copy), { mtimeMs: Date.now(), executable: (seen.mode & 0o111) !== 0, replaces: before })
  await publish(disk, original)
  await remove(disk, copy, seen)
}

async function remove(disk: ConflictDisk, path: string, seen: Stats): Promise<void> {
  await disk.fs.remove(path, seen)
  await disk.publisher.publish(path, null)
}

async function publish(disk: ConflictDisk, path: string): Promise<void> {
  const item = await scanPath(disk.fs.root, path)
  if (item?.type === 'error') throw new HyperfoldError('DISK_ERROR', item.message)
  await disk.publisher.publish(path, item)
}

// "notes (from laptop).txt" beside the original, "notes (from laptop 2).txt" when that is taken.
async function freeName(fs: FolderFs, original: string, deviceName: string): Promise<string> {
  const dir = parentOf(original)
  const { stem, ext } = splitExtension(original.slice(original.lastIndexOf('/') + 1))
  const who = safeName(deviceName)
  for (let n = 1; ; n++) {
    const tail = ` (from ${who}${n === 1 ? '' : ` ${n}`})${ext}`
    const name = fitBytes(stem, MAX_SEGMENT_BYTES - Buffer.byteLength(tail)) + tail
    const candidate = parseFolderPath(`${dir}/${name}`)
    if ((await fs.stat(candidate)) === null) return candidate
  }
}

// A peer chose its name: what no file name may hold on some disk becomes "_".
function safeName(name: string): string {
  const cleaned = [...name.replace(/[\p{Cc}/\\:*?"<>|]/gu, '_').trim()].slice(0, NAME_IN_FILE_CHARS).join('')
  return cleaned === '' ? 'another device' : cleaned
}

function iso(stats: Stats): string {
  return new Date(stats.mtimeMs).toISOString()
}
