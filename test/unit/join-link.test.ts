import fc from 'fast-check'
import { describe, expect, test } from 'vitest'
import { formatJoinCode, formatJoinLink, looksLikeJoinLink, parseJoinLink } from '../../contract/join-link'

const KEYPHRASE = 'orbit velvet canyon pilot maple ember quartz lagoon'

describe('join links', () => {
  test('a link and a code carry the keyphrase and the label, and read back the same', () => {
    const link = formatJoinLink({ keyphrase: KEYPHRASE, label: 'family' })
    expect(link).toBe('hyperfold://join?k=orbit%20velvet%20canyon%20pilot%20maple%20ember%20quartz%20lagoon&label=family')
    expect(parseJoinLink(link)).toEqual({ keyphrase: KEYPHRASE, label: 'family' })
    const code = formatJoinCode({ keyphrase: KEYPHRASE })
    expect(code).toMatch(/^hf1-[A-Za-z0-9_-]+$/)
    expect(parseJoinLink(`  ${code}\n`)).toEqual({ keyphrase: KEYPHRASE })
    // How some systems hand a link over, and what a person might type.
    expect(parseJoinLink('hyperfold:join?k=a+b%2Bc')).toEqual({ keyphrase: 'a+b+c' })
    expect(parseJoinLink('HYPERFOLD://JOIN?k=x&label=%20&other=ignored')).toEqual({ keyphrase: 'x' })
    expect(looksLikeJoinLink(link) && looksLikeJoinLink(code) && !looksLikeJoinLink(KEYPHRASE)).toBe(true)
  })

  test('any keyphrase and label survive a link and a code', () => {
    const text = (max: number) => fc.string({ unit: 'grapheme', minLength: 1, maxLength: max })
    const join = fc.record({
      keyphrase: text(200).filter((k) => k.trim() !== ''),
      label: fc.option(text(40).map((l) => l.trim()).filter((l) => l !== ''), { nil: undefined })
    })
    fc.assert(
      fc.property(join, (link) => {
        const expected = link.label === undefined ? { keyphrase: link.keyphrase } : link
        expect(parseJoinLink(formatJoinLink(link))).toEqual(expected)
        expect(parseJoinLink(formatJoinCode(link))).toEqual(expected)
      })
    )
  })

  test.each([
    ['https://example.org/join?k=x', /starts with hyperfold:\/\/, not https:/],
    ['hyperfold://leave?k=x', /asks for "leave", and only join links exist/],
    ['hyperfold://join', /no keyphrase/],
    ['hyperfold://join?k=%20%20', /keyphrase in this join link is empty/],
    ['hyperfold://join?k=a&k=b', /two keyphrases/],
    ['hyperfold://join?k=%E0%A4%A', /damaged \(a broken %-escape\)/],
    [`hyperfold://join?k=${'w'.repeat(513)}`, /longer than 512 characters/],
    [`hyperfold://join?k=x&label=${'l'.repeat(65)}`, /label in this join link is longer than 64/],
    ['hf1-not*a*code', /join code is damaged/],
    ['hf1-_w', /join code is damaged \(it is not valid text\)/],
    ['not a link', /is not a join link/]
  ])('%s is refused with a clear BAD_INPUT', (text, message) => {
    expect(() => parseJoinLink(text)).toThrow(expect.objectContaining({ code: 'BAD_INPUT', message: expect.stringMatching(message) }))
  })
})
