// Every version of one path across every writer's append-only drive, oldest
// first and numbered from 1, so that `restore --version N` names one of them.
import type Hyperdrive from 'hyperdrive'
import type { DriveEntry } from 'hyperdrive'
import type { FileVersion } from '../../../contract/types'
import { mtimeText, parseEntryMeta } from './entry-meta'
import type { FolderDrives } from './folder-drives'

export interface StoredVersion extends FileVersion {
  drive: Hyperdrive
  seq: number // the drive's version minus one at which this is the path's newest entry
  executable: boolean
}

// A history node's key comes raw (bytes or a binary string): hyperdrive files its entries under the
// sub-encoder prefix "files" and a NUL before the path.
const FILES_PREFIX = Buffer.from('files\0')

// Reads each drive's whole history: simple and exact, linear in the drive's length.
export async function listVersions(drives: FolderDrives, path: string): Promise<StoredVersion[]> {
  const versions: Omit<StoredVersion, 'version'>[] = []
  for (const drive of drives.all()) {
    for await (const node of drive.db.createHistoryStream()) {
      if (pathOf(node.key) !== path || node.type !== 'put') continue
      const meta = parseEntryMeta(node.value.metadata)
      if (meta === null || meta.kind === 'directory') continue
      versions.push({
        drive,
        seq: (await visibleAt(drive, path, node.seq)) - 1,
        executable: node.value.executable === true,
        device: meta.device,
        time: mtimeText(meta.mtime),
        size: meta.size,
        deleted: meta.kind === 'deleted'
      })
    }
  }
  versions.sort((a, b) => a.time.localeCompare(b.time) || a.device.localeCompare(b.device) || a.seq - b.seq)
  return versions.map((v, i) => ({ ...v, version: i + 1 }))
}

export function publicVersion({ version, device, time, size, deleted }: StoredVersion): FileVersion {
  return { version, device, time, size, deleted }
}

export function pathOf(key: string | Uint8Array): string | null {
  const raw = Buffer.from(key)
  return raw.subarray(0, FILES_PREFIX.length).equals(FILES_PREFIX) ? raw.subarray(FILES_PREFIX.length).toString('utf8') : null
}

// The entry at a path as the drive stood at one version (null if none, or if
// that version is no whole tree: see visibleAt).
export async function entryAt(drive: Hyperdrive, path: string, version: number): Promise<DriveEntry | null> {
  const snapshot = drive.db.checkout(version)
  try {
    return await snapshot.get(FILES_PREFIX.toString('latin1') + path).catch(() => null)
  } finally {
    await snapshot.close()
  }
}

// Entries are appended in batches, and Hyperbee writes a whole tree only into
// a batch's last block: a version inside a batch cannot be checked out. An
// entry is visible from the first version after it whose tree finds it, at the
// latest its batch's end, since a path is staged at most once per batch.
async function visibleAt(drive: Hyperdrive, path: string, seq: number): Promise<number> {
  for (let version = seq + 1; version < drive.version; version++) {
    if ((await entryAt(drive, path, version))?.seq === seq) return version
  }
  return drive.version
}
