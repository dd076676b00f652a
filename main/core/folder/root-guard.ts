// Whether a synced folder's root is still the directory its local side
// started on. A root deleted with everything in it, moved away, swapped for an
// empty directory, or left behind as a bare mount point by an unmounted disk
// reads, to a scan or a watcher, exactly like "every file was deleted here";
// published, that would delete the files on every other device. The marker
// directory tells the two apart: a person who deletes every file keeps it
// (it is hidden: `rm root/*` and file managers leave it), an rm -rf of the
// root or an unmount does not. The root's file system and the marker's inode tell a root
// put back by another disk or another directory from the one that was here.
import fs from 'fs/promises'
import path from 'path'
import { HyperfoldError } from '../../../contract/errors'
import { FOLDER_MARKER } from './folder-path'

interface Identity {
  rootDev: bigint
  markerDev: bigint
  markerIno: bigint
}

// Thrown where local work meets a root that failed its check; the folder
// has been told already (through onlost), so callers just stop.
export class RootMissing extends HyperfoldError {
  constructor(message: string) {
    super('FOLDER_NOT_LOCAL', message)
  }
}

export class RootGuard {
  readonly root: string
  private readonly folderId: string
  private readonly taken: Identity
  private readonly onlost: (message: string) => void
  private failure: string | null = null

  private constructor(root: string, folderId: string, taken: Identity, onlost: (message: string) => void) {
    this.root = root
    this.folderId = folderId
    this.taken = taken
    this.onlost = onlost
  }

  // A guard over the root as it is now, or why there is none (the message to show).
  static async take(root: string, folderId: string, onlost: (message: string) => void = () => undefined): Promise<RootGuard | string> {
    const found = await identify(root, folderId)
    return typeof found === 'string' ? found : new RootGuard(root, folderId, found, onlost)
  }

  // Null while the root is the one taken. Once it is not, the answer stays
  // the same for good and onlost is called once: a root that comes back gets
  // a new guard (and a full scan), never this one again.
  async check(): Promise<string | null> {
    if (this.failure !== null) return this.failure
    const found = await identify(this.root, this.folderId)
    const failure = typeof found === 'string' ? found : changed(this.root, this.taken, found)
    if (failure === null) return null
    if (this.failure === null) {
      this.failure = failure
      this.onlost(failure)
    }
    return this.failure
  }

  async assert(): Promise<void> {
    const failure = await this.check()
    if (failure !== null) throw new RootMissing(failure)
  }
}

async function identify(root: string, folderId: string): Promise<Identity | string> {
  const marker = path.join(root, FOLDER_MARKER)
  const rootStats = await fs.stat(root, { bigint: true }).catch(() => null)
  const markerStats = await fs.stat(marker, { bigint: true }).catch(() => null)
  if (rootStats?.isDirectory() !== true || markerStats?.isDirectory() !== true) {
    return `${root} is missing or not mounted (no ${FOLDER_MARKER} marker in it); it stays untouched until it is back.`
  }
  const named = await fs.readFile(path.join(marker, 'folder.json'), 'utf8').then(idIn, () => null)
  if (named !== folderId) {
    return `${root} holds no ${FOLDER_MARKER} marker of this folder (another folder's, or an unreadable one); it stays untouched until it is back.`
  }
  return { rootDev: rootStats.dev, markerDev: markerStats.dev, markerIno: markerStats.ino }
}

function changed(root: string, taken: Identity, now: Identity): string | null {
  if (now.rootDev !== taken.rootDev) {
    return `${root} is on another file system than when it started (a disk unmounted or swapped); it stays untouched until it is checked again.`
  }
  if (now.markerDev !== taken.markerDev || now.markerIno !== taken.markerIno) {
    return `${root} was replaced by another directory; it stays untouched until it is checked again.`
  }
  return null
}

function idIn(text: string): string | null {
  try {
    const id = (JSON.parse(text) as { id?: unknown }).id
    return typeof id === 'string' ? id : null
  } catch {
    return null
  }
}
