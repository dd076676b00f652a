// Disk-level steps of the operations, on one device's folder root, recording
// each written content in the ledger.
import fs from 'fs/promises'
import path from 'path'
import type { Device } from './cluster'
import type { Ledger } from './ledger'
import type { Prng } from './prng'
import { sha256, snapshot } from './tree'

// Races with the engine's own writes (a remote delete, a type change) make a
// planned step impossible; then it is skipped, not failed.
const RACE_CODES = new Set(['ENOENT', 'ENOTDIR', 'EISDIR', 'ERR_FS_EISDIR', 'EEXIST', 'ENOTEMPTY', 'EINVAL', 'EBUSY'])

export function isRace(err: unknown): boolean {
  return RACE_CODES.has((err as NodeJS.ErrnoException).code ?? '')
}

export function abs(d: Device, p: string): string {
  return path.join(d.root, p)
}

// The file at p, or every file under the directory at p, with its sha256.
export async function contentsAt(d: Device, p: string): Promise<{ path: string; sha: string }[]> {
  const stats = await fs.lstat(abs(d, p)).catch(() => null)
  if (stats === null) return []
  if (stats.isFile()) return [{ path: p, sha: sha256(await fs.readFile(abs(d, p))) }]
  if (!stats.isDirectory()) return []
  const out: { path: string; sha: string }[] = []
  for (const [sub, node] of await snapshot(abs(d, p))) if (node.kind === 'file') out.push({ path: p + sub, sha: node.sha })
  return out
}

function pickSize(prng: Prng): number {
  const roll = prng.next()
  if (roll < 0.7) return prng.int(1, 4096)
  if (roll < 0.95) return prng.int(4096, 64 * 1024)
  return prng.int(64 * 1024, 256 * 1024)
}

export interface WriteSpec {
  prng: Prng
  ledger: Ledger
  seed: number
  round: number
  op: string
  device: Device
  path: string
  append?: boolean
  exec?: boolean // undefined: leave the mode as it is
}

// Writes fresh unique content (or appends some) in place, as an editor or a
// program would, and records it. Returns the bytes written.
export async function writeContent(spec: WriteSpec): Promise<number> {
  const { prng, ledger, device: d, path: p } = spec
  const id = ledger.nextId()
  const header = Buffer.from(`${spec.append === true ? '\n' : ''}soak seed ${spec.seed} round ${spec.round} write ${id} on ${d.name} at ${p}\n`)
  const body = Buffer.concat([header, prng.bytes(pickSize(prng))])
  await fs.mkdir(path.dirname(abs(d, p)), { recursive: true })
  if (spec.append === true) await fs.appendFile(abs(d, p), body)
  else await fs.writeFile(abs(d, p), body)
  if (spec.exec !== undefined) await fs.chmod(abs(d, p), spec.exec ? 0o755 : 0o644)
  const stats = await fs.stat(abs(d, p))
  const content = spec.append === true ? await fs.readFile(abs(d, p)) : body
  ledger.add({ round: spec.round, op: spec.op, writer: d.name, path: p, sha: sha256(content), size: stats.size, mtimeMs: Math.floor(stats.mtimeMs), holder: d })
  return stats.size
}
