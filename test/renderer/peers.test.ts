import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { fireEvent, render, screen, within } from '@testing-library/svelte'
import { TestEnv } from '../helpers/env'
import App from '../../renderer/src/App.svelte'
import { appFor } from './helpers/in-process'

describe('peers of a topic, live from events', () => {
  let env: TestEnv
  beforeAll(async () => {
    env = await TestEnv.create()
  })
  afterAll(async () => {
    await env.close()
  })

  test('a peer that joins appears by name, online and direct; when it leaves it stays, offline; the feed tells both', async () => {
    const [laptop, desktop] = await Promise.all([env.startNode(), env.startNode()])
    await laptop.setName('laptop')
    await desktop.setName('desktop')
    const family = await laptop.createTopic('family')
    render(App, { props: appFor(laptop) })
    expect(await screen.findByRole('heading', { level: 1, name: 'family' })).toBeTruthy()
    expect(screen.getByText('No peers yet.')).toBeTruthy()

    await desktop.joinTopic(family.keyphrase!)
    const row = await screen.findByRole('row', { name: /desktop/ })
    expect(within(row).getByText('online')).toBeTruthy()
    expect(within(row).getByText('Direct')).toBeTruthy()
    expect(await within(row).findByText('Fast lane (TCP)')).toBeTruthy()
    expect(within(row).getByText(desktop.status().device.id.slice(0, 8))).toBeTruthy()
    const sidebar = screen.getByRole('navigation')
    expect(within(sidebar).getByRole('button', { name: /family/ }).textContent).toMatch(/1 peer online/)

    await desktop.leaveTopic(family.id)
    expect(await within(row).findByText('Offline')).toBeTruthy()
    expect(within(row).getByText('offline')).toBeTruthy()
    expect(within(sidebar).getByRole('button', { name: /family/ }).textContent).toMatch(/0 peers online/)

    await fireEvent.click(within(sidebar).getByRole('button', { name: 'Activity' }))
    const feed = within(await screen.findByRole('list', { name: 'Activity' }))
      .getAllByRole('listitem')
      .map((item) => item.textContent)
    expect(feed[0]).toMatch(/desktop disconnected$/)
    expect(feed[1]).toMatch(/desktop connected on family$/)
  })
})
