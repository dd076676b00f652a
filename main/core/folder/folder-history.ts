// Every version of one path across every writer's append-only drive, oldest
// first and numbered from 1, so that `restore --version N` names one of them.
import type Hyperdrive from 'hyperdrive'
import type { FileVersion } from '../../../contract/types'
import { parseEntryMeta } from './entry-meta'
import type { FolderDrives } from './folder-drives'

export interface StoredVersion extends FileVersion {
  drive: Hyperdrive
  seq: number
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
        seq: node.seq,
        device: meta.device,
        time: new Date(meta.mtime).toISOString(),
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

function pathOf(key: string | Uint8Array): string | null {
  const raw = Buffer.from(key)
  return raw.subarray(0, FILES_PREFIX.length).equals(FILES_PREFIX) ? raw.subarray(FILES_PREFIX.length).toString('utf8') : null
}
