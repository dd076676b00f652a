// This installation's device: an Ed25519 key pair made on first start (it is
// also the Hyperswarm key, so a peer's connection key is its device id).
import DHT, { type KeyPair } from 'hyperdht'
import b4a from 'b4a'
import z32 from 'z32'
import { z } from 'zod'
import { HyperfoldError } from '../../contract/errors'
import { readFileIfExists, writeFileAtomic } from './atomic-file'
import { safeJson } from './safe-json'

const StoredKeyPair = z.object({
  publicKey: z.string().regex(/^[0-9a-f]{64}$/),
  secretKey: z.string().regex(/^[0-9a-f]{128}$/)
})

export interface Identity {
  keyPair: KeyPair
  deviceId: string
}

export async function loadIdentity(file: string): Promise<Identity> {
  const text = await readFileIfExists(file)
  if (text === null) {
    const keyPair = DHT.keyPair()
    const stored = { publicKey: b4a.toString(keyPair.publicKey, 'hex'), secretKey: b4a.toString(keyPair.secretKey, 'hex') }
    await writeFileAtomic(file, JSON.stringify(stored) + '\n', 0o600)
    return { keyPair, deviceId: deviceIdOf(keyPair.publicKey) }
  }
  const parsed = StoredKeyPair.safeParse(safeJson(text))
  if (!parsed.success) {
    throw new HyperfoldError('DATA_DIR_DAMAGED', `The device key in ${file} is damaged; restore it from a backup.`)
  }
  const keyPair = { publicKey: b4a.from(parsed.data.publicKey, 'hex'), secretKey: b4a.from(parsed.data.secretKey, 'hex') }
  return { keyPair, deviceId: deviceIdOf(keyPair.publicKey) }
}

// 80 bits of the public key: short enough to read aloud, far from colliding among one's devices.
export function deviceIdOf(publicKey: Buffer): string {
  return z32.encode(publicKey.subarray(0, 10))
}
