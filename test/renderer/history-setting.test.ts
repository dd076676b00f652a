import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { fireEvent, render, screen, waitFor, within } from '@testing-library/svelte'
import { TestEnv } from '../helpers/env'
import App from '../../renderer/src/App.svelte'
import { appFor } from './helpers/in-process'

describe("a folder's history setting on its card", () => {
  let env: TestEnv
  beforeAll(async () => {
    env = await TestEnv.create()
  })
  afterAll(async () => {
    await env.close()
  })

  test('shows the default, changes what is kept and whether own versions are, and the node keeps it', async () => {
    const node = await env.startNode()
    const topic = await node.joinTopic('a long private phrase for the history setting test', 'home')
    await node.folders.share({ path: await env.tmpDir('hf-history-'), topic: topic.id, name: 'Notes' })
    render(App, { props: appFor(node) })
    const card = await screen.findByRole('article', { name: 'Notes' })
    const toggle = within(card).getByRole('button', { name: 'History: thinned out with age' })
    expect(toggle.getAttribute('aria-expanded')).toBe('false')
    await fireEvent.click(toggle)
    expect(toggle.getAttribute('aria-expanded')).toBe('true')
    const select = within(card).getByLabelText('Old versions kept') as HTMLSelectElement
    expect(select.value).toBe('staggered')
    expect(within(card).getByText(/^Thinned out with age: every version of the last day, then one a day for a month/)).toBeTruthy()
    const own = within(card).getByLabelText(/^Keep a copy of the versions this device writes/) as HTMLInputElement
    expect(own.checked).toBe(true)

    await fireEvent.change(select, { target: { value: 'all' } })
    expect(await within(card).findByText('History: every version')).toBeTruthy()
    expect(within(card).getByText(/^Every version: every version, for as long/)).toBeTruthy()
    expect(node.folders.info('Notes').history).toEqual({ retention: 'all', own: true })

    await waitFor(() => expect(own.disabled).toBe(false))
    await fireEvent.click(own)
    expect(await within(card).findByText('History: every version, not its own versions')).toBeTruthy()
    expect(own.checked).toBe(false)
    expect(node.folders.info('Notes').history).toEqual({ retention: 'all', own: false })
  })

  test('a change the node refuses says why in one line, and the control shows the setting still in force', async () => {
    const node = await env.startNode()
    const topic = await node.joinTopic('another long private phrase for the history setting', 'work')
    await node.folders.share({ path: await env.tmpDir('hf-history-'), topic: topic.id, name: 'Reports' })
    render(App, { props: appFor(node) })
    const card = await screen.findByRole('article', { name: 'Reports' })
    await fireEvent.click(within(card).getByRole('button', { name: /^History:/ }))
    const select = within(card).getByLabelText('Old versions kept') as HTMLSelectElement
    // Removed from this device behind the UI's back: the folder is no longer here to set.
    await node.folders.remove('Reports')

    await fireEvent.change(select, { target: { value: 'off' } })
    expect((await within(card).findByRole('alert')).textContent).toMatch(/^No folder named or with id ".*" here or offered by a peer/)
    await waitFor(() => expect(select.value).toBe('staggered'))
    expect(within(card).getByText('History: thinned out with age')).toBeTruthy()
  })
})
