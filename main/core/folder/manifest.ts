// The chunk list of one file version as it travels in the signed log: a
// version byte, a count, then per chunk its size and SHA-256. It comes from
// peers, so decoding trusts nothing: every list it returns adds up to the
// file's size, names only chunks a device may send, and has one encoding.
import c from 'compact-encoding'
import { HyperfoldError } from '../../../contract/errors'
import { type Chunk, type ChunkRef, HASH_BYTES, MAX_CHUNK_BYTES } from './chunk-ref'

const VERSION = 1
// The fewest bytes one chunk takes: a one-byte size and its hash.
const MIN_CHUNK_ENTRY = 1 + HASH_BYTES

export function encodeManifest(chunks: readonly Chunk[]): Buffer {
  const state = c.state()
  c.uint.preencode(state, VERSION)
  c.uint.preencode(state, chunks.length)
  for (const chunk of chunks) {
    c.uint.preencode(state, chunk.size)
    c.fixed32.preencode(state, chunk.hash)
  }
  state.buffer = Buffer.allocUnsafe(state.end)
  c.uint.encode(state, VERSION)
  c.uint.encode(state, chunks.length)
  for (const chunk of chunks) {
    c.uint.encode(state, chunk.size)
    c.fixed32.encode(state, chunk.hash)
  }
  return state.buffer as Buffer
}

export function decodeManifest(bytes: Uint8Array, fileSize: number): Chunk[] {
  if (!Number.isSafeInteger(fileSize) || fileSize < 0) throw invalid(`a file size of ${fileSize}`)
  // A copy of our own: the hashes returned are views of it, never of the caller's buffer.
  const buffer = Buffer.from(bytes)
  const state = c.state(0, buffer.length, buffer)
  const chunks: Chunk[] = []
  try {
    const version = c.uint.decode(state)
    if (version !== VERSION) throw invalid(`version ${version}, which this device does not know`)
    const count = c.uint.decode(state)
    if (count > fileSize || count * MIN_CHUNK_ENTRY > buffer.length - state.start) {
      throw invalid(`${count} chunks, which cannot fit ${buffer.length} bytes or a file of ${fileSize}`)
    }
    let total = 0
    for (let i = 0; i < count; i++) {
      const size = c.uint.decode(state)
      if (size === 0 || size > MAX_CHUNK_BYTES) throw invalid(`a chunk of ${size} bytes`)
      chunks.push({ size, hash: c.fixed32.decode(state) as Buffer })
      total += size
    }
    if (state.start !== buffer.length) throw invalid(`${buffer.length - state.start} bytes after its last chunk`)
    if (total !== fileSize) throw invalid(`chunks of ${total} bytes for a file of ${fileSize}`)
  } catch (err) {
    if (err instanceof HyperfoldError) throw err
    throw invalid('fewer bytes than it says it holds')
  }
  // Sizes in a longer form than needed would give one list two encodings.
  if (!encodeManifest(chunks).equals(buffer)) throw invalid('sizes written in a longer form than needed')
  return chunks
}

// As text, for metadata and the local index.
export function manifestToText(manifest: Uint8Array): string {
  return Buffer.from(manifest).toString('base64')
}

export function manifestFromText(text: string, fileSize: number): Chunk[] {
  const bytes = Buffer.from(text, 'base64')
  // Node skips characters that are not base64; a text with any is not one of ours.
  if (bytes.toString('base64') !== text) throw invalid('text that is not base64')
  return decodeManifest(bytes, fileSize)
}

// Each chunk with where it lies in the file at path.
export function refsOf(chunks: readonly Chunk[], path: string): ChunkRef[] {
  let offset = 0
  return chunks.map((chunk) => {
    const ref = { path, offset, size: chunk.size, hash: chunk.hash }
    offset += chunk.size
    return ref
  })
}

function invalid(what: string): HyperfoldError {
  return new HyperfoldError('PEER_DATA_INVALID', `A peer's chunk list is invalid: ${what}.`)
}
