// Temp dirs and other things a unit test opens, undone after each test in reverse order.
import fs from 'fs/promises'
import os from 'os'
import path from 'path'
import { afterEach } from 'vitest'

type Cleanup = () => Promise<unknown>

export function scratch(prefix: string): { tempDir(): Promise<string>; cleanups: Cleanup[] } {
  const cleanups: Cleanup[] = []
  afterEach(async () => {
    while (cleanups.length > 0) await cleanups.pop()!()
  })
  const tempDir = async (): Promise<string> => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), prefix))
    cleanups.push(() => fs.rm(dir, { recursive: true, force: true }))
    return dir
  }
  return { tempDir, cleanups }
}
