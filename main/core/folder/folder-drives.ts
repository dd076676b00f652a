// The drives of one shared folder: this device's own (single-writer,
// append-only) and one per other writer, all in the node's Corestore. Each
// drive gets its own store session, because closing a Hyperdrive closes the
// store it was given.
import Hyperdrive from 'hyperdrive'
import type Corestore from 'corestore'
import b4a from 'b4a'
import { type EntryMeta, parseEntryMeta } from './entry-meta'
import type { Candidate } from './merge'

const ENTRY_TIMEOUT_MS = 10_000

export class FolderDrives {
  readonly own: Hyperdrive
  private readonly store: Corestore
  private readonly remotes = new Map<string, Hyperdrive>()
  private readonly onappend: (drive: Hyperdrive) => void

  constructor(store: Corestore, folderId: string, onappend: (drive: Hyperdrive) => void) {
    this.store = store
    this.onappend = onappend
    this.own = new Hyperdrive(store.namespace(`hyperfold/folder/${folderId}`))
  }

  async ready(): Promise<void> {
    await this.own.ready()
  }

  get ownKey(): string {
    return b4a.toString(this.own.key, 'hex')
  }

  writers(): string[] {
    return [this.ownKey, ...this.remotes.keys()]
  }

  all(): Hyperdrive[] {
    return [this.own, ...this.remotes.values()]
  }

  get(writer: string): Hyperdrive | undefined {
    return writer === this.ownKey ? this.own : this.remotes.get(writer)
  }

  // Returns the drive when it is new to this folder.
  async addWriter(writer: string): Promise<Hyperdrive | null> {
    if (!/^[0-9a-f]{64}$/.test(writer) || this.get(writer) !== undefined) return null
    const drive = new Hyperdrive(this.store.session(), b4a.from(writer, 'hex'))
    this.remotes.set(writer, drive)
    await drive.ready()
    drive.core.on('append', () => this.onappend(drive))
    return drive
  }

  // Asks connected peers for each writer's newest length, so that a browse
  // sees the folder as it is now; a writer with no peer online answers as it was.
  async refresh(): Promise<void> {
    await Promise.all([...this.remotes.values()].map((drive) => drive.update({ wait: true }).catch(() => false)))
  }

  // Every writer's latest entry at a path, with what could not be parsed left out.
  async candidates(path: string): Promise<Candidate[]> {
    const found = await Promise.all(this.all().map((drive) => entryOf(drive, path)))
    return found.filter((c): c is Candidate => c !== null)
  }

  async close(): Promise<void> {
    for (const drive of [...this.remotes.values()].reverse()) await drive.close()
    await this.own.close()
  }
}

export function keyOf(drive: Hyperdrive): string {
  return b4a.toString(drive.key, 'hex')
}

async function entryOf(drive: Hyperdrive, path: string): Promise<Candidate | null> {
  // A peer's drive may not be here yet (browsing before syncing): wait for it, but not forever.
  const entry = await drive.entry(path, { timeout: ENTRY_TIMEOUT_MS }).catch(() => null)
  const meta: EntryMeta | null = entry === null ? null : parseEntryMeta(entry.value.metadata)
  return entry === null || meta === null ? null : { writer: keyOf(drive), seq: entry.seq, meta }
}
