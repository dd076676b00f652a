// The drives of one shared folder: this device's own (single-writer,
// append-only) and one per other writer, all in the node's Corestore. Each
// drive gets its own store session, because closing a Hyperdrive closes the
// store it was given.
import Hyperdrive, { type BlobId, type DriveEntry } from 'hyperdrive'
import type Corestore from 'corestore'
import type Hypercore from 'hypercore'
import b4a from 'b4a'
import { HyperfoldError } from '../../../contract/errors'
import { parseBlobId, parseEntryMeta } from './entry-meta'
import type { Candidate } from './merge'

const ENTRY_TIMEOUT_MS = 10_000
// A block not served within this long skips its file for now (a peer that
// claims data it never serves, or one gone): the file is tried again later,
// and whatever did arrive stays stored, so a slow link still gets there.
const BLOCK_TIMEOUT_MS = 60_000
// A blob this small is read whole, every block requested at once; a larger one streams.
const WHOLE_BLOB_BYTES = 1 << 20
const WHOLE_BLOB_BLOCKS = 64
// How much of a streamed blob is requested ahead of what is being written,
// in blocks of whatever size its writer chose (and never more than a few: ids come from peers).
const READ_AHEAD_BYTES = 8 << 20
const READ_AHEAD_MAX_BLOCKS = 256

// Block requests in flight per peer while a writer's log downloads. Hypercore
// keeps 16 when the round trip is short (it scales up only for long ones), so
// a log of 10,000 entries came one 16-block window at a time: 3.6 s of a
// 10,000-file sync's ~20 here, 2.3 s with 128 (bench scenario 2, profiled).
// A log's blocks are entries and tree nodes, small.
const LOG_INFLIGHT: [number, number] = [128, 512]

// Hypercore's update(), which our declarations of it leave out.
type Updatable = Hypercore & { update(opts: { wait: boolean }): Promise<boolean> }

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

  // Whether another writer's drive holds entries here; a folder only shared so far has none.
  remotesHaveEntries(): boolean {
    return [...this.remotes.values()].some((drive) => drive.version > 1)
  }

  get(writer: string): Hyperdrive | undefined {
    return writer === this.ownKey ? this.own : this.remotes.get(writer)
  }

  // Returns the drive when it is new to this folder.
  async addWriter(writer: string): Promise<Hyperdrive | null> {
    if (!/^[0-9a-f]{64}$/.test(writer) || this.get(writer) !== undefined) return null
    const key = b4a.from(writer, 'hex')
    const session = this.store.session()
    // Opened first, the log's core takes this window; the drive's own session
    // of the same key is handed that core, and keeps it once this one closes.
    const log = session.get({ key, inflightRange: LOG_INFLIGHT })
    const drive = new Hyperdrive(session, key)
    this.remotes.set(writer, drive)
    try {
      await drive.ready()
    } finally {
      await log.close()
    }
    drive.core.on('append', () => this.onappend(drive))
    return drive
  }

  // Asks connected peers for each writer's newest length, so that a browse
  // sees the folder as it is now; a writer with no peer online answers as it was.
  async refresh(): Promise<void> {
    await Promise.all([...this.remotes.values()].map((drive) => drive.update({ wait: true }).catch(() => false)))
  }

  // Every writer's latest entry at a path, with what could not be parsed left
  // out. `known` is one writer's entry already in hand (from a diff), not looked
  // up again; with `local`, entries not on this device yet are left out too.
  async candidates(path: string, opts: { known?: Candidate | undefined; local?: boolean } = {}): Promise<Candidate[]> {
    const { known, local = false } = opts
    const found = await Promise.all(
      this.writers().map((writer) => (writer === known?.writer ? known : lookup(this.get(writer)!, writer, path, local)))
    )
    return found.filter((c): c is Candidate => c !== null)
  }

  // The bytes of one version, each block verified against the writer's Merkle
  // tree as it arrives. A blob id comes from a peer: one that cannot be right
  // is refused at once, and no block is waited for without end.
  async bytes(writer: string, blob: BlobId | null): Promise<Uint8Array | AsyncIterable<Uint8Array>> {
    if (blob === null || blob.byteLength === 0) return new Uint8Array(0)
    const who = shortWriter(writer)
    // Every block holds at least one byte.
    if (blob.blockLength === 0 || blob.blockLength > blob.byteLength) throw sizeMismatch(who)
    const blobs = await this.get(writer)!.getBlobs()
    const end = blob.blockOffset + blob.blockLength
    // A writer appends a version's bytes before the entry naming them, so its data reaches that far once we hear from a peer.
    if (end > blobs.core.length) await bounded((blobs.core as Updatable).update({ wait: true }), ENTRY_TIMEOUT_MS)
    if (end > blobs.core.length) {
      throw peerDataInvalid(`Writer ${who} sent a version whose bytes lie past the end of its data (block ${end - 1}; it has ${blobs.core.length}).`)
    }
    if (blob.byteLength > WHOLE_BLOB_BYTES || blob.blockLength > WHOLE_BLOB_BLOCKS) return readAhead(blobs.core, blob, who)
    const bytes = await blobs.get(blob, { timeout: BLOCK_TIMEOUT_MS }).catch((err: unknown) => timedOut(err, who))
    if (bytes === null) throw new HyperfoldError('FILE_NOT_FOUND', 'The bytes of this version are not available from any peer now.')
    if (bytes.byteLength !== blob.byteLength) throw sizeMismatch(who)
    return bytes
  }

  // Cancels whatever waits on a peer's blocks; addWriter opens them again.
  async closeRemotes(): Promise<void> {
    const drives = [...this.remotes.values()].reverse()
    this.remotes.clear()
    for (const drive of drives) await drive.close()
  }

  async close(): Promise<void> {
    await this.closeRemotes()
    await this.own.close()
  }
}

export function keyOf(drive: Hyperdrive): string {
  return b4a.toString(drive.key, 'hex')
}

export function candidateOf(writer: string, entry: DriveEntry): Candidate | null {
  const meta = parseEntryMeta(entry.value.metadata)
  const blob = parseBlobId(entry.value.blob)
  return meta === null || blob === undefined ? null : { writer, seq: entry.seq, meta, blob }
}

async function lookup(drive: Hyperdrive, writer: string, path: string, local: boolean): Promise<Candidate | null> {
  if (drive.version < 2) return null // only a header, or not even that yet: no entries (and no wait for one)
  // A peer's drive may not be here yet (browsing before syncing): wait for it, but not forever.
  const entry = await drive.entry(path, local ? { wait: false } : { timeout: ENTRY_TIMEOUT_MS }).catch(() => null)
  return entry === null ? null : candidateOf(writer, entry)
}

// A block asked for before it arrives is handed over from the wire; one that
// arrived first has to be read back out of storage, which costs as much again.
async function* readAhead(core: Hypercore, blob: BlobId, who: string): AsyncGenerator<Uint8Array> {
  const window = Math.min(READ_AHEAD_MAX_BLOCKS, Math.max(2, Math.ceil((READ_AHEAD_BYTES * blob.blockLength) / blob.byteLength)))
  const ahead: Promise<Buffer | null>[] = []
  let next = blob.blockOffset
  let left = blob.byteLength
  while (left > 0) {
    while (next < blob.blockOffset + blob.blockLength && ahead.length < window) {
      const block = core.get(next++, { timeout: BLOCK_TIMEOUT_MS })
      block.catch(() => undefined) // handled where it is awaited; the rest are dropped if the write fails
      ahead.push(block)
    }
    const shifted = ahead.shift()
    if (shifted === undefined) throw sizeMismatch(who) // its blocks hold fewer bytes than it says
    const block = await shifted.catch((err: unknown) => timedOut(err, who))
    if (block === null) throw new HyperfoldError('FILE_NOT_FOUND', 'A block of this version is missing from its drive.')
    const part = block.byteLength > left ? block.subarray(0, left) : block
    left -= part.byteLength
    yield part
  }
}

function shortWriter(writer: string): string {
  return writer.slice(0, 8)
}

function peerDataInvalid(message: string): HyperfoldError {
  return new HyperfoldError('PEER_DATA_INVALID', message)
}

function sizeMismatch(who: string): HyperfoldError {
  return peerDataInvalid(`Writer ${who} sent a version whose size does not match its blocks.`)
}

function timedOut(err: unknown, who: string): never {
  if ((err as { code?: unknown }).code !== 'REQUEST_TIMEOUT') throw err
  throw peerDataInvalid(`Writer ${who}'s data for this version did not arrive within ${BLOCK_TIMEOUT_MS / 1000} s.`)
}

// A peer may never answer: wait for it, but not forever.
async function bounded(work: Promise<unknown>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<void>((resolve) => (timer = setTimeout(resolve, ms)))
  await Promise.race([work.catch(() => undefined), timeout])
  clearTimeout(timer)
}
