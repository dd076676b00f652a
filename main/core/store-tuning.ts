// The store's share of a node's memory (the process-level knobs are in bin/tuning.js).

const MiB = 1 << 20

// RocksDB's memtable, per column family (default 64 MiB, and up to two of them
// per family before a flush). File bytes no longer go into the store, only log
// entries and chunk lists, so a small one has little to absorb: see the bench's
// scenario 4 for what it saves and scenario 2's CPU figures for what it costs.
export const STORE_WRITE_BUFFER_BYTES = 8 * MiB
