import path from 'path'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { TestEnv } from '../helpers/env'
import { createHandlers } from '../../main/api/handlers'
import type { HyperfoldNode } from '../../main/core/node'
import { appEntry, isAppUrl } from '../../main/electron/app-url'
import { type DesktopOsLike, registerShellActions } from '../../main/electron/shell-actions'
import { buildBridge } from '../../preload/bridge'
import { SHELL_OPEN_FOLDER, SHELL_PICK_FOLDER } from '../../preload/channels'
import { FakeIpcMain, FakeIpcRenderer } from './fakes'

const ENTRY = appEntry('/opt/Hyperfold/resources/app/out/renderer')
const isApp = (url: string) => isAppUrl(url, ENTRY)
const APP_FRAME = { url: ENTRY, parent: null }

// The OS side as Electron's dialog and shell would answer, recording what it was asked.
function fakeOs(picked: string | null) {
  const opened: string[] = []
  const dialogs: unknown[] = []
  const os: DesktopOsLike = {
    showOpenDialog: async (options) => {
      dialogs.push(options)
      return picked === null ? { canceled: true, filePaths: [] } : { canceled: false, filePaths: [picked] }
    },
    openPath: async (target) => {
      opened.push(target)
      return ''
    }
  }
  return { os, opened, dialogs }
}

describe('the desktop shell: folder picker and file manager', () => {
  let env: TestEnv
  let node: HyperfoldNode
  let synced: string
  beforeAll(async () => {
    env = await TestEnv.create()
    node = await env.startNode()
    const topic = await node.joinTopic('a long private phrase for the shell actions test', 'home')
    synced = await env.tmpDir('hf-open-')
    await node.folders.share({ path: synced, topic: topic.id })
  })
  afterAll(async () => {
    await env.close()
  })

  function bridgeWith(os: DesktopOsLike) {
    const ipc = new FakeIpcMain()
    const handlers = createHandlers(node)
    const dispose = registerShellActions(ipc, os, async () => handlers.folders({}), isApp)
    return { ipc, dispose, shell: buildBridge(new FakeIpcRenderer(ipc, APP_FRAME)).shell }
  }

  test('pickFolder opens a directory dialog and answers the chosen path, or null when cancelled', async () => {
    const chosen = fakeOs('/home/me/Photos')
    expect(await bridgeWith(chosen.os).shell.pickFolder()).toBe('/home/me/Photos')
    expect(chosen.dialogs).toEqual([{ properties: ['openDirectory', 'createDirectory'] }])
    expect(await bridgeWith(fakeOs(null).os).shell.pickFolder()).toBeNull()
  })

  test('openFolder opens a synced folder, and refuses any other path, or no path, in one readable error', async () => {
    const { os, opened } = fakeOs(null)
    const { ipc, shell, dispose } = bridgeWith(os)
    await shell.openFolder(synced)
    expect(opened).toEqual([synced])

    const refusal = { code: 'FORBIDDEN', message: 'Only a folder synced on this device can be opened.' }
    for (const other of [path.dirname(synced), `${synced}/..`, '/etc', '']) {
      await expect(shell.openFolder(other)).rejects.toMatchObject(refusal)
    }
    for (const malformed of [undefined, 42, [synced], { path: synced }]) {
      expect(await ipc.invoke(APP_FRAME, SHELL_OPEN_FOLDER, malformed)).toEqual({ ok: false, error: refusal })
    }
    expect(opened).toEqual([synced])

    dispose()
    expect(ipc.handlers.size).toBe(0)
  })

  test('the file manager failing to open it is one readable line too', async () => {
    const { shell } = bridgeWith({ ...fakeOs(null).os, openPath: async () => 'No application is registered' })
    await expect(shell.openFolder(synced)).rejects.toMatchObject({
      code: 'INTERNAL',
      message: `The file manager cannot open ${synced}: No application is registered`
    })
  })

  test('any other page, an iframe or a frame that is gone gets neither the dialog nor the file manager', async () => {
    const { os, opened, dialogs } = fakeOs('/home/me/Photos')
    const { ipc } = bridgeWith(os)
    const frames = [{ url: 'https://evil.example/', parent: null }, { url: ENTRY, parent: APP_FRAME }, null]
    for (const frame of frames) {
      for (const [channel, input] of [[SHELL_PICK_FOLDER], [SHELL_OPEN_FOLDER, synced]] as const) {
        expect(await ipc.invoke(frame, channel, input)).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } })
      }
    }
    expect(dialogs).toEqual([])
    expect(opened).toEqual([])
  })
})
