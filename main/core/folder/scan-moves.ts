// Files a rescan finds moved: renamed while the node was not running (or
// while its watcher was not looking). A scan meets paths in order, so a file's
// old name and its new one come in either order: the deletions of recorded
// files and the files with no record (both big enough to have a chunk list)
// are held back until the walk is over, then paired by inode, size, mtime and
// mode, the watcher's own test (see LocalSide.publishedAsMove).
import { CHUNK_MIN } from './chunk-cuts'
import type { IndexRecord } from './local-index'
import { sameFile } from './publisher'
import type { ScanPair } from './scan-diff'
import type { ScanEntry } from './scanner'

// New files held back at most: past that, a scan that finds many (a big
// import) publishes the rest as it meets them.
const NEW_FILES_HELD = 10_000

// Whether the file found on disk is the one recorded, moved: the same inode,
// size, mtime and mode (the scanner's test of an unchanged file, and the inode).
export function isMovedFile(record: IndexRecord, disk: ScanEntry): boolean {
  return record.kind === 'file' && disk.type === 'file' && record.ino === disk.ino && sameFile(record, disk)
}

export type Move = { from: string; old: IndexRecord; to: string; disk: ScanEntry; record: IndexRecord | null }

export class ScanMoves {
  private readonly gone = new Map<number, [string, IndexRecord]>() // by inode, in the order met
  private readonly found: ScanPair[] = []

  // Whether the pair waits for the end of the walk. (A record from before
  // inodes were kept has none to be paired by.)
  holds({ path, disk, record }: ScanPair): boolean {
    if (disk === null && record?.kind === 'file' && record.size >= CHUNK_MIN && record.ino !== undefined) {
      this.gone.set(record.ino, [path, record])
      return true
    }
    const isNew = disk?.type === 'file' && disk.size >= CHUNK_MIN && (record === null || record.kind === 'deleted')
    if (!isNew || this.found.length >= NEW_FILES_HELD) return false
    this.found.push({ path, disk, record })
    return true
  }

  // The new files that are gone files moved, and those that are not.
  pairs(): { moves: Move[]; others: ScanPair[] } {
    const moves: Move[] = []
    const others: ScanPair[] = []
    for (const pair of this.found) {
      const gone = this.gone.get(pair.disk!.ino)
      if (gone === undefined || !isMovedFile(gone[1], pair.disk!)) {
        others.push(pair)
        continue
      }
      this.gone.delete(pair.disk!.ino)
      moves.push({ from: gone[0], old: gone[1], to: pair.path, disk: pair.disk!, record: pair.record })
    }
    return { moves, others }
  }

  // The deletions no move took, in the order met.
  deletions(): ScanPair[] {
    return [...this.gone.values()].map(([path, record]) => ({ path, disk: null, record }))
  }
}
