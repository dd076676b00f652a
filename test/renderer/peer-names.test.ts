import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { render, screen } from '@testing-library/svelte'
import type { Folder, Peer } from '../../contract'
import { shown } from '../../renderer/src/lib/format'
import { peerChanges, peerLeft } from '../../renderer/src/state/activity-text'
import { activityLine, sharedByLine } from '../../renderer/src/state/folder-text'
import App from '../../renderer/src/App.svelte'
import { TestEnv } from '../helpers/env'
import { appFor } from './helpers/in-process'

const EVIL = 'evil\x1b[31m\r\nname\u202E'
const SHOWN = 'evil\\x1b[31m\\x0d\\x0aname\\u{202e}'

describe('names peers choose, as the UI shows them', () => {
  let env: TestEnv
  beforeAll(async () => {
    env = await TestEnv.create()
  })
  afterAll(async () => {
    await env.close()
  })

  test('shown(name) escapes control characters and leaves the rest of the text alone', () => {
    expect(shown(EVIL)).toBe(SHOWN)
    expect(shown('Fotos été 📷')).toBe('Fotos été 📷')
  })

  test('the feed and folder lines show peer-chosen names escaped', () => {
    const peer = { name: EVIL, topics: ['t'] } as Peer
    expect(peerChanges(undefined, peer, () => 'family')).toEqual([`${SHOWN} connected on family`])
    expect(peerLeft(peer)).toBe(`${SHOWN} disconnected`)
    expect(sharedByLine({ path: null, sharedBy: [EVIL] } as unknown as Folder)).toBe(`Offered by ${SHOWN}`)
    const line = activityLine({ folder: 'f', kind: 'synced', path: '/a\nb.txt', message: '', time: '' }, EVIL)
    expect(line.text(1)).toBe(`Received /a\\x0ab.txt in ${SHOWN}`)
  })

  test("a peer's device name with escapes and line breaks shows in the peer list as visible escapes", async () => {
    const [laptop, desktop] = await Promise.all([env.startNode(), env.startNode()])
    await laptop.setName('laptop')
    await desktop.setName(EVIL)
    const family = await laptop.createTopic('family')
    render(App, { props: appFor(laptop) })
    await screen.findByRole('heading', { level: 1, name: 'family' })
    await desktop.joinTopic(family.keyphrase!)
    const row = await screen.findByRole('row', { name: /evil/ })
    expect(row.textContent).toContain(SHOWN)
    for (const ch of ['\x1b', '\r', '\u202E']) expect(row.textContent).not.toContain(ch)
  })
})
