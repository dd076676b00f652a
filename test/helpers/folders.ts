// Two or more nodes joined on one topic, with real folders on disk.
import fs from 'fs/promises'
import path from 'path'
import { createHash } from 'crypto'
import type Hyperdrive from 'hyperdrive'
import type { HyperfoldNode } from '../../main/core/node'
import type { SharedFolder } from '../../main/core/folder/shared-folder'
import { type TestEnv, nextEvent } from './env'

export async function joinedNodes(
  env: TestEnv,
  count: number,
  opts: Parameters<TestEnv['startNode']>[0] = {}
): Promise<{ nodes: HyperfoldNode[]; topic: string }> {
  const nodes = await Promise.all(Array.from({ length: count }, () => env.startNode(opts)))
  await Promise.all(nodes.map((node, i) => node.setName(`device-${i}`)))
  const created = await nodes[0]!.createTopic('family')
  const seen = nodes.slice(1).map((node) => nextEvent(node, 'peer.joined'))
  for (const node of nodes.slice(1)) await node.joinTopic(created.keyphrase!)
  await Promise.all(seen)
  return { nodes, topic: created.id }
}

export async function waitOffered(node: HyperfoldNode, name: string): Promise<void> {
  if (node.folders.list().some((f) => f.name === name)) return
  await nextEvent(node, 'folder.updated', (f) => f.name === name)
}

// Path -> sha256 of every file under root, leaving out Hyperfold's marker.
// A file gone between the listing and its read (a sync's temp file, renamed
// into place meanwhile) is left out: the callers poll until the trees agree.
export async function treeHashes(root: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {}
  for (const entry of await fs.readdir(root, { recursive: true, withFileTypes: true })) {
    const abs = path.join(entry.parentPath, entry.name)
    const rel = path.relative(root, abs)
    if (rel.startsWith('.hyperfold') || !entry.isFile()) continue
    const bytes = await fs.readFile(abs).catch((err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT') return null
      throw err
    })
    if (bytes !== null) out[rel] = createHash('sha256').update(bytes).digest('hex')
  }
  return out
}

export async function writeTree(root: string, files: Record<string, string | Buffer>): Promise<void> {
  for (const [rel, content] of Object.entries(files)) {
    await fs.mkdir(path.dirname(path.join(root, rel)), { recursive: true })
    await fs.writeFile(path.join(root, rel), content)
  }
}

// A folder's own drive on a node, to write into it as a modified client could.
export function ownDrive(node: HyperfoldNode, folderId: string): Hyperdrive {
  return (node.folders as unknown as { open: Map<string, { drives: { own: Hyperdrive } }> }).open.get(folderId)!.drives.own
}

// A folder as its node runs it, to reach what the API does not (a full scan now, its drives).
export function sharedFolder(node: HyperfoldNode, name: string): SharedFolder {
  const open = (node.folders as unknown as { open: Map<string, SharedFolder> }).open
  return [...open.values()].find((f) => f.config.name === name)!
}

export async function fileHolds(file: string, content: string): Promise<true | undefined> {
  return (await fs.readFile(file, 'utf8').catch(() => null)) === content ? true : undefined
}
