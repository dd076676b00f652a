// The store's share of a node's memory (the process-level knobs are in bin/tuning.js).

const MiB = 1 << 20

// RocksDB's memtable, per column family (default 64 MiB, and up to two of them
// per family before a flush). File bytes no longer go into the store, only log
// entries and chunk lists, so a small one has little to absorb: on the bench's
// 10,000-file sync 4, 8 and 16 MiB gave the same peak RSS and CPU within noise,
// and the receiver's stopped data dir was 6 MiB instead of 15 with the default.
export const STORE_WRITE_BUFFER_BYTES = 8 * MiB
