// The parts of hypercore-storage (3.3.2) we use: the store's RocksDB, opened with our memory settings.
declare module 'hypercore-storage' {
  export interface CoreStorageOptions {
    // Memtable size of each RocksDB column family (default 64 MiB).
    writeBufferSize?: number
    // RocksDB's LRU block cache (its size is RocksDB's default); false reads through the OS page cache.
    blockCache?: boolean
    allowBackup?: boolean
    readOnly?: boolean
  }
  export default class CoreStorage {
    constructor(dir: string, opts?: CoreStorageOptions)
    ready(): Promise<void>
    close(): Promise<void>
  }
}
