import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { fireEvent, render, screen, within } from '@testing-library/svelte'
import { TestEnv } from '../helpers/env'
import App from '../../renderer/src/App.svelte'
import { appFor } from './helpers/in-process'

describe('loading, errors, connection and settings', () => {
  let env: TestEnv
  beforeAll(async () => {
    env = await TestEnv.create()
  })
  afterAll(async () => {
    await env.close()
  })

  test('until the connection opens the page says it is connecting, then shows the node', async () => {
    const node = await env.startNode()
    const { app, transport } = appFor(node, 'connecting')
    render(App, { props: { app } })
    expect(screen.getByRole('status').textContent).toMatch(/Connecting to your Hyperfold node/)
    transport.setState('open')
    expect(await screen.findByRole('heading', { name: 'Welcome to Hyperfold' })).toBeTruthy()
  })

  test('a node that is shutting down is one readable line, with a way to try again', async () => {
    const node = await env.startNode()
    await node.close()
    render(App, { props: appFor(node) })
    expect(await screen.findByRole('heading', { name: "Can't reach your Hyperfold node" })).toBeTruthy()
    expect(screen.getByRole('alert').textContent).toBe('The node is shutting down.')
    await fireEvent.click(screen.getByRole('button', { name: 'Try again' }))
    expect(screen.getByRole('alert').textContent).toBe('The node is shutting down.')
  })

  test('a dropped connection shows a banner until it is back, and the page then catches up', async () => {
    const node = await env.startNode()
    await node.joinTopic('a long private phrase for the banner test only', 'home')
    const { app, transport } = appFor(node)
    render(App, { props: { app } })
    await screen.findByRole('heading', { level: 1, name: 'home' })

    transport.setState('lost')
    expect((await screen.findByRole('alert')).textContent).toMatch(/Lost the connection to the node/)
    await node.setName('renamed while away')
    transport.setState('open')
    expect(await within(screen.getByRole('navigation')).findByText(/renamed while away/)).toBeTruthy()
    expect(screen.queryByRole('alert')).toBeNull()
  })

  test('settings show the device id, data folder and network; the activity feed starts empty', async () => {
    const node = await env.startNode()
    await node.joinTopic('another long private phrase for settings', 'work')
    render(App, { props: appFor(node) })
    const sidebar = await screen.findByRole('navigation')

    await fireEvent.click(within(sidebar).getByRole('button', { name: 'Settings' }))
    const status = node.status()
    expect(await screen.findByText(status.device.id)).toBeTruthy()
    expect(screen.getByText(status.dataDir)).toBeTruthy()
    expect(screen.getByText(`Local DHT at ${env.bootstrapArg.replaceAll(',', ', ')}`)).toBeTruthy()
    expect(screen.queryByText(/Keep syncing in the tray/)).toBeNull()

    await fireEvent.click(within(sidebar).getByRole('button', { name: 'Activity' }))
    expect(await screen.findByText('Nothing has happened yet.')).toBeTruthy()
  })
})
