// A topic is named by a keyphrase. Topic hashes are public on the DHT, so the
// keyphrase is stretched with Argon2id before anything is derived from it, and
// every use (swarm topic, membership proof, encryption) gets its own sub-key.
import sodium from 'sodium-native'
import b4a from 'b4a'
import z32 from 'z32'
import { wordlist } from '@scure/bip39/wordlists/english.js'
import { HyperfoldError } from '../../contract/errors'

export const KEYPHRASE_MAX_LENGTH = 512
export const GENERATED_WORDS = 8 // 8 x 11 bits = 88 bits
export const STRONG_BITS = 80

// Argon2id cost: 3 passes over 64 MiB, about 0.2 s on a laptop core. Raising it
// makes offline guessing of weak phrases slower and every join slower too.
const PWHASH_OPSLIMIT = 3
const PWHASH_MEMLIMIT = 64 * 1024 * 1024
const KDF_CONTEXT = b4a.from('hyprfold') // sodium's KDF takes exactly 8 bytes
const SUBKEY = { topic: 1, auth: 2, encryption: 3, channel: 4 } as const
const SALT = domainHash('hyperfold/topic/v1', sodium.crypto_pwhash_SALTBYTES)

const WORDS = new Set(wordlist)

export interface TopicKeys {
  id: string
  topic: Buffer
  auth: Buffer
  encryption: Buffer
  channel: Buffer
}

export function normalizeKeyphrase(input: string): string {
  if (input.length > KEYPHRASE_MAX_LENGTH) {
    throw new HyperfoldError(
      'KEYPHRASE_TOO_LONG',
      `A keyphrase is at most ${KEYPHRASE_MAX_LENGTH} characters (this one has ${input.length}).`
    )
  }
  // U+FFFD is what invalid UTF-8 becomes on the way in; control characters cannot be typed.
  if (!input.isWellFormed() || /[\uFFFD\p{Cc}]/u.test(input.replace(/\s/g, ' '))) {
    throw new HyperfoldError('KEYPHRASE_INVALID', 'The keyphrase contains characters that are not valid text.')
  }
  const phrase = input.normalize('NFKC').trim().replace(/\s+/gu, ' ')
  if (phrase === '') throw new HyperfoldError('KEYPHRASE_EMPTY', 'The keyphrase is empty.')
  return phrase
}

export function generateKeyphrase(): string {
  const words: string[] = []
  for (let i = 0; i < GENERATED_WORDS; i++) words.push(wordlist[sodium.randombytes_uniform(wordlist.length)]!)
  return words.join(' ')
}

// A rough lower-bound estimate, enough to warn, not to certify: word-list words
// count 11 bits; other text counts half its raw character entropy, because
// people choose text that is far from random.
export function estimateBits(phrase: string): number {
  let bits = 0
  for (const word of phrase.split(' ')) {
    bits += WORDS.has(word) ? Math.log2(wordlist.length) : (word.length * Math.log2(charsetSize(word))) / 2
  }
  return Math.floor(bits)
}

export function keyphraseWarning(phrase: string): string | undefined {
  const bits = estimateBits(phrase)
  if (bits >= STRONG_BITS) return undefined
  return `This keyphrase is weak (about ${bits} bits): anyone who guesses it can join. A new topic gets a strong generated keyphrase.`
}

export async function deriveTopicKeys(phrase: string): Promise<TopicKeys> {
  const master = b4a.alloc(sodium.crypto_kdf_KEYBYTES)
  await sodium.crypto_pwhash_async(
    master,
    b4a.from(phrase, 'utf8'),
    SALT,
    PWHASH_OPSLIMIT,
    PWHASH_MEMLIMIT,
    sodium.crypto_pwhash_ALG_ARGON2ID13
  )
  const sub = (id: number) => {
    const out = b4a.alloc(32)
    sodium.crypto_kdf_derive_from_key(out, id, KDF_CONTEXT, master)
    return out
  }
  const topic = sub(SUBKEY.topic)
  return {
    id: topicIdOf(topic),
    topic,
    auth: sub(SUBKEY.auth),
    encryption: sub(SUBKEY.encryption),
    channel: sub(SUBKEY.channel)
  }
}

export function topicIdOf(topic: Buffer): string {
  return z32.encode(topic.subarray(0, 10))
}

function domainHash(label: string, bytes: number): Buffer {
  const out = b4a.alloc(bytes)
  sodium.crypto_generichash(out, b4a.from(label))
  return out
}

function charsetSize(word: string): number {
  let size = 0
  if (/[a-z]/.test(word)) size += 26
  if (/[A-Z]/.test(word)) size += 26
  if (/[0-9]/.test(word)) size += 10
  if (/[^a-zA-Z0-9]/.test(word)) size += 33
  return Math.max(size, 2)
}
