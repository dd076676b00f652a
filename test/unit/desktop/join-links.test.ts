import { describe, expect, test } from 'vitest'
import { JoinLinkInbox, joinLinkIn, registerJoinLinks } from '../../../main/electron/join-links'
import { buildBridge } from '../../../preload/bridge'
import { JOIN_LINK_WAITING } from '../../../preload/channels'
import { FakeIpcMain, FakeIpcRenderer } from '../../electron/fakes'

const APP = 'file:///app/index.html'
const LINK = 'hyperfold://join?k=a%20b&label=family'

describe('join links handed over by the OS', () => {
  test('found among a launch or second-instance argv, whatever else is there', () => {
    expect(joinLinkIn(['/usr/bin/hyperfold', '--data-dir', '/x', LINK])).toBe(LINK)
    expect(joinLinkIn(['/usr/bin/hyperfold', '.'])).toBeNull()
    expect(joinLinkIn([`hyperfold://join?k=${'a'.repeat(9000)}`])).toBeNull()
  })

  test('the page is told a link waits and takes it once; another page cannot take it', async () => {
    const ipc = new FakeIpcMain()
    const page = new FakeIpcRenderer(ipc, { url: APP, parent: null })
    const inbox = new JoinLinkInbox(() => ({ isDestroyed: () => false, send: (channel) => page.send(channel, null) }))
    registerJoinLinks(ipc, inbox, (url) => url === APP)
    const shell = buildBridge(page).shell
    let told = 0
    const stop = shell.onJoinLink(() => told++)
    inbox.deliver(LINK)
    expect(told).toBe(1)
    await expect(new FakeIpcRenderer(ipc, { url: 'https://evil.example/', parent: null }).invoke('hyperfold:shell:take-join-link')).rejects.toThrow(/Only the Hyperfold window/)
    expect(await shell.takeJoinLink()).toBe(LINK)
    expect(await shell.takeJoinLink()).toBeNull()
    stop()
    inbox.deliver(LINK)
    expect(told).toBe(1)
    expect(page.listeners.get(JOIN_LINK_WAITING)?.size).toBe(0)
  })
})
