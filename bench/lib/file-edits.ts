// Changes to one big file and the wait for another device's copy to hold
// them. The expected bytes are known before the change is made: their sha256
// is computed from the file as it stands with the change spliced in, so the
// clock never runs while the bench itself hashes the source.
import fs from 'fs/promises'
import path from 'path'
import { createHash } from 'crypto'
import { createReadStream, createWriteStream } from 'fs'
import { pipeline } from 'stream/promises'
import { hashFile } from './data'
import { pollUntil } from './time'

const CHUNK = 1 << 20
const POLL_MS = 10
// How much of each end of the file the quick check compares.
const PROBE_BYTES = 64 << 10

export interface Expected {
  size: number
  sha256: string
  // Byte ranges a quick check compares before the whole file is hashed.
  regions: { offset: number; bytes: Buffer }[]
}

// The file once `bytes` overwrite it at `offset` (`insert`: pushed in there instead).
export async function expectSplice(file: string, offset: number, bytes: Buffer, insert: boolean): Promise<Expected> {
  const { size } = await fs.stat(file)
  const hash = createHash('sha256')
  const handle = await fs.open(file, 'r')
  try {
    await hashRange(handle, 0, offset, hash)
    hash.update(bytes)
    await hashRange(handle, insert ? offset : offset + bytes.length, size, hash)
  } finally {
    await handle.close()
  }
  const newSize = insert ? size + bytes.length : size
  // An insert moves the end of the file: its last bytes show it, as long as the insert was not there.
  const regions = [{ offset, bytes }]
  if (insert && offset < size - PROBE_BYTES) regions.push(await tail(file, newSize, bytes.length))
  return { size: newSize, sha256: hash.digest('hex'), regions }
}

// The file as it is now (a rename or a copy of it elsewhere must hold this).
export async function expectSame(file: string): Promise<Expected> {
  const { size } = await fs.stat(file)
  const head = await readRange(file, 0, Math.min(PROBE_BYTES, size))
  return { size, sha256: await hashFile(file), regions: [{ offset: 0, bytes: head }, await tail(file, size, 0)] }
}

// Overwrites in place, as a database or a disk image is written.
export async function overwrite(file: string, offset: number, bytes: Buffer): Promise<void> {
  const handle = await fs.open(file, 'r+')
  try {
    await handle.write(bytes, 0, bytes.length, offset)
  } finally {
    await handle.close()
  }
}

// Bytes in front of the file: written whole beside it (outside the folder) and renamed over it, as an editor saves.
export async function prepend(file: string, bytes: Buffer, scratchDir: string): Promise<void> {
  const temp = path.join(scratchDir, `prepend-${path.basename(file)}`)
  await fs.writeFile(temp, bytes)
  await pipeline(createReadStream(file, { highWaterMark: CHUNK }), createWriteStream(temp, { flags: 'a' }))
  await fs.rename(temp, file)
}

// Polls `file` every 10 ms; returns the moment (performance.now()) its size and
// probe ranges first matched, once a hash of the whole file confirms it.
export async function waitForFile(file: string, expect: Expected, timeoutMs: number, what: string): Promise<number> {
  let matchedAt = 0
  await pollUntil(
    what,
    timeoutMs,
    async () => {
      if (!(await quickMatch(file, expect))) return false
      matchedAt = performance.now()
      return (await hashFile(file).catch(() => '')) === expect.sha256
    },
    POLL_MS
  )
  return matchedAt
}

export async function readRange(file: string, offset: number, length: number): Promise<Buffer> {
  const handle = await fs.open(file, 'r')
  try {
    const buffer = Buffer.alloc(length)
    const { bytesRead } = await handle.read(buffer, 0, length, offset)
    return buffer.subarray(0, bytesRead)
  } finally {
    await handle.close()
  }
}

async function quickMatch(file: string, expect: Expected): Promise<boolean> {
  const stat = await fs.stat(file).catch(() => null)
  if (stat === null || stat.size !== expect.size) return false
  for (const region of expect.regions) {
    const got = await readRange(file, region.offset, region.bytes.length).catch(() => null)
    if (got === null || !got.equals(region.bytes)) return false
  }
  return true
}

// The file's last bytes as they will be once `shift` bytes are inserted before them.
async function tail(file: string, newSize: number, shift: number): Promise<{ offset: number; bytes: Buffer }> {
  const length = Math.min(PROBE_BYTES, newSize)
  return { offset: newSize - length, bytes: await readRange(file, newSize - length - shift, length) }
}

async function hashRange(handle: fs.FileHandle, start: number, end: number, hash: ReturnType<typeof createHash>): Promise<void> {
  if (end <= start) return
  for await (const chunk of handle.createReadStream({ start, end: end - 1, highWaterMark: CHUNK, autoClose: false })) hash.update(chunk as Buffer)
}
