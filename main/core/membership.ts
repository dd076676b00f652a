// Proof that a peer knows a topic's keyphrase, bound to one connection: a MAC
// with the topic's auth key over the Noise handshake hash (equal on both ends,
// unique per connection, so a proof cannot be replayed elsewhere) and the
// sender's public key (so a peer cannot reflect our own proof back at us).
import sodium from 'sodium-native'
import b4a from 'b4a'

export const PROOF_BYTES = 32

export function createProof(authKey: Buffer, handshakeHash: Buffer, senderPublicKey: Buffer): Buffer {
  const out = b4a.alloc(PROOF_BYTES)
  sodium.crypto_generichash_batch(out, [b4a.from('hyperfold/member/v1'), handshakeHash, senderPublicKey], authKey)
  return out
}

export function verifyProof(authKey: Buffer, handshakeHash: Buffer, senderPublicKey: Buffer, proof: Buffer): boolean {
  if (proof.byteLength !== PROOF_BYTES) return false
  return sodium.sodium_memcmp(createProof(authKey, handshakeHash, senderPublicKey), proof)
}
