// A file version's bytes are a list of content-defined chunks, each named by
// its SHA-256. The signed log holds the list; the bytes live in folder files
// and chunk stores, and move between devices by hash (see chunk-fetcher).
// These are the shapes every part of that path shares.

import { hash } from 'crypto'

// The largest chunk any device may name or send: above the chunker's own
// maximum, so that its parameters can change without a protocol change.
export const MAX_CHUNK_BYTES = 4 << 20
export const HASH_BYTES = 32

export interface Chunk {
  hash: Buffer // SHA-256 of the chunk's bytes
  size: number
}

// A chunk asked for, with where the asker's version of the file holds it: a
// peer whose file at that path holds the same version reads it there (and
// checks the hash before it answers).
export interface ChunkRef extends Chunk {
  path: string
  offset: number
}

// Something that may hold a chunk: a connected peer, or this device itself.
// Answers the bytes or null ("not here"); never throws for a chunk it lacks.
// The caller verifies what comes back.
export interface ChunkSource {
  readonly name: string // a device id, or 'local'
  request(folderId: string, ref: ChunkRef, signal?: AbortSignal): Promise<Buffer | null>
}

// The name of a chunk's bytes. One call, no Hash object: on a small file's
// one chunk that object was half the cost (3.9 -> 2.3 us for 1 KiB).
export function chunkHash(bytes: Uint8Array): Buffer {
  return hash('sha256', bytes, 'buffer')
}
