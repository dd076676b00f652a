import { createCipheriv, createHash } from 'crypto'

// The same bytes for the same seed on every machine: an AES-256-CTR keystream.
export function seeded(seed: string, n: number): Buffer {
  return createCipheriv('aes-256-ctr', createHash('sha256').update(seed).digest(), Buffer.alloc(16)).update(Buffer.alloc(n))
}
