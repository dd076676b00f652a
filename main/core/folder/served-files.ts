// The files this device serves chunks from, kept open while peers read them.
// A peer fetching a 1 GiB file asks for 16,000 chunks of it, many at a time:
// an open, an fstat and a close around every read cost more than the read,
// and on the serving device they were most of the main thread's work.
//
// A file is closed as soon as no read uses it, after one turn of the event
// loop in which the next request usually arrives: nothing stays open once
// peers stop asking, so a folder on a removable disk can be unmounted right
// after a sync. A file replaced while open still answers from the old bytes:
// every chunk read here is checked against its hash by the caller, which asks
// again with `fresh` when it does not match.
import { now, readFull } from './disk-io'
import type { FolderFs } from './folder-fs'

const MAX_OPEN = 16

interface OpenFile {
  fd: Promise<number | null>
  reading: number
  dropped: boolean
}

export class ServedFiles {
  private fs: FolderFs | null = null
  private readonly files = new Map<string, OpenFile>()

  // `size` bytes at `offset` of the file at `path` in `fs`, or null when it is
  // not there or too short. `fresh` opens the file again (a read did not match).
  async read(fs: FolderFs, path: string, offset: number, size: number, fresh = false): Promise<Buffer | null> {
    if (fs !== this.fs) this.close() // the folder's local side restarted: its paths may lead elsewhere now
    this.fs = fs
    if (fresh) this.drop(path)
    const file = this.open(fs, path)
    file.reading++
    try {
      const fd = await file.fd
      if (fd === null) return this.failed(path, file)
      const buffer = Buffer.allocUnsafe(size)
      const got = await readFull(fd, buffer, 0, size, offset).catch(() => -1)
      if (got === -1) return this.failed(path, file)
      return got === size ? buffer : null
    } finally {
      file.reading--
      if (file.reading === 0 && file.dropped) closeFd(file)
      else if (file.reading === 0) setImmediate(() => this.idle(path, file))
    }
  }

  close(): void {
    for (const path of [...this.files.keys()]) this.drop(path)
  }

  private failed(path: string, file: OpenFile): null {
    this.drop(path, file)
    return null
  }

  private open(fs: FolderFs, path: string): OpenFile {
    const found = this.files.get(path)
    if (found !== undefined) return found
    if (this.files.size >= MAX_OPEN) this.drop(this.files.keys().next().value!)
    const fd = fs.openFile(path).then(
      (opened) => opened.fd,
      () => null
    )
    const file = { fd, reading: 0, dropped: false }
    this.files.set(path, file)
    return file
  }

  private idle(path: string, file: OpenFile): void {
    if (file.reading === 0) this.drop(path, file)
  }

  // An fd is closed once no read uses it: closed under a read, its number could go to another file.
  private drop(path: string, file = this.files.get(path)): void {
    if (file === undefined || file.dropped) return
    if (this.files.get(path) === file) this.files.delete(path)
    file.dropped = true
    if (file.reading === 0) closeFd(file)
  }
}

// Synchronous (see disk-io): sent to the thread pool, these closes took 1.6 s
// of the sender's main thread serving a 10,000-file sync.
function closeFd(file: OpenFile): void {
  void file.fd.then((fd) => {
    if (fd === null) return
    try {
      now.close(fd)
    } catch {
      // closed already: nothing to give back
    }
  })
}
