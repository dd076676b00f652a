// The random operations of a round. Each picks its device and targets with the
// seeded PRNG from the harness's model of the device's folder, acts on disk
// (or on the serve process), and says what it did in one trace line.
import fs from 'fs/promises'
import path from 'path'
import { type Device, FOLDER } from './cluster'
import { abs, contentsAt, isRace, writeContent } from './disk'
import type { Journal } from './journal'
import type { Ledger } from './ledger'
import type { Model } from './model'
import type { Prng } from './prng'
import { snapshot } from './tree'

export const OP_KINDS = [
  'create', 'overwrite', 'append', 'delete', 'rename-file', 'mkdir', 'rmdir', 'rename-dir',
  'file-to-dir', 'dir-to-file', 'conflict', 'pause', 'resume', 'kill', 'restart', 'rm-root'
] as const
export type OpKind = (typeof OP_KINDS)[number]

export const DEFAULT_WEIGHTS: Record<OpKind, number> = {
  create: 14, overwrite: 10, append: 5, delete: 6, 'rename-file': 6, mkdir: 4, rmdir: 3, 'rename-dir': 4,
  'file-to-dir': 3, 'dir-to-file': 3, conflict: 4, pause: 3, resume: 3, kill: 2, restart: 2, 'rm-root': 1
}

const FILE_NAMES = ['a', 'b', 'c', 'd', 'e']
const EXTS = ['.txt', '.bin', '']
const DIR_NAMES = ['x', 'y', 'z']
const MAX_DEPTH = 4

export interface RoundCounts {
  ops: Partial<Record<OpKind, number>>
  writes: number
  typeChanges: number
  conflicts: number
  kills: number
  skipped: number
  rootLosses: string[] // paths other devices lost while a device's root was gone
  resurrected: string[] // files back after the harness removed them
}

export interface OpContext {
  prng: Prng
  seed: number
  round: number
  devices: Device[]
  models: Map<Device, Model>
  ledger: Ledger
  journal: Journal
  counts: RoundCounts
  rmRootHoldMs: number
  waitQuiet(devices: Device[]): Promise<void>
}

// Runs one operation of the given kind (or a create, when nothing fits it); returns its trace line.
export async function runOp(ctx: OpContext, kind: OpKind): Promise<string> {
  ctx.journal.next()
  try {
    let line = await OPS[kind](ctx)
    if (line === null) {
      kind = 'create'
      line = (await OPS.create(ctx))!
    }
    ctx.counts.ops[kind] = (ctx.counts.ops[kind] ?? 0) + 1
    return line
  } catch (err) {
    if (!isRace(err)) throw err
    ctx.journal.undoStep()
    ctx.counts.skipped++
    return `${kind} skipped: ${(err as Error).message}`
  }
}

type Op = (ctx: OpContext) => Promise<string | null>

const OPS: Record<OpKind, Op> = {
  async create(ctx) {
    const d = diskDevice(ctx)
    const p = newPath(ctx, d, 'file')
    const exec = ctx.prng.chance(0.2)
    const bytes = await write(ctx, d, p, 'create', { exec })
    ctx.models.get(d)!.add(p, 'file')
    return `${d.name} create ${p} ${bytes} B${exec ? ' +x' : ''}`
  },
  async overwrite(ctx) {
    const [d, p] = pickFile(ctx) ?? []
    if (d === undefined || p === undefined) return null
    await replacingAt(ctx, d, p)
    const exec = ctx.prng.chance(0.15) ? ctx.prng.chance(0.5) : undefined
    const bytes = await write(ctx, d, p, 'overwrite', { exec })
    return `${d.name} overwrite ${p} ${bytes} B${exec === undefined ? '' : exec ? ' +x' : ' -x'}`
  },
  async append(ctx) {
    const [d, p] = pickFile(ctx) ?? []
    if (d === undefined || p === undefined) return null
    await replacingAt(ctx, d, p)
    const bytes = await write(ctx, d, p, 'append', { append: true })
    return `${d.name} append ${p} -> ${bytes} B`
  },
  async delete(ctx) {
    const [d, p] = pickFile(ctx) ?? []
    if (d === undefined || p === undefined) return null
    await removing(ctx, d, p, `${d.name}'s delete`)
    ctx.models.get(d)!.remove(p)
    const outcome = await tolerate(fs.rm(abs(d, p)))
    // A peer turned the file into a directory meanwhile: the delete removed nothing, what is there now is no resurrection.
    if (outcome !== '') ctx.journal.undoStep()
    return `${d.name} delete ${p}${outcome}`
  },
  async 'rename-file'(ctx) {
    const [d, p] = pickFile(ctx) ?? []
    if (d === undefined || p === undefined) return null
    const q = newPath(ctx, d, 'file')
    await replacingAt(ctx, d, q)
    const moved = await moving(ctx, d, p, q)
    ctx.models.get(d)!.move(p, q)
    const outcome = await tolerate(fs.mkdir(path.dirname(abs(d, q)), { recursive: true }).then(() => fs.rename(abs(d, p), abs(d, q))))
    if (outcome === '') moved()
    return `${d.name} rename ${p} -> ${q}${outcome}`
  },
  async mkdir(ctx) {
    const d = diskDevice(ctx)
    let p = newPath(ctx, d, 'dir')
    if (ctx.prng.chance(0.5)) p += '/' + ctx.prng.pick(DIR_NAMES)
    ctx.models.get(d)!.add(p, 'dir')
    return `${d.name} mkdir ${p}` + (await tolerate(fs.mkdir(abs(d, p), { recursive: true })))
  },
  async rmdir(ctx) {
    const [d, p] = pickDir(ctx) ?? []
    if (d === undefined || p === undefined) return null
    await removing(ctx, d, p, `${d.name}'s rm -rf ${p}`)
    ctx.models.get(d)!.remove(p)
    return `${d.name} rm -rf ${p}` + (await tolerate(fs.rm(abs(d, p), { recursive: true })))
  },
  async 'rename-dir'(ctx) {
    const [d, p] = pickDir(ctx) ?? []
    if (d === undefined || p === undefined) return null
    const q = newPath(ctx, d, 'dir', p)
    const model = ctx.models.get(d)!
    const moved = await moving(ctx, d, p, q)
    model.move(p, q)
    let outcome = await tolerate(fs.mkdir(path.dirname(abs(d, q)), { recursive: true }).then(() => fs.rename(abs(d, p), abs(d, q))))
    if (outcome === '') moved()
    // A directory back at the old path right after the move: the move must stay a move.
    if (outcome === '' && ctx.prng.chance(0.35)) {
      model.add(p, 'dir')
      outcome = ', then a new directory at ' + p
      await fs.mkdir(abs(d, p), { recursive: true })
      if (ctx.prng.chance(0.5)) {
        const f = `${p}/${ctx.prng.pick(FILE_NAMES)}.txt`
        await write(ctx, d, f, 'rename-dir', {})
        model.add(f, 'file')
        outcome += ` holding ${f}`
      }
    }
    return `${d.name} mv ${p} ${q}${outcome}`
  },
  async 'file-to-dir'(ctx) {
    const [d, p] = pickFile(ctx) ?? []
    if (d === undefined || p === undefined) return null
    await removing(ctx, d, p, `${d.name}'s file-to-dir`)
    const removed = await tolerate(fs.rm(abs(d, p)))
    if (removed !== '') return impossible(ctx, `${d.name} file-to-dir ${p}${removed}`)
    const model = ctx.models.get(d)!
    model.remove(p)
    model.add(p, 'dir')
    const inside = [`${p}/${ctx.prng.pick(FILE_NAMES)}.txt`]
    if (ctx.prng.chance(0.4)) inside.push(`${p}/${ctx.prng.pick(DIR_NAMES)}/${ctx.prng.pick(FILE_NAMES)}`)
    for (const f of new Set(inside)) {
      await write(ctx, d, f, 'file-to-dir', {})
      model.add(f, 'file')
    }
    ctx.counts.typeChanges++
    return `${d.name} file-to-dir ${p} holding ${[...new Set(inside)].join(' ')}`
  },
  async 'dir-to-file'(ctx) {
    const [d, p] = pickDir(ctx) ?? []
    if (d === undefined || p === undefined) return null
    await removing(ctx, d, p, `${d.name}'s dir-to-file`)
    const removed = await tolerate(fs.rm(abs(d, p), { recursive: true }))
    if (removed !== '') return impossible(ctx, `${d.name} dir-to-file ${p}${removed}`)
    const model = ctx.models.get(d)!
    model.remove(p)
    const bytes = await write(ctx, d, p, 'dir-to-file', {})
    model.add(p, 'file')
    ctx.counts.typeChanges++
    return `${d.name} dir-to-file ${p} ${bytes} B`
  },
  async conflict(ctx) {
    const [a, b] = shuffled(ctx, ctx.devices.filter((d) => d.rootBackup === null))
    if (a === undefined || b === undefined) return null
    const shared = ctx.models.get(a)!.files().filter((p) => ctx.models.get(b)!.kind(p) === 'file')
    if (shared.length === 0) return null
    const p = ctx.prng.pick(shared)
    const pauseB = ctx.prng.chance(0.5)
    if (a.running && !a.paused) await a.pause()
    if (pauseB && b.running && !b.paused) await b.pause()
    for (const d of [a, b]) {
      await replacingAt(ctx, d, p)
      await write(ctx, d, p, 'conflict', {})
    }
    ctx.counts.conflicts++
    return `${a.name}${a.paused ? ' (paused)' : a.running ? '' : ' (killed)'} and ${b.name}${b.paused ? ' (paused)' : b.running ? '' : ' (killed)'} both edit ${p}`
  },
  async pause(ctx) {
    const choices = ctx.devices.filter((d) => d.running && !d.paused && d.rootBackup === null)
    if (choices.length === 0) return null
    const d = ctx.prng.pick(choices)
    await d.pause()
    return `${d.name} pause ${FOLDER}`
  },
  async resume(ctx) {
    const choices = ctx.devices.filter((d) => d.running && d.paused)
    if (choices.length === 0) return null
    const d = ctx.prng.pick(choices)
    await d.resume()
    return `${d.name} resume ${FOLDER}`
  },
  async kill(ctx) {
    const choices = ctx.devices.filter((d) => d.running && d.rootBackup === null)
    if (choices.length === 0) return null
    const d = ctx.prng.pick(choices)
    await d.kill()
    ctx.counts.kills++
    return `${d.name} kill -9`
  },
  async restart(ctx) {
    const choices = ctx.devices.filter((d) => !d.running)
    if (choices.length === 0) return null
    const d = ctx.prng.pick(choices)
    await d.start()
    if (d.paused) await d.callSoon('pause', { folder: FOLDER }) // a restart keeps the folder as the harness left it
    return `${d.name} restart`
  },
  async 'rm-root'(ctx) {
    const choices = ctx.devices.filter((d) => d.running && !d.paused && d.rootBackup === null)
    if (choices.length === 0) return null
    const d = ctx.prng.pick(choices)
    const others = ctx.devices.filter((o) => o !== d && o.running && !o.paused)
    ctx.journal.touch('/') // a restored copy may bring back anything
    await ctx.waitQuiet(ctx.devices.filter((o) => o.running && !o.paused))
    const before = await Promise.all(others.map((o) => snapshot(o.root)))
    d.rootBackup = `${d.root}.backup`
    await fs.cp(d.root, d.rootBackup, { recursive: true, preserveTimestamps: true })
    await fs.rm(d.root, { recursive: true, force: true })
    d.markBlind()
    await new Promise((resolve) => setTimeout(resolve, ctx.rmRootHoldMs))
    const after = await Promise.all(others.map((o) => snapshot(o.root)))
    others.forEach((o, i) => {
      for (const [p, node] of before[i]!) if (!after[i]!.has(p)) ctx.counts.rootLosses.push(`${o.name} lost ${node.kind} ${p} while ${d.name}'s root was gone`)
    })
    const recreated = await fs.stat(d.root).then(() => true, () => false)
    await fs.cp(d.rootBackup, d.root, { recursive: true, preserveTimestamps: true, force: true })
    await fs.rm(d.rootBackup, { recursive: true, force: true })
    d.rootBackup = null
    d.markWatching()
    return `${d.name} rm -rf root, ${ctx.rmRootHoldMs / 1000} s, restore from copy${recreated ? ' (the root had been re-created meanwhile)' : ''}`
  }
}

async function write(ctx: OpContext, d: Device, p: string, op: string, opts: { exec?: boolean; append?: boolean }): Promise<number> {
  ctx.journal.arrived(p)
  const bytes = await writeContent({ prng: ctx.prng, ledger: ctx.ledger, seed: ctx.seed, round: ctx.round, op, device: d, path: p, ...opts })
  ctx.counts.writes++
  return bytes
}

async function replacingAt(ctx: OpContext, d: Device, p: string): Promise<void> {
  ctx.journal.touch(p)
  for (const c of await contentsAt(d, p)) ctx.ledger.replacing(c.sha, d)
}

async function removing(ctx: OpContext, d: Device, p: string, what: string): Promise<void> {
  ctx.journal.touch(p)
  for (const c of await contentsAt(d, p)) {
    ctx.ledger.replacing(c.sha, d)
    ctx.journal.removed(c.path, c.sha, what)
  }
}

// What a move takes away and where it puts it, read before the move and
// recorded (by the function returned) only once the move has happened: a
// move a race made impossible removed nothing.
async function moving(ctx: OpContext, d: Device, from: string, to: string): Promise<() => void> {
  ctx.journal.touch(from)
  ctx.journal.touch(to)
  const contents = await contentsAt(d, from)
  return () => {
    for (const c of contents) {
      const dest = to + c.path.slice(from.length)
      ctx.ledger.moved(c.sha, d, dest)
      ctx.journal.removed(c.path, c.sha, `${d.name}'s move of ${from}`)
      ctx.journal.arrived(dest)
    }
  }
}

// A type change a race made impossible (the path already changed type here) removed nothing.
function impossible(ctx: OpContext, line: string): string {
  ctx.journal.undoStep()
  return line
}

// '' when it worked; a note when a race with the engine made it impossible.
async function tolerate(step: Promise<unknown>): Promise<string> {
  try {
    await step
    return ''
  } catch (err) {
    if (!isRace(err)) throw err
    return ` (skipped: ${(err as NodeJS.ErrnoException).code})`
  }
}

function diskDevice(ctx: OpContext): Device {
  return ctx.prng.pick(ctx.devices.filter((d) => d.rootBackup === null))
}

function pickFile(ctx: OpContext): [Device, string] | null {
  const d = diskDevice(ctx)
  const files = ctx.models.get(d)!.files()
  return files.length === 0 ? null : [d, ctx.prng.pick(files)]
}

function pickDir(ctx: OpContext): [Device, string] | null {
  const d = diskDevice(ctx)
  const dirs = ctx.models.get(d)!.dirs()
  return dirs.length === 0 ? null : [d, ctx.prng.pick(dirs)]
}

// A path not in the device's model; a directory is never put inside `notUnder`.
function newPath(ctx: OpContext, d: Device, kind: 'file' | 'dir', notUnder?: string): string {
  const model = ctx.models.get(d)!
  const parents = ['', ...model.dirs().filter((p) => p.split('/').length <= MAX_DEPTH && (notUnder === undefined || (p !== notUnder && !p.startsWith(notUnder + '/'))))]
  for (let i = 0; i < 20; i++) {
    let parent = ctx.prng.pick(parents)
    if (ctx.prng.chance(0.2) && parent.split('/').length <= MAX_DEPTH) parent += '/' + ctx.prng.pick(DIR_NAMES)
    const name = kind === 'file' ? ctx.prng.pick(FILE_NAMES) + ctx.prng.pick(EXTS) : ctx.prng.pick(DIR_NAMES)
    const p = `${parent}/${name}`
    if (!model.has(p) && !ancestors(p).some((a) => model.kind(a) === 'file')) return p
  }
  return `/${kind}-${ctx.round}-${ctx.ledger.nextId()}`
}

function ancestors(p: string): string[] {
  const parts = p.split('/').filter(Boolean)
  return parts.slice(0, -1).map((_, i) => '/' + parts.slice(0, i + 1).join('/'))
}

function shuffled<T>(ctx: OpContext, items: T[]): T[] {
  const out = [...items]
  for (let i = out.length - 1; i > 0; i--) {
    const j = ctx.prng.int(0, i)
    ;[out[i], out[j]] = [out[j]!, out[i]!]
  }
  return out
}
