// What a folder root holds, as the convergence check compares it: every file
// (sha256, executable bit), every directory (empty ones too), anything else by
// kind; Hyperfold's own marker directory is left out.
import fs from 'fs/promises'
import path from 'path'
import { createHash } from 'crypto'

export type TreeNode = { kind: 'dir' } | { kind: 'file'; sha: string; size: number; exec: boolean } | { kind: 'other' }
export type Tree = Map<string, TreeNode> // folder path ("/a/b") -> node

const MARKER = '/.hyperfold'

export async function snapshot(root: string): Promise<Tree> {
  const tree: Tree = new Map()
  await walk(root, '', tree)
  return tree
}

async function walk(root: string, dir: string, tree: Tree): Promise<void> {
  const names = await fs.readdir(path.join(root, dir)).catch(() => [] as string[])
  for (const name of names.sort()) {
    const p = `${dir}/${name}`
    if (p === MARKER) continue
    const stats = await fs.lstat(path.join(root, p)).catch(() => null)
    if (stats === null) continue
    if (stats.isDirectory()) {
      tree.set(p, { kind: 'dir' })
      await walk(root, p, tree)
    } else if (stats.isFile()) {
      const bytes = await fs.readFile(path.join(root, p)).catch(() => null)
      if (bytes === null) continue
      tree.set(p, { kind: 'file', sha: sha256(bytes), size: bytes.length, exec: (stats.mode & 0o111) !== 0 })
    } else {
      tree.set(p, { kind: 'other' })
    }
  }
}

export function sha256(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex')
}

export function describe(node: TreeNode | undefined): string {
  if (node === undefined) return 'missing'
  if (node.kind === 'file') return `file ${node.size} B ${node.sha.slice(0, 8)}${node.exec ? ' +x' : ''}`
  return node.kind
}

// The paths on which the trees disagree, each with what every tree has there.
export function differences(trees: Tree[]): { path: string; seen: string[] }[] {
  const paths = new Set<string>()
  for (const tree of trees) for (const p of tree.keys()) paths.add(p)
  const out: { path: string; seen: string[] }[] = []
  for (const p of [...paths].sort()) {
    const seen = trees.map((t) => describe(t.get(p)))
    if (seen.some((s) => s !== seen[0])) out.push({ path: p, seen })
  }
  return out
}
