// Minimal typings for the untyped Holepunch modules: only the surface Hyperfold uses.

declare module 'b4a' {
  const b4a: {
    from(input: string, encoding?: BufferEncoding): Buffer
    toString(buf: Uint8Array, encoding?: BufferEncoding): string
    alloc(size: number): Buffer
    allocUnsafe(size: number): Buffer
    concat(list: Uint8Array[]): Buffer
    equals(a: Uint8Array, b: Uint8Array): boolean
  }
  export default b4a
}

declare module 'z32' {
  const z32: { encode(buf: Uint8Array): string; decode(s: string): Buffer }
  export default z32
}

declare module 'sodium-native' {
  const sodium: {
    crypto_pwhash_SALTBYTES: number
    crypto_pwhash_ALG_ARGON2ID13: number
    crypto_pwhash_OPSLIMIT_INTERACTIVE: number
    crypto_pwhash_MEMLIMIT_INTERACTIVE: number
    crypto_kdf_KEYBYTES: number
    crypto_generichash_BYTES: number
    crypto_sign_PUBLICKEYBYTES: number
    crypto_sign_SECRETKEYBYTES: number
    crypto_pwhash_async(
      out: Buffer, passwd: Buffer, salt: Buffer, opslimit: number, memlimit: number, alg: number
    ): Promise<void>
    crypto_kdf_derive_from_key(out: Buffer, subkeyId: number, ctx: Buffer, key: Buffer): void
    crypto_generichash(out: Buffer, input: Buffer, key?: Buffer): void
    crypto_generichash_batch(out: Buffer, inputs: Buffer[], key?: Buffer): void
    crypto_sign_keypair(pk: Buffer, sk: Buffer): void
    sodium_memcmp(a: Buffer, b: Buffer): boolean
    randombytes_buf(buf: Buffer): void
    randombytes_uniform(upperBound: number): number
  }
  export default sodium
}

declare module 'ready-resource' {
  import { EventEmitter } from 'events'
  class ReadyResource extends EventEmitter {
    opening: Promise<void> | null
    closing: Promise<void> | null
    opened: boolean
    closed: boolean
    ready(): Promise<void>
    close(): Promise<void>
    protected _open(): Promise<void>
    protected _close(): Promise<void>
  }
  export default ReadyResource
}

declare module 'hyperdht' {
  import { EventEmitter } from 'events'
  export interface KeyPair { publicKey: Buffer; secretKey: Buffer }
  export interface BootstrapNode { host: string; port: number }
  class DHT extends EventEmitter {
    constructor(opts?: { bootstrap?: BootstrapNode[] | string[]; host?: string; port?: number; keyPair?: KeyPair; firewalled?: boolean })
    static keyPair(seed?: Buffer): KeyPair
    ready(): Promise<void>
    destroy(): Promise<void>
    address(): { host: string; port: number }
  }
  export default DHT
}

declare module 'hyperdht/testnet.js' {
  import DHT from 'hyperdht'
  interface Testnet { nodes: DHT[]; bootstrap: { host: string; port: number }[]; destroy(): Promise<void> }
  function createTestnet(size?: number, opts?: { host?: string; port?: number; teardown?: unknown }): Promise<Testnet>
  export default createTestnet
}

declare module 'hyperswarm' {
  import { EventEmitter } from 'events'
  import type DHT from 'hyperdht'
  import type { KeyPair } from 'hyperdht'
  import type { Duplex } from 'stream'

  export interface RawStream {
    remoteHost: string
    remotePort: number
    rtt: number
    bytesTransmitted: number
    bytesReceived: number
  }
  export interface SwarmConnection extends Duplex {
    remotePublicKey: Buffer
    publicKey: Buffer
    handshakeHash: Buffer
    isInitiator: boolean
    rawStream: RawStream | null
  }
  export interface PeerInfo { publicKey: Buffer; topics: Buffer[]; client: boolean; ban(banned?: boolean): void }
  export interface Discovery { flushed(): Promise<void>; destroy(): Promise<void> }
  class Hyperswarm extends EventEmitter {
    constructor(opts?: { keyPair?: KeyPair; dht?: DHT; maxPeers?: number })
    dht: DHT
    keyPair: KeyPair
    connections: Set<SwarmConnection>
    join(topic: Buffer, opts?: { server?: boolean; client?: boolean }): Discovery
    leave(topic: Buffer): Promise<void>
    flush(): Promise<void>
    destroy(): Promise<void>
    on(event: 'connection', fn: (conn: SwarmConnection, info: PeerInfo) => void): this
    on(event: string, fn: (...args: unknown[]) => void): this
  }
  export default Hyperswarm
}

declare module 'protomux' {
  import type { Duplex } from 'stream'
  export interface Encoding<T> {
    preencode(state: unknown, value: T): void
    encode(state: unknown, value: T): void
    decode(state: unknown): T
  }
  export interface Message<T> { send(value: T): boolean }
  export interface Channel<H> {
    opened: boolean
    closed: boolean
    open(handshake?: H): void
    close(): void
    addMessage<T>(opts: { encoding: Encoding<T>; onmessage?: (value: T) => void }): Message<T>
  }
  class Protomux {
    static from(stream: Duplex): Protomux
    pair(opts: { protocol: string; id?: Buffer | null }, notify: (id: Buffer | null) => void): void
    createChannel<H>(opts: {
      protocol: string
      id?: Buffer | null
      unique?: boolean
      handshake?: Encoding<H>
      onopen?: (handshake: H) => void
      onclose?: () => void
    }): Channel<H> | null
  }
  export default Protomux
}

declare module 'corestore' {
  import type { Duplex } from 'stream'
  class Corestore {
    // inflightRange: block requests in flight per peer, [least, most] (Hypercore's advanced option).
    get(opts: { name?: string; key?: Buffer; inflightRange?: [number, number] }): import('hypercore').default
    constructor(storage: string | import('hypercore-storage').default, opts?: Record<string, unknown>)
    ready(): Promise<void>
    close(): Promise<void>
    replicate(stream: Duplex): unknown
    session(): Corestore
    namespace(name: string | Buffer): Corestore
  }
  export default Corestore
}

declare module 'hypercore' {
  import { EventEmitter } from 'events'
  class Hypercore extends EventEmitter {
    key: Buffer
    discoveryKey: Buffer
    length: number
    contiguousLength: number
    writable: boolean
    ready(): Promise<void>
    close(): Promise<void>
    download(range?: { start?: number; end?: number; linear?: boolean }): { done(): Promise<void>; destroy(): void }
    get(index: number, opts?: { wait?: boolean; timeout?: number }): Promise<Buffer | null>
    purge(): Promise<void>
  }
  export default Hypercore
}

declare module 'hyperbee' {
  import type Hypercore from 'hypercore'
  export interface BeeNode<V> {
    seq: number
    key: string
    value: V
  }
  export interface HistoryNode<V> extends BeeNode<V> {
    type: 'put' | 'del'
  }
  export interface DiffNode<V> {
    left: BeeNode<V> | null
    right: BeeNode<V> | null
  }
  export interface BeeBatch {
    put(key: string, value: unknown): Promise<void>
    del(key: string): Promise<void>
    flush(): Promise<void>
  }
  class Hyperbee<V = unknown> {
    constructor(core: Hypercore, opts?: { keyEncoding?: string; valueEncoding?: string; sessions?: boolean })
    core: Hypercore
    version: number
    ready(): Promise<void>
    close(): Promise<void>
    get(key: string): Promise<BeeNode<V> | null>
    checkout(version: number): Hyperbee<V>
    put(key: string, value: V): Promise<void>
    del(key: string): Promise<void>
    batch(): BeeBatch
    createReadStream(range?: { gt?: string; gte?: string; lt?: string; lte?: string; limit?: number }): AsyncIterable<BeeNode<V>>
    createHistoryStream(opts?: { gte?: number; lt?: number; reverse?: boolean }): AsyncIterable<HistoryNode<V>>
  }
  export default Hyperbee
}

declare module 'hyperdrive' {
  import type { Readable, Writable } from 'stream'
  import type Corestore from 'corestore'
  import type Hypercore from 'hypercore'
  import type Hyperbee from 'hyperbee'
  import type { BeeNode, DiffNode } from 'hyperbee'
  export interface BlobId { byteOffset: number; blockOffset: number; blockLength: number; byteLength: number }
  export interface DriveEntryValue {
    executable: boolean
    linkname: string | null
    blob: BlobId | null
    metadata: unknown
  }
  export interface BlobsBatch {
    put(data: Uint8Array): Promise<BlobId>
    flush(): Promise<void>
  }
  export interface Hyperblobs {
    core: Hypercore
    get(id: BlobId, opts?: { wait?: boolean; timeout?: number }): Promise<Buffer | null>
    createWriteStream(): Writable & { id: BlobId }
    batch(): BlobsBatch
  }
  export type DriveEntry = BeeNode<DriveEntryValue>
  class Hyperdrive {
    constructor(store: Corestore, key?: Buffer | null)
    key: Buffer
    discoveryKey: Buffer
    version: number
    writable: boolean
    core: Hypercore
    db: Hyperbee<DriveEntryValue>
    ready(): Promise<void>
    close(): Promise<void>
    closing: Promise<void> | null
    entry(path: string, opts?: { wait?: boolean; timeout?: number }): Promise<DriveEntry | null>
    put(path: string, data: Buffer | Uint8Array, opts?: { executable?: boolean; metadata?: unknown }): Promise<void>
    del(path: string): Promise<void>
    createWriteStream(path: string, opts?: { executable?: boolean; metadata?: unknown }): Writable
    createReadStream(path: string, opts?: { start?: number; end?: number; wait?: boolean; timeout?: number }): Readable
    readdir(path: string): AsyncIterable<string>
    entries(range?: { gt?: string; gte?: string; lt?: string; lte?: string }, opts?: { wait?: boolean }): AsyncIterable<DriveEntry>
    diff(length: number, folder?: string): AsyncIterable<DiffNode<DriveEntryValue>>
    checkout(version: number): Hyperdrive
    symlink(path: string, target: string, opts?: { metadata?: unknown }): Promise<void>
    update(opts?: { wait?: boolean }): Promise<boolean>
    getBlobs(): Promise<Hyperblobs>
    // A session whose writes stay in memory until flush(), which appends them at once and closes it.
    batch(): Hyperdrive
    flush(): Promise<void>
    putEntry(path: string, value: { executable?: boolean; blob: BlobId | null; metadata?: unknown }): Promise<void>
  }
  export default Hyperdrive
}
