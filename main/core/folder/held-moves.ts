// The deletions the watcher holds (see DeletionDelay) that may be the old
// half of a move: files big enough to have a chunk list, and directories,
// whose files are looked up by inode once a new file could have come from
// them (a directory renamed reports itself alone). A move's two halves come
// within moments of each other, so only the latest held files are looked at.
import { CHUNK_MIN } from './chunk-cuts'
import type { IndexRecord, LocalIndex } from './local-index'
import type { ScanEntry } from './scanner'

const FILES_LOOKED_AT = 64

export class HeldMoves {
  private readonly index: LocalIndex
  private readonly flush: () => Promise<void> // writes what is staged, for records() to read it
  private readonly files = new Set<string>()
  private readonly dirs = new Map<string, Map<number, string> | null>() // with their files by inode, once looked at

  constructor(index: LocalIndex, flush: () => Promise<void>) {
    this.index = index
    this.flush = flush
  }

  // The deletion of `path`, recorded as `record`, is held.
  held(path: string, record: IndexRecord | null): void {
    if (record?.kind === 'file' && record.size >= CHUNK_MIN) this.files.add(path)
    if (record?.kind === 'directory' && !this.dirs.has(path)) this.dirs.set(path, null)
  }

  // The path is not held (any more), or its file was taken as moved.
  done(path: string): void {
    this.files.delete(path)
    this.dirs.delete(path)
  }

  // The latest held files.
  latest(): string[] {
    return [...this.files].slice(-FILES_LOOKED_AT)
  }

  // The held file, or the file in a held directory, recorded with the item's inode.
  async sourceOf(item: ScanEntry): Promise<string | null> {
    for (const from of this.latest()) if ((await this.index.get(from))?.ino === item.ino) return from
    for (const [dir, known] of this.dirs) {
      const byInode = known ?? (await this.filesByInode(dir))
      this.dirs.set(dir, byInode)
      const from = byInode.get(item.ino)
      if (from === undefined) continue
      byInode.delete(item.ino)
      return from
    }
    return null
  }

  private async filesByInode(dir: string): Promise<Map<number, string>> {
    await this.flush()
    const files = new Map<number, string>()
    for await (const [sub, r] of this.index.records(dir)) if (r.kind === 'file' && r.ino !== undefined && r.size >= CHUNK_MIN) files.set(r.ino, sub)
    return files
  }
}
