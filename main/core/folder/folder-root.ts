// Where a shared folder may live on disk, and the marker that says it is there.
// The marker keeps an unmounted disk or a deleted folder from reading as
// "every file was deleted", and ties the directory to one folder id.
import fs from 'fs/promises'
import path from 'path'
import { HyperfoldError } from '../../../contract/errors'
import { writeFileAtomic } from '../atomic-file'
import { FOLDER_MARKER } from './folder-path'

export async function checkFolderRoot(dir: string, opts: { create: boolean; dataDir: string; others: string[] }): Promise<string> {
  const root = path.resolve(dir)
  const stats = await fs.stat(root).catch(() => null)
  if (stats === null && !opts.create) throw invalid(`${root} does not exist.`)
  if (stats !== null && !stats.isDirectory()) throw invalid(`${root} is a file, not a folder.`)
  if (overlaps(root, opts.dataDir)) throw invalid(`${root} holds Hyperfold's own data dir; choose another folder.`)
  const other = opts.others.find((o) => overlaps(root, o))
  if (other !== undefined) throw invalid(`${root} overlaps ${other}, which is already shared.`)
  if (stats === null) await fs.mkdir(root, { recursive: true })
  return root
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

function overlaps(a: string, b: string): boolean {
  const inside = (x: string, y: string) => x === y || x.startsWith(y.endsWith(path.sep) ? y : y + path.sep)
  return inside(a, path.resolve(b)) || inside(path.resolve(b), a)
}

function invalid(message: string): HyperfoldError {
  return new HyperfoldError('FOLDER_PATH_INVALID', message)
}
