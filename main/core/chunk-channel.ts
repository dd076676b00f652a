// One protomux channel per (connection, topic) that moves chunks by hash. On
// the Hyperswarm connection it is opened only once the remote proved it knows
// the topic's keyphrase there, so a request on it comes from a member. On a
// fast lane (a direct TCP connection, see fast-lane) the channel proves
// membership itself: its open carries the same proof, bound to the lane's own
// handshake, and nothing is asked or answered until the remote's checks out.
// What a member may read is still decided by the serve handler (folders of
// this topic only).
//
// Both ends ask and answer. Every frame is raw bytes decoded here with bounds
// (see wire-guard): a frame that breaks the protocol drops the connection.
import Protomux, { type Channel, type Message } from 'protomux'
import c from 'compact-encoding'
import type { Duplex } from 'stream'
import { deviceIdOf } from './identity'
import type { TopicKeys } from './keyphrase'
import { createProof, verifyProof } from './membership'
import { decodeProof } from './member-channel'
import { type ChunkRef, type ChunkSource, HASH_BYTES, MAX_CHUNK_BYTES } from './folder/chunk-ref'
import { type Decoded, refused } from './safe-json'
import { guarded, isDropped, markDropped, raw } from './wire-guard'

const PROTOCOL = 'hyperfold/chunks/v1'
const LANE_PROTOCOL = 'hyperfold/lane-chunks/v1'
export const MAX_FOLDER_ID_CHARS = 64
export const MAX_PATH_BYTES = 4096
// Reading a chunk is disk work: a few at once keep the disk busy, and the rest wait their turn.
const MAX_SERVING = 16
// Past this a peer is asking faster than any honest device does (a pull
// fetches 16 files at once, each with up to 32 chunks in flight per peer);
// it hears "missing". A queued request is a hundred bytes or so.
const MAX_QUEUED = 1024
const REQUEST_TIMEOUT_MS = 30_000
const utf8 = new TextDecoder('utf-8', { fatal: true })

export interface ChunkRequest {
  id: number
  folder: string
  ref: ChunkRef
}

export interface ChunkData {
  id: number
  bytes: Buffer
}

export interface ChunkChannelHandlers {
  serve(topicId: string, folderId: string, ref: ChunkRef): Promise<Buffer | null>
  onrefused(reason: string): void
  onclose(): void
}

export interface ChunkChannelOptions {
  requestTimeoutMs?: number
  lane?: boolean // on a fast lane: prove membership in the open, and ask for the remote's
}

// A Noise stream: a Hyperswarm connection or a fast lane.
export type SecureStream = Duplex & { remotePublicKey: Buffer; publicKey: Buffer; handshakeHash: Buffer }

interface Pending {
  size: number
  settle(bytes: Buffer | null): void
}

export class ChunkChannel implements ChunkSource {
  readonly name: string // the remote's device id
  // Chunk bytes only, as they were accepted or sent: for progress and tests.
  bytesReceived = 0
  bytesSent = 0
  private readonly conn: SecureStream
  private readonly keys: TopicKeys
  private readonly handlers: ChunkChannelHandlers
  private readonly timeoutMs: number
  private readonly channel: Channel<Buffer> | null
  private readonly requestMsg: Message<Buffer> | null = null
  private readonly dataMsg: Message<Buffer> | null = null
  private readonly missingMsg: Message<Buffer> | null = null
  private readonly pending = new Map<number, Pending>()
  private readonly queue: ChunkRequest[] = []
  private nextId = 0
  private serving = 0
  private ended = false
  private proven: boolean // the remote proved membership: on Hyperswarm before this channel opened, on a lane in its open

  constructor(conn: SecureStream, keys: TopicKeys, handlers: ChunkChannelHandlers, opts: ChunkChannelOptions = {}) {
    this.conn = conn
    this.keys = keys
    this.handlers = handlers
    this.timeoutMs = opts.requestTimeoutMs ?? REQUEST_TIMEOUT_MS
    this.name = deviceIdOf(conn.remotePublicKey)
    this.proven = opts.lane !== true
    this.channel = Protomux.from(conn).createChannel<Buffer>({
      protocol: opts.lane === true ? LANE_PROTOCOL : PROTOCOL,
      id: keys.channel,
      ...(opts.lane === true ? { handshake: raw, onopen: (proof: Buffer) => guarded(conn, 'chunk channel', () => this.onproof(proof)) } : {}),
      onclose: () => this.onclose()
    })
    if (this.channel === null) {
      this.ended = true
      return
    }
    const on = (fn: (bytes: Buffer) => void) => (bytes: Buffer) => guarded(conn, 'chunk channel', () => fn(bytes))
    this.requestMsg = this.channel.addMessage({ encoding: raw, onmessage: on((bytes) => this.onrequest(bytes)) })
    this.dataMsg = this.channel.addMessage({ encoding: raw, onmessage: on((bytes) => this.ondata(bytes)) })
    this.missingMsg = this.channel.addMessage({ encoding: raw, onmessage: on((bytes) => this.onmissing(bytes)) })
    this.channel.open(opts.lane === true ? createProof(keys.auth, conn.handshakeHash, conn.publicKey) : undefined)
  }

  get topicId(): string {
    return this.keys.id
  }

  get closed(): boolean {
    return this.ended
  }

  // Open on both ends, by a member, and so worth asking.
  get usable(): boolean {
    return !this.ended && this.proven && this.channel?.opened === true
  }

  request(folderId: string, ref: ChunkRef, signal?: AbortSignal): Promise<Buffer | null> {
    if (!this.usable || signal?.aborted === true || !withinBounds(folderId, ref)) return Promise.resolve(null)
    const id = this.nextId++
    return new Promise((resolve) => {
      const settle = (bytes: Buffer | null) => {
        if (this.pending.get(id)?.settle !== settle) return
        this.pending.delete(id)
        clearTimeout(timer)
        signal?.removeEventListener('abort', abort)
        resolve(bytes)
      }
      const abort = () => settle(null)
      const timer = setTimeout(abort, this.timeoutMs)
      signal?.addEventListener('abort', abort, { once: true })
      this.pending.set(id, { size: ref.size, settle })
      this.requestMsg!.send(encodeRequest({ id, folder: folderId, ref }))
    })
  }

  close(): void {
    this.channel?.close()
    this.onclose() // protomux may call it again; the second time finds nothing left
  }

  private onclose(): void {
    const first = !this.ended
    this.ended = true
    this.queue.length = 0
    for (const p of [...this.pending.values()]) p.settle(null)
    if (first) this.handlers.onclose()
  }

  private onproof(bytes: Buffer): void {
    const proof = decodeProof(bytes)
    if (!proof.ok) return this.refuse(proof.reason)
    if (!verifyProof(this.keys.auth, this.conn.handshakeHash, this.conn.remotePublicKey, proof.value)) {
      return this.refuse('its membership proof on the direct connection is wrong')
    }
    this.proven = true
  }

  private onrequest(bytes: Buffer): void {
    if (!this.admits()) return
    const request = decodeRequest(bytes)
    if (!request.ok) return this.refuse(request.reason)
    if (this.ended) return
    if (this.queue.length >= MAX_QUEUED) return void this.missingMsg!.send(encodeMissing(request.value.id))
    this.queue.push(request.value)
    this.pump()
  }

  private ondata(bytes: Buffer): void {
    if (!this.admits()) return
    const data = decodeData(bytes)
    if (!data.ok) return this.refuse(data.reason)
    const p = this.answered(data.value.id)
    if (p === undefined) return
    if (data.value.bytes.byteLength !== p.size) {
      p.settle(null)
      return this.refuse(`it sent ${data.value.bytes.byteLength} bytes for a chunk of ${p.size}`)
    }
    this.bytesReceived += p.size
    p.settle(data.value.bytes)
  }

  private onmissing(bytes: Buffer): void {
    if (!this.admits()) return
    const id = decodeMissing(bytes)
    if (!id.ok) return this.refuse(id.reason)
    this.answered(id.value)?.settle(null)
  }

  // The request an answer is for; undefined for one given up on (timed out,
  // aborted), whose late answer is dropped. An answer to a request never made is a lie.
  private answered(id: number): Pending | undefined {
    if (id >= this.nextId) this.refuse(`it answered chunk request ${id}, which was never made`)
    return this.pending.get(id)
  }

  private pump(): void {
    while (this.serving < MAX_SERVING && this.queue.length > 0 && !this.ended) {
      const request = this.queue.shift()!
      this.serving++
      void this.serveOne(request).finally(() => {
        this.serving--
        this.pump()
      })
    }
  }

  private async serveOne({ id, folder, ref }: ChunkRequest): Promise<void> {
    const bytes = await this.handlers.serve(this.keys.id, folder, ref).catch(() => null)
    if (this.ended) return
    if (bytes === null || bytes.byteLength !== ref.size) {
      this.missingMsg!.send(encodeMissing(id))
      return
    }
    this.bytesSent += bytes.byteLength
    // A peer that asks and does not read holds this slot, not our memory.
    if (!this.dataMsg!.send(encodeData({ id, bytes }))) await drained(this.conn)
  }

  // protomux hands on messages only after the remote's open, so an unproven
  // remote here is one whose proof failed: the rest of its frame is dropped.
  private admits(): boolean {
    return !isDropped(this.conn) && this.proven
  }

  private refuse(reason: string): void {
    if (markDropped(this.conn)) this.handlers.onrefused(reason)
  }
}

export function encodeRequest({ id, folder, ref }: ChunkRequest): Buffer {
  const state = { buffer: Buffer.alloc(0), start: 0, end: 0 }
  c.uint.preencode(state, id)
  c.string.preencode(state, folder)
  c.fixed32.preencode(state, ref.hash)
  c.uint.preencode(state, ref.size)
  c.string.preencode(state, ref.path)
  c.uint.preencode(state, ref.offset)
  state.buffer = Buffer.allocUnsafe(state.end)
  c.uint.encode(state, id)
  c.string.encode(state, folder)
  c.fixed32.encode(state, ref.hash)
  c.uint.encode(state, ref.size)
  c.string.encode(state, ref.path)
  c.uint.encode(state, ref.offset)
  return state.buffer
}

export function encodeData({ id, bytes }: ChunkData): Buffer {
  const state = { buffer: Buffer.alloc(0), start: 0, end: 0 }
  c.uint.preencode(state, id)
  c.buffer.preencode(state, bytes)
  state.buffer = Buffer.allocUnsafe(state.end)
  c.uint.encode(state, id)
  c.buffer.encode(state, bytes)
  return state.buffer
}

export function encodeMissing(id: number): Buffer {
  return c.encode(c.uint, id) as Buffer
}

export function decodeRequest(bytes: Uint8Array): Decoded<ChunkRequest> {
  return read(bytes, 'chunk request', (r) => {
    const id = r.count('id')
    const folder = r.text('folder id', MAX_FOLDER_ID_CHARS * 4)
    if ([...folder].length > MAX_FOLDER_ID_CHARS || folder === '') throw new Refusal(`a folder id of ${[...folder].length} characters`)
    const hash = r.bytes(HASH_BYTES)
    const size = r.count('size')
    if (size < 1 || size > MAX_CHUNK_BYTES) throw new Refusal(`a chunk size of ${size}`)
    const path = r.text('path', MAX_PATH_BYTES)
    const offset = r.count('offset')
    return { id, folder, ref: { hash, size, path, offset } }
  })
}

export function decodeData(bytes: Uint8Array): Decoded<ChunkData> {
  return read(bytes, 'chunk', (r) => {
    const id = r.count('id')
    const length = r.count('length')
    if (length < 1 || length > MAX_CHUNK_BYTES) throw new Refusal(`${length} bytes`)
    return { id, bytes: r.bytes(length) }
  })
}

export function decodeMissing(bytes: Uint8Array): Decoded<number> {
  return read(bytes, 'missing-chunk answer', (r) => r.count('id'))
}

// A peer's frame read field by field: every length is checked against what is
// left before anything is copied, and nothing may follow the last field.
class Reader {
  private readonly state: { buffer: Buffer; start: number; end: number }

  constructor(bytes: Uint8Array) {
    const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)
    this.state = { buffer, start: 0, end: buffer.byteLength }
  }

  get done(): boolean {
    return this.state.start === this.state.end
  }

  count(what: string): number {
    if (this.done) throw new Refusal(`no ${what}`)
    const value = c.uint.decode(this.state)
    if (!Number.isSafeInteger(value)) throw new Refusal(`an ${what} too large to count`)
    return value
  }

  bytes(length: number): Buffer {
    if (this.state.end - this.state.start < length) throw new Refusal(`${length} bytes where ${this.state.end - this.state.start} are left`)
    const start = this.state.start
    this.state.start += length
    return Buffer.from(this.state.buffer.subarray(start, start + length)) // a copy: the frame's buffer may be shared
  }

  text(what: string, maxBytes: number): string {
    const length = this.count(`${what} length`)
    if (length > maxBytes) throw new Refusal(`a ${what} of ${length} bytes (at most ${maxBytes})`)
    try {
      return utf8.decode(this.bytes(length))
    } catch (err) {
      if (err instanceof Refusal) throw err
      throw new Refusal(`a ${what} that is not UTF-8`)
    }
  }
}

class Refusal extends Error {}

function read<T>(bytes: Uint8Array, what: string, fields: (r: Reader) => T): Decoded<T> {
  try {
    const r = new Reader(bytes)
    const value = fields(r)
    if (!r.done) return refused(`it sent a ${what} with bytes after its last field`)
    return { ok: true, value }
  } catch (err) {
    if (err instanceof Refusal) return refused(`it sent a malformed ${what} (${err.message})`)
    return refused(`it sent a malformed ${what} (cut short, or a number out of range)`) // as compact-encoding found it
  }
}

// What a member would refuse as malformed, and drop us for: asked of nobody.
function withinBounds(folderId: string, ref: ChunkRef): boolean {
  const chars = [...folderId].length
  return (
    chars >= 1 &&
    chars <= MAX_FOLDER_ID_CHARS &&
    Buffer.byteLength(folderId) <= MAX_FOLDER_ID_CHARS * 4 &&
    Buffer.byteLength(ref.path) <= MAX_PATH_BYTES &&
    ref.hash.byteLength === HASH_BYTES &&
    Number.isSafeInteger(ref.size) &&
    ref.size >= 1 &&
    ref.size <= MAX_CHUNK_BYTES &&
    Number.isSafeInteger(ref.offset) &&
    ref.offset >= 0
  )
}

// One wait per stream, however many answers are held up behind it (up to
// MAX_SERVING per channel, a channel per topic): a listener each would pile up.
const draining = new WeakMap<SecureStream, Promise<void>>()

function drained(conn: SecureStream): Promise<void> {
  if (conn.destroyed) return Promise.resolve()
  let wait = draining.get(conn)
  if (wait !== undefined) return wait
  wait = new Promise<void>((resolve) => {
    const done = () => {
      conn.off('drain', done)
      conn.off('close', done)
      draining.delete(conn)
      resolve()
    }
    conn.on('drain', done)
    conn.on('close', done)
  })
  draining.set(conn, wait)
  return wait
}
