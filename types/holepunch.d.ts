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
    constructor(opts?: { bootstrap?: BootstrapNode[] | string[]; host?: string; port?: number; keyPair?: KeyPair })
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
    constructor(storage: string, opts?: Record<string, unknown>)
    ready(): Promise<void>
    close(): Promise<void>
    replicate(stream: Duplex): unknown
    session(): Corestore
    namespace(name: string | Buffer): Corestore
  }
  export default Corestore
}
