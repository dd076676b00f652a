// The bench's data: made from a seed with an AES-CTR key stream, so every run
// and every product gets the same bytes, and no two blocks are alike (Syncthing
// copies a block it already has instead of transferring it). Each data set
// comes with its manifest (path -> sha256), which the receiving side must match.
import fs from 'fs/promises'
import path from 'path'
import { createCipheriv, createHash } from 'crypto'
import { execFile } from 'child_process'
import { promisify } from 'util'

const CHUNK = 1 << 20
// What the products keep inside a synced folder, left out of every comparison.
const MARKERS = ['.hyperfold', '.stfolder', '.stversions', '.stignore']

export type Manifest = Map<string, string>

export interface DataSet {
  root: string
  files: number
  bytes: number
  manifest: Manifest
}

export class KeyStream {
  private readonly cipher

  constructor(seed: string) {
    const key = createHash('sha256').update(seed).digest()
    this.cipher = createCipheriv('aes-256-ctr', key, Buffer.alloc(16))
  }

  next(bytes: number): Buffer {
    return this.cipher.update(Buffer.alloc(bytes))
  }
}

export async function makeBigFile(root: string, name: string, bytes: number, seed: string): Promise<DataSet> {
  await fs.mkdir(root, { recursive: true })
  const stream = new KeyStream(seed)
  const hash = createHash('sha256')
  const handle = await fs.open(path.join(root, name), 'w')
  try {
    for (let done = 0; done < bytes; done += CHUNK) {
      const chunk = stream.next(Math.min(CHUNK, bytes - done))
      hash.update(chunk)
      await handle.write(chunk)
    }
  } finally {
    await handle.close()
  }
  return { root, files: 1, bytes, manifest: new Map([[name, hash.digest('hex')]]) }
}

// `files` files of `size` bytes, spread evenly over `dirs` subfolders: d000/f00000.bin ...
export async function makeManyFiles(root: string, files: number, dirs: number, size: number, seed: string): Promise<DataSet> {
  const stream = new KeyStream(seed)
  const manifest: Manifest = new Map()
  for (let d = 0; d < dirs; d++) await fs.mkdir(path.join(root, dirName(d)), { recursive: true })
  const BATCH = 64
  for (let start = 0; start < files; start += BATCH) {
    const writes: Promise<void>[] = []
    for (let i = start; i < Math.min(files, start + BATCH); i++) {
      const rel = path.join(dirName(i % dirs), `f${String(i).padStart(6, '0')}.bin`)
      const content = stream.next(size)
      manifest.set(rel, createHash('sha256').update(content).digest('hex'))
      writes.push(fs.writeFile(path.join(root, rel), content))
    }
    await Promise.all(writes)
  }
  return { root, files, bytes: files * size, manifest }
}

function dirName(d: number): string {
  return `d${String(d).padStart(3, '0')}`
}

// Path -> sha256 of every regular file under root (the products' markers left out).
export async function hashTree(root: string): Promise<Manifest> {
  const out: Manifest = new Map()
  for (const rel of await listFiles(root)) out.set(rel, await hashFile(path.join(root, rel)))
  return out
}

export async function listFiles(root: string): Promise<string[]> {
  const entries = await fs.readdir(root, { recursive: true, withFileTypes: true })
  return entries
    .filter((e) => e.isFile())
    .map((e) => path.relative(root, path.join(e.parentPath, e.name)))
    .filter((rel) => !MARKERS.some((m) => rel === m || rel.startsWith(m + path.sep)))
    .sort()
}

export async function hashFile(file: string): Promise<string> {
  const hash = createHash('sha256')
  const handle = await fs.open(file, 'r')
  try {
    for await (const chunk of handle.createReadStream({ highWaterMark: CHUNK })) hash.update(chunk as Buffer)
  } finally {
    await handle.close().catch(() => undefined)
  }
  return hash.digest('hex')
}

// Throws, naming the first differences, unless `root` holds exactly the data set's files and bytes.
export async function verifyTree(root: string, expected: Manifest, what: string): Promise<void> {
  const actual = await hashTree(root)
  const problems: string[] = []
  for (const [rel, sum] of expected) {
    const got = actual.get(rel)
    if (got === undefined) problems.push(`missing ${rel}`)
    else if (got !== sum) problems.push(`different bytes in ${rel}`)
  }
  for (const rel of actual.keys()) if (!expected.has(rel)) problems.push(`unexpected ${rel}`)
  if (problems.length > 0) {
    throw new Error(`VERIFY FAILED: ${what}: ${problems.length} problem(s): ${problems.slice(0, 5).join('; ')}`)
  }
}

// Bytes on disk (allocated blocks), as `du -s --block-size=1` counts them. `apparent`: the files'
// lengths instead, which leave out space a running database holds preallocated beyond them.
export async function diskUsage(dir: string, apparent = false): Promise<number> {
  const { stdout } = await promisify(execFile)('du', ['-s', '--block-size=1', ...(apparent ? ['--apparent-size'] : []), dir])
  return Number(stdout.split(/\s/)[0])
}

export async function freeBytes(dir: string): Promise<number> {
  const stats = await fs.statfs(dir)
  return stats.bavail * stats.bsize
}
