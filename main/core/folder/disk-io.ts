// The file system calls of the hot paths (a pull writes, a scan reads, both
// lstat, once per file): the slow ones as promises over Node's callback API
// and plain file descriptors, the quick ones synchronous and paced (below).
// fs/promises wraps each call in a FileHandle and a promise request of its
// own; measured on ten thousand 4 KiB writes here, that cost the event loop
// 2.5 times as much time as these.
import fs from 'fs'
import { performance } from 'perf_hooks'
import { setImmediate as nextTurn } from 'timers/promises'
import { promisify } from 'util'
import { CHUNK_MAX } from './chunk-cuts'

export const io = {
  open: promisify(fs.open),
  close: promisify(fs.close),
  read: promisify(fs.read),
  write: promisify(fs.write),
  writev: promisify(fs.writev) as (fd: number, buffers: readonly NodeJS.ArrayBufferView[]) => Promise<{ bytesWritten: number }>,
  fsync: promisify(fs.fsync),
  rename: promisify(fs.rename),
  lstat: promisify(fs.lstat),
  mkdir: promisify(fs.mkdir)
}

// The names in a directory; none when it is not there (yet).
export async function listDir(dir: string): Promise<string[]> {
  try {
    return await fs.promises.readdir(dir)
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return []
    throw err
  }
}

// Reads until `length` bytes are in or the file ends (fs.read may return fewer
// before its end); returns how many came.
export async function readFull(fd: number, buffer: Buffer, at: number, length: number, position: number): Promise<number> {
  if (length <= NOW_BYTES) {
    await pace()
    return readFullNow(fd, buffer, at, length, position)
  }
  let total = 0
  while (total < length) {
    const { bytesRead } = await io.read(fd, buffer, at + total, length - total, position + total)
    if (bytesRead === 0) break
    total += bytesRead
  }
  return total
}

// Reads and writes this small are made synchronously (see pace): a small
// file's whole content, or any chunk a peer asks for (CHUNK_MAX). A cold
// disk's seek costs the same for 64 KiB as for 256; from the page cache 256
// KiB copy in ~30 us, far less than a trip through the pool. With half the
// chunks of a big file (those over 64 KiB) read on the pool, the sender's
// reads waited there: 1 GiB A -> B 11.4-12.9 -> 10.5-11.0 s, the sender's
// CPU 6.0-6.3 -> 4.9 s.
export const NOW_BYTES = CHUNK_MAX

function readFullNow(fd: number, buffer: Buffer, at: number, length: number, position: number): number {
  let total = 0
  while (total < length) {
    const read = fs.readSync(fd, buffer, at + total, length - total, position + total)
    if (read === 0) break
    total += read
  }
  return total
}

// An lstat, an open or a close on a warm cache takes a few microseconds; sent
// to the thread pool, each also pays the trip there and back: twice the CPU,
// and a rescan of 100,000 unchanged files spent half its time waiting on the
// four pool threads. The hot metadata calls are therefore made synchronously,
// and after SLICE_MS of them in a row the event loop gets a turn (pace), so
// that peers' messages and the API are answered within milliseconds. A cold
// disk can make one call slow, never a whole walk. fsync and bulk reads and
// writes stay on the pool: those take long by nature.
const SLICE_MS = 4
let sliceStart = performance.now()

// Awaited before each synchronous call; a turn of the event loop once the slice is used up.
export async function pace(): Promise<void> {
  if (performance.now() - sliceStart < SLICE_MS) return
  await nextTurn()
  sliceStart = performance.now()
}

export const now = {
  // Null when nothing is there, a file on the way included.
  lstat(file: string): fs.Stats | null {
    try {
      return fs.lstatSync(file, { throwIfNoEntry: false }) ?? null
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOTDIR') return null
      throw err
    }
  },
  open: fs.openSync,
  fstat: (fd: number) => fs.fstatSync(fd),
  close: fs.closeSync,
  write: fs.writeSync,
  writev: fs.writevSync,
  futimes: fs.futimesSync,
  fchmod: fs.fchmodSync,
  mkdir: fs.mkdirSync
}
