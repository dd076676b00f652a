import fs from 'fs/promises'
import path from 'path'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { TestEnv } from '../helpers/env'
import { type EventMessage, commandNames } from '../../contract'
import { createHandlers } from '../../main/api/handlers'
import type { HyperfoldNode } from '../../main/core/node'
import { appEntry, isAppUrl } from '../../main/electron/app-url'
import { forwardEvents, registerCommands, registerShellSettings } from '../../main/electron/ipc'
import { followStartOnLogin } from '../../main/electron/login-item'
import { DEFAULT_SHELL_SETTINGS, ShellSettingsStore } from '../../main/electron/shell-settings'
import { buildBridge } from '../../preload/bridge'
import { EVENT_CHANNEL, SHELL_SETTINGS_GET, SHELL_SETTINGS_SET, commandChannel } from '../../preload/channels'
import { FakeIpcMain, FakeIpcRenderer } from './fakes'

const ENTRY = appEntry('/opt/Hyperfold/resources/app/out/renderer')
const isApp = (url: string) => isAppUrl(url, ENTRY)
const APP_FRAME = { url: ENTRY, parent: null }

describe('the desktop IPC transport, from preload bridge to a real node', () => {
  let env: TestEnv
  let node: HyperfoldNode
  beforeAll(async () => {
    env = await TestEnv.create()
    node = await env.startNode()
  })
  afterAll(async () => {
    await env.close()
  })

  test('every contract command has exactly one handler and one preload invoker, on the same channel', () => {
    const ipc = new FakeIpcMain()
    const dispose = registerCommands(ipc, createHandlers(node), isApp)
    expect([...ipc.handlers.keys()].sort()).toEqual(commandNames.map(commandChannel).sort())

    const bridge = buildBridge(new FakeIpcRenderer(ipc, APP_FRAME))
    expect(Object.keys(bridge.commands).sort()).toEqual([...commandNames].sort())

    dispose()
    expect(ipc.handlers.size).toBe(0)
  })

  test('the app window calls commands through dispatch: results, and errors with their code', async () => {
    const ipc = new FakeIpcMain()
    registerCommands(ipc, createHandlers(node), isApp)
    const { commands } = buildBridge(new FakeIpcRenderer(ipc, APP_FRAME))

    expect(await commands['name.set']({ name: 'desk' })).toEqual({ ok: true, result: { id: node.status().device.id, name: 'desk' } })
    expect(await commands.status({})).toMatchObject({ ok: true, result: { device: { name: 'desk' } } })
    expect(await commands['topic.leave']({ topic: 'nowhere' })).toMatchObject({ ok: false, error: { code: 'TOPIC_NOT_FOUND' } })
    expect(await commands['name.set']({ name: '' })).toEqual({
      ok: false,
      error: { code: 'BAD_INPUT', message: 'name: A device name cannot be empty.' }
    })
  })

  test('any other page, an iframe or a frame that is gone is refused before the node sees it', async () => {
    const ipc = new FakeIpcMain()
    registerCommands(ipc, createHandlers(node), isApp)
    registerShellSettings(ipc, await ShellSettingsStore.load(path.join(await env.tmpDir(), 'settings.json')), isApp)
    const frames = [
      { url: 'https://evil.example/', parent: null },
      { url: 'file:///home/me/Downloads/page.html', parent: null },
      { url: ENTRY, parent: APP_FRAME },
      null
    ]
    for (const frame of frames) {
      const outcome = await ipc.invoke(frame, commandChannel('name.set'), { name: 'pwned' })
      expect(outcome).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } })
      await expect(ipc.invoke(frame, SHELL_SETTINGS_SET, { keepRunningInTray: false })).rejects.toThrow(/Only the Hyperfold window/)
    }
    expect(node.status().device.name).not.toBe('pwned')
  })

  test('node events reach the window through the bridge, and stop once unsubscribed or the window is gone', async () => {
    const ipc = new FakeIpcMain()
    const renderer = new FakeIpcRenderer(ipc, APP_FRAME)
    let destroyed = false
    const stopForwarding = forwardEvents(
      (listener) => node.onEvent(listener),
      () => ({ isDestroyed: () => destroyed, send: (channel, message) => renderer.send(channel, message) })
    )
    const seen: EventMessage[] = []
    const unsubscribe = buildBridge(renderer).onEvent((message) => seen.push(message))

    await node.setName('laptop')
    destroyed = true
    await node.setName('not forwarded')
    destroyed = false
    unsubscribe()
    await node.setName('not listened to')
    stopForwarding()

    expect(seen).toEqual([{ event: 'device.renamed', payload: { id: node.status().device.id, name: 'laptop' } }])
    expect(renderer.listeners.get(EVENT_CHANNEL)?.size).toBe(0)
  })

  test('shell settings are read, changed and kept in their file; a damaged file means the defaults', async () => {
    const file = path.join(await env.tmpDir(), 'settings.json')
    const ipc = new FakeIpcMain()
    registerShellSettings(ipc, await ShellSettingsStore.load(file), isApp)
    const { shell } = buildBridge(new FakeIpcRenderer(ipc, APP_FRAME))

    expect(await shell.settings()).toEqual({ ...DEFAULT_SHELL_SETTINGS, keepRunningInTray: true, startOnLogin: false })
    expect(await shell.updateSettings({ keepRunningInTray: false })).toEqual({ ...DEFAULT_SHELL_SETTINGS, keepRunningInTray: false, startOnLogin: false })
    expect((await ShellSettingsStore.load(file)).get()).toEqual({ ...DEFAULT_SHELL_SETTINGS, keepRunningInTray: false, startOnLogin: false })
    await expect(ipc.invoke(APP_FRAME, SHELL_SETTINGS_SET, { keepRunningInTray: 'yes' })).rejects.toThrow(/malformed/)
    await expect(ipc.invoke(APP_FRAME, SHELL_SETTINGS_SET, { openAtLogin: true })).rejects.toThrow(/Unknown/)
    expect(await ipc.invoke(APP_FRAME, SHELL_SETTINGS_GET)).toEqual({ ...DEFAULT_SHELL_SETTINGS, keepRunningInTray: false, startOnLogin: false })

    // A file from before startOnLogin existed keeps what it says and takes the default for the rest.
    await fs.writeFile(file, JSON.stringify({ keepRunningInTray: false }))
    expect((await ShellSettingsStore.load(file)).get()).toEqual({ ...DEFAULT_SHELL_SETTINGS, keepRunningInTray: false, startOnLogin: false })
    await fs.writeFile(file, '{ not json')
    expect((await ShellSettingsStore.load(file)).get()).toEqual({ ...DEFAULT_SHELL_SETTINGS, keepRunningInTray: true, startOnLogin: false })
  })

  test('the login item follows startOnLogin: set at start, and again only when it changes', async () => {
    const file = path.join(await env.tmpDir(), 'settings.json')
    await fs.writeFile(file, JSON.stringify({ startOnLogin: true }))
    const store = await ShellSettingsStore.load(file)
    const calls: unknown[] = []
    const stop = followStartOnLogin({ setLoginItemSettings: (settings) => calls.push(settings) }, store)
    expect(calls).toEqual([{ openAtLogin: true }])

    const ipc = new FakeIpcMain()
    registerShellSettings(ipc, store, isApp)
    const { shell } = buildBridge(new FakeIpcRenderer(ipc, APP_FRAME))
    await shell.updateSettings({ startOnLogin: false })
    await shell.updateSettings({ keepRunningInTray: false })
    await shell.updateSettings({ startOnLogin: true })
    expect(calls).toEqual([{ openAtLogin: true }, { openAtLogin: false }, { openAtLogin: true }])

    stop()
    await shell.updateSettings({ startOnLogin: false })
    expect(calls).toHaveLength(3)
    await expect(ipc.invoke({ url: 'https://evil.example/', parent: null }, SHELL_SETTINGS_SET, { startOnLogin: true })).rejects.toThrow(
      /Only the Hyperfold window/
    )
  })
})
