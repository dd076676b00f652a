// Minimal typings for rocksdb-native: only the surface Hyperfold uses. Keys and
// values go in as strings or buffers and come back as buffers (no encodings set).

declare module 'rocksdb-native' {
  type Bytes = string | Buffer
  interface Range {
    gt?: Bytes
    gte?: Bytes
    lt?: Bytes
    lte?: Bytes
  }
  interface ReadBatch {
    get(key: Bytes): Promise<Buffer | null>
    flush(): Promise<void>
    tryFlush(): void
    destroy(): void
  }
  interface WriteBatch {
    tryPut(key: Bytes, value: Bytes): void
    tryDelete(key: Bytes): void
    tryDeleteRange(start: Bytes, end: Bytes): void
    flush(): Promise<void>
    destroy(): void
  }
  type Entry = { key: Buffer; value: Buffer }
  // A streamx Readable of entries.
  interface Iterator extends AsyncIterable<Entry> {
    on(event: 'data', listener: (entry: Entry) => void): this
    on(event: 'end' | 'close', listener: () => void): this
    on(event: 'error', listener: (err: unknown) => void): this
    pause(): this
    resume(): this
    destroy(err?: Error): void
  }
  interface BatchOptions {
    capacity?: number
    autoDestroy?: boolean
  }
  class RocksDB {
    constructor(
      path: string,
      opts?: {
        readOnly?: boolean
        maxBackgroundJobs?: number
        maxOpenFiles?: number
        writeBufferSize?: number
        maxWriteBufferNumber?: number
      }
    )
    readonly opened: boolean
    readonly closed: boolean
    ready(): Promise<void>
    close(): Promise<void>
    session(): RocksDB
    get(key: Bytes): Promise<Buffer | null>
    put(key: Bytes, value: Bytes): Promise<void>
    read(opts?: BatchOptions): ReadBatch
    write(opts?: BatchOptions): WriteBatch
    iterator(range: Range, opts?: { capacity?: number; limit?: number; reverse?: boolean }): Iterator
  }
  export default RocksDB
}
