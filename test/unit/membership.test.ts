import { describe, expect, test } from 'vitest'
import { randomBytes } from 'crypto'
import { createProof, verifyProof } from '../../main/core/membership'

describe('membership proof', () => {
  const auth = randomBytes(32)
  const handshake = randomBytes(64)
  const alice = randomBytes(32)
  const bob = randomBytes(32)

  test('verifies for the same key, connection and sender', () => {
    expect(verifyProof(auth, handshake, alice, createProof(auth, handshake, alice))).toBe(true)
  })

  test('fails with another key, another connection, a reflected proof or a truncated one', () => {
    const proof = createProof(auth, handshake, alice)
    expect(verifyProof(randomBytes(32), handshake, alice, proof)).toBe(false)
    expect(verifyProof(auth, randomBytes(64), alice, proof)).toBe(false)
    expect(verifyProof(auth, handshake, bob, proof)).toBe(false)
    expect(verifyProof(auth, handshake, alice, proof.subarray(0, 16))).toBe(false)
  })
})
