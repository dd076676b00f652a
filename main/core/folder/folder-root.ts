// Where a shared folder may live on disk, and the marker that says it is there.
// The marker keeps an unmounted disk or a deleted folder from reading as
// "every file was deleted", and ties the directory to one folder id.
import fs from 'fs/promises'
import type { Stats } from 'fs'
import path from 'path'
import { HyperfoldError, systemError } from '../../../contract/errors'
import { showInput } from '../../../contract/text'
import { writeFileAtomic } from '../atomic-file'
import { FOLDER_MARKER } from './folder-path'

export async function checkFolderRoot(dir: string, opts: { create: boolean; dataDir: string; others: string[] }): Promise<string> {
  const root = absolute(dir)
  const stats = await statOrNull(root)
  if (stats === null && !opts.create) throw invalid(`${show(root)} does not exist.`)
  if (stats !== null && !stats.isDirectory()) throw invalid(`${show(root)} is a file, not a folder.`)
  // Real paths: a symlink to the data dir, or into it, must not get past this.
  const real = await realLocation(root)
  if (overlaps(real, await realLocation(opts.dataDir))) throw invalid(`${show(root)} holds or is inside Hyperfold's own data dir; choose another folder.`)
  for (const other of opts.others) {
    if (overlaps(real, await realLocation(other).catch(() => other))) throw invalid(`${show(root)} overlaps ${show(other)}, which is already shared.`)
  }
  if (stats === null) await fs.mkdir(root, { recursive: true }).catch(rethrow(root))
  return root
}

// Where `get` may write a file: an absolute path in an existing folder, never
// a folder itself and never inside the data dir (which holds the device's secret key).
export async function checkFileTarget(file: string, dataDir: string): Promise<string> {
  const target = absolute(file)
  if ((await statOrNull(target))?.isDirectory()) throw new HyperfoldError('BAD_INPUT', `${show(target)} is a folder; name the file to write.`)
  const parent = await statOrNull(path.dirname(target))
  if (parent === null) throw invalid(`${show(path.dirname(target))} does not exist; create that folder first.`)
  if (!parent.isDirectory()) throw invalid(`${show(path.dirname(target))} is a file, not a folder.`)
  if (overlaps(await realLocation(target), await realLocation(dataDir))) throw invalid(`${show(target)} is inside Hyperfold's own data dir; choose another place.`)
  return target
}

export async function markFolderRoot(root: string, folderId: string): Promise<void> {
  const marker = path.join(root, FOLDER_MARKER)
  const existing = await fs.readFile(path.join(marker, 'folder.json'), 'utf8').catch(() => null)
  if (existing !== null && !existing.includes(`"${folderId}"`)) {
    throw invalid(`${root} already belongs to another Hyperfold folder (see ${FOLDER_MARKER}/folder.json).`)
  }
  await fs.mkdir(marker, { recursive: true })
  await writeFileAtomic(path.join(marker, 'folder.json'), JSON.stringify({ id: folderId }) + '\n', 0o644)
}

export async function unmarkFolderRoot(root: string): Promise<void> {
  await fs.rm(path.join(root, FOLDER_MARKER), { recursive: true, force: true })
}

// The node cannot know its caller's directory: a relative path would silently mean the node's own.
function absolute(p: string): string {
  if (p.includes('\0')) throw new HyperfoldError('BAD_INPUT', 'A path cannot contain a NUL character.')
  if (!path.isAbsolute(p)) throw new HyperfoldError('BAD_INPUT', `A path on this device must be absolute, not "${show(p)}".`)
  return path.resolve(p)
}

// The real path of p, or for a p not there yet, of its nearest existing ancestor with the rest appended.
async function realLocation(p: string): Promise<string> {
  try {
    return await fs.realpath(p)
  } catch (err) {
    const parent = path.dirname(p)
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT' || parent === p) throw systemError(err, p) ?? err
    return path.join(await realLocation(parent), path.basename(p))
  }
}

async function statOrNull(p: string): Promise<Stats | null> {
  return fs.stat(p).catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') return null
    throw systemError(err, p) ?? err
  })
}

function rethrow(p: string): (err: unknown) => never {
  return (err) => {
    throw systemError(err, p) ?? err
  }
}

function show(p: string): string {
  return showInput(p, 240)
}

function overlaps(a: string, b: string): boolean {
  const inside = (x: string, y: string) => x === y || x.startsWith(y.endsWith(path.sep) ? y : y + path.sep)
  return inside(a, path.resolve(b)) || inside(path.resolve(b), a)
}

function invalid(message: string): HyperfoldError {
  return new HyperfoldError('FOLDER_PATH_INVALID', message)
}
