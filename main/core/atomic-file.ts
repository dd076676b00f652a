// Small state files are replaced whole: write a temp file beside the target,
// fsync it, rename over the target. A crash leaves the old or the new file,
// never half of one.
import fs from 'fs/promises'
import path from 'path'
import { randomBytes } from 'crypto'

export async function writeFileAtomic(file: string, data: string | Uint8Array | AsyncIterable<Uint8Array>, mode = 0o600): Promise<void> {
  const tmp = path.join(path.dirname(file), `.${path.basename(file)}.${randomBytes(6).toString('hex')}.tmp`)
  const handle = await fs.open(tmp, 'wx', mode)
  try {
    if (typeof data === 'string' || data instanceof Uint8Array) await handle.writeFile(data)
    else for await (const chunk of data) await handle.write(chunk)
    await handle.sync()
  } finally {
    await handle.close()
  }
  try {
    await fs.rename(tmp, file)
  } catch (err) {
    await fs.rm(tmp, { force: true })
    throw err
  }
}

export async function readFileIfExists(file: string): Promise<string | null> {
  try {
    return await fs.readFile(file, 'utf8')
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null
    throw err
  }
}
