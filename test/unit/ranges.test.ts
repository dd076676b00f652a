import { describe, expect, test } from 'vitest'
import { mediaOf, parseRange, rangeHeader } from '../../contract'

describe('parseRange(header, size)', () => {
  test.each([
    [undefined, 100, { kind: 'whole' }],
    ['bytes=0-0', 100, { kind: 'partial', range: { start: 0, end: 0 } }],
    ['bytes=10-', 100, { kind: 'partial', range: { start: 10, end: 99 } }],
    ['bytes=90-500', 100, { kind: 'partial', range: { start: 90, end: 99 } }],
    ['bytes=-30', 100, { kind: 'partial', range: { start: 70, end: 99 } }],
    ['bytes=-300', 100, { kind: 'partial', range: { start: 0, end: 99 } }],
    ['bytes=100-', 100, { kind: 'unsatisfiable' }],
    ['bytes=150-160', 100, { kind: 'unsatisfiable' }],
    ['bytes=-0', 100, { kind: 'unsatisfiable' }],
    ['bytes=0-', 0, { kind: 'unsatisfiable' }],
    ['bytes=20-10', 100, { kind: 'whole' }],
    ['bytes=0-1,5-6', 100, { kind: 'whole' }],
    ['items=0-1', 100, { kind: 'whole' }],
    ['bytes=-', 100, { kind: 'whole' }]
  ])('%s of %i bytes', (header, size, answer) => {
    expect(parseRange(header, size)).toEqual(answer)
  })

  test('rangeHeader takes what a person types, nothing else', () => {
    expect(['5-9', '5-', '-5', ' 5-9 ', 'a-b', '5', '--5'].map(rangeHeader)).toEqual(['bytes=5-9', 'bytes=5-', 'bytes=-5', 'bytes=5-9', null, null, null])
  })
})

describe('mediaOf(name)', () => {
  test('previews what a browser shows, and never serves a page', () => {
    expect(mediaOf('/a/Clip.MP4')).toEqual({ type: 'video/mp4', preview: 'video' })
    expect(mediaOf('x.webm').preview).toBe('video')
    expect(mediaOf('song.wav')).toEqual({ type: 'audio/wav', preview: 'audio' })
    expect(mediaOf('doc.pdf')).toEqual({ type: 'application/pdf', preview: 'pdf' })
    for (const name of ['index.html', 'app.js', 'README', 'notes.md', 'x.svelte']) expect(mediaOf(name)).toEqual({ type: 'text/plain; charset=utf-8', preview: 'text' })
    for (const name of ['archive.tar.gz', 'noext', '.hidden', 'a.exe']) expect(mediaOf(name)).toEqual({ type: 'application/octet-stream', preview: null })
  })
})
