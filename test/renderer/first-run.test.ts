import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { fireEvent, render, screen } from '@testing-library/svelte'
import { TestEnv } from '../helpers/env'
import App from '../../renderer/src/App.svelte'
import { appFor } from './helpers/in-process'

describe('first run: name this device, create or join a topic', () => {
  let env: TestEnv
  beforeAll(async () => {
    env = await TestEnv.create()
  })
  afterAll(async () => {
    await env.close()
  })

  test('the welcome shows the device name, and saving a new one renames the node', async () => {
    const node = await env.startNode()
    render(App, { props: appFor(node) })

    const field = await screen.findByLabelText<HTMLInputElement>('Device name')
    expect(screen.getByRole('heading', { name: 'Welcome to Hyperfold' })).toBeTruthy()
    expect(field.value).toBe(node.status().device.name)

    await fireEvent.input(field, { target: { value: '  laptop ' } })
    await fireEvent.click(screen.getByRole('button', { name: 'Save name' }))
    expect((await screen.findByRole('status')).textContent).toMatch(/Your peers now see “laptop”/)
    expect(node.status().device.name).toBe('laptop')
  })

  test('creating a topic shows its keyphrase once, with the trust warning, then the empty topic', async () => {
    const node = await env.startNode()
    render(App, { props: appFor(node) })

    await fireEvent.input(await screen.findByLabelText(/^Label/, { selector: '#create-label' }), { target: { value: 'family' } })
    await fireEvent.click(screen.getByRole('button', { name: 'Create topic' }))

    expect(await screen.findByRole('heading', { name: 'Topic “family” is ready' })).toBeTruthy()
    const keyphrase = screen.getByLabelText<HTMLTextAreaElement>('Keyphrase')
    expect(keyphrase.value.split(' ')).toHaveLength(8)
    expect(screen.getByRole('note').textContent).toMatch(/Share this only with people you trust/)
    const [topic] = node.listTopics()
    expect(topic?.label).toBe('family')

    await fireEvent.click(screen.getByRole('button', { name: 'Done, I saved it' }))
    expect(await screen.findByRole('heading', { level: 1, name: 'family' })).toBeTruthy()
    expect(screen.getByText('No peers yet.')).toBeTruthy()
    expect(screen.getByRole('button', { name: /family/ }).getAttribute('aria-current')).toBe('page')
  })

  test('a weak keyphrase joins with the node\'s warning; joining it again says why not, in one line', async () => {
    const node = await env.startNode()
    render(App, { props: appFor(node) })

    const field = await screen.findByLabelText<HTMLInputElement>('Keyphrase')
    expect(field.type).toBe('password')
    await fireEvent.click(screen.getByRole('button', { name: 'Show' }))
    expect(field.type).toBe('text')

    await fireEvent.input(field, { target: { value: 'cats are nice' } })
    await fireEvent.click(screen.getByRole('button', { name: 'Join topic' }))
    const warning = await screen.findByRole('note')
    expect(warning.textContent).toMatch(/This keyphrase is weak/)
    const [topic] = node.listTopics()

    await fireEvent.click(screen.getByRole('button', { name: /Create or join a topic/ }))
    await fireEvent.input(await screen.findByLabelText('Keyphrase'), { target: { value: 'cats are nice' } })
    await fireEvent.click(screen.getByRole('button', { name: 'Join topic' }))
    expect((await screen.findByRole('alert')).textContent).toBe(`Topic ${topic!.id} is already joined.`)
  })
})
