// The running node leaves its API address and token in the data dir (0600), so
// the CLI on the same machine, as the same user, can find and use it.
import fs from 'fs/promises'
import path from 'path'
import { z } from 'zod'
import { HyperfoldError } from '../../contract/errors'
import { writeFileAtomic } from '../core/atomic-file'
import { safeJson } from '../core/safe-json'

const API_FILE = 'api.json'

const ApiFile = z.object({ url: z.string(), port: z.number(), token: z.string(), pid: z.number() })
export type ApiFile = z.infer<typeof ApiFile>

export async function writeApiFile(dataDir: string, info: ApiFile): Promise<void> {
  await writeFileAtomic(path.join(dataDir, API_FILE), JSON.stringify(info) + '\n', 0o600)
}

export async function removeApiFile(dataDir: string): Promise<void> {
  await fs.rm(path.join(dataDir, API_FILE), { force: true })
}

export async function readApiFile(dataDir: string): Promise<ApiFile> {
  const text = await fs.readFile(path.join(dataDir, API_FILE), 'utf8').catch(() => null)
  const parsed = ApiFile.safeParse(text === null ? undefined : safeJson(text))
  if (!parsed.success) throw notRunning(dataDir)
  return parsed.data
}

export function notRunning(dataDir: string): HyperfoldError {
  return new HyperfoldError(
    'NODE_NOT_RUNNING',
    `No Hyperfold node is running on ${dataDir}; start one with: hyperfold --data-dir ${JSON.stringify(dataDir)} serve`
  )
}
