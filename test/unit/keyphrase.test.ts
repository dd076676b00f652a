import { describe, expect, test } from 'vitest'
import { wordlist } from '@scure/bip39/wordlists/english.js'
import {
  KEYPHRASE_MAX_LENGTH,
  deriveTopicKeys,
  estimateBits,
  generateKeyphrase,
  keyphraseWarning,
  normalizeKeyphrase
} from '../../main/core/keyphrase'
import { HyperfoldError } from '../../contract/errors'

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn()
  } catch (err) {
    return err instanceof HyperfoldError ? err.code : 'not a HyperfoldError'
  }
  return undefined
}

describe('normalizeKeyphrase', () => {
  test('trims, collapses inner whitespace and applies NFKC', () => {
    expect(normalizeKeyphrase('  blue\t\tsky \n  ocean ')).toBe('blue sky ocean')
    expect(normalizeKeyphrase('ﬁsh ＡＢＣ')).toBe('fish ABC')
    expect(normalizeKeyphrase('cafe\u0301')).toBe('café')
  })

  test('refuses empty, whitespace-only, oversized and invalid text with stable codes', () => {
    expect(codeOf(() => normalizeKeyphrase(''))).toBe('KEYPHRASE_EMPTY')
    expect(codeOf(() => normalizeKeyphrase(' \t\n\u3000 '))).toBe('KEYPHRASE_EMPTY')
    expect(codeOf(() => normalizeKeyphrase('a'.repeat(100 * 1024)))).toBe('KEYPHRASE_TOO_LONG')
    expect(codeOf(() => normalizeKeyphrase('a'.repeat(KEYPHRASE_MAX_LENGTH)))).toBeUndefined()
    expect(codeOf(() => normalizeKeyphrase('lone \ud800 surrogate'))).toBe('KEYPHRASE_INVALID')
    expect(codeOf(() => normalizeKeyphrase('bad \uFFFD utf8'))).toBe('KEYPHRASE_INVALID')
    expect(codeOf(() => normalizeKeyphrase('bell \u0007 char'))).toBe('KEYPHRASE_INVALID')
  })
})

describe('generateKeyphrase', () => {
  test('gives eight word-list words, at least 80 bits, with no warning', () => {
    const phrase = generateKeyphrase()
    const words = phrase.split(' ')
    expect(words).toHaveLength(8)
    for (const word of words) expect(wordlist).toContain(word)
    expect(estimateBits(phrase)).toBeGreaterThanOrEqual(80)
    expect(keyphraseWarning(phrase)).toBeUndefined()
    expect(generateKeyphrase()).not.toBe(phrase)
  })

  test('a weak typed phrase gets a warning naming its strength', () => {
    expect(keyphraseWarning('password')).toMatch(/weak \(about \d+ bits\)/)
    expect(keyphraseWarning('correct horse battery staple')).toMatch(/weak/)
  })
})

describe('deriveTopicKeys', () => {
  test('is fixed for a given phrase (changing it would split every existing topic)', async () => {
    const keys = await deriveTopicKeys('correct horse battery staple')
    expect(keys.id).toBe('p1t3d6deeid9pzqm')
    expect(keys.topic.toString('hex')).toBe('6ca391f8684547f6ddcb7953fd0b6a5e43f74595bbfed9812aa443a95f4a8f4a')
    expect(keys.auth.toString('hex').slice(0, 16)).toBe('46c9150fa4e83fb4')
    expect(keys.channel.toString('hex').slice(0, 16)).toBe('70aa7e82c27ecae6')
  })

  test('gives distinct sub-keys, and the same keys for the same normalised phrase', async () => {
    const a = await deriveTopicKeys(normalizeKeyphrase('river  stone'))
    const b = await deriveTopicKeys(normalizeKeyphrase(' river stone '))
    const c = await deriveTopicKeys('river stones')
    expect(b.topic.equals(a.topic)).toBe(true)
    expect(c.topic.equals(a.topic)).toBe(false)
    const hexes = new Set([a.topic, a.auth, a.encryption, a.channel].map((k) => k.toString('hex')))
    expect(hexes.size).toBe(4)
  })
})
