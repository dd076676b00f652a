// Previews in both transports: the web page reads the node's HTTP route, the
// desktop page the app's file scheme (answered here by the desktop handler
// over a real node, as Electron's protocol.handle would). A PDF shows in a
// frame of the same route, for the browser's own viewer.
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest'
import { render, screen } from '@testing-library/svelte'
import type { HyperfoldBridge } from '../../preload/bridge'
import type { HyperfoldNode } from '../../main/core/node'
import FilePreview from '../../renderer/src/components/folders/FilePreview.svelte'
import { TestEnv } from '../helpers/env'
import { writeTree } from '../helpers/folders'
import { restoreFetch, routeFileScheme } from './helpers/file-scheme'

describe('file previews', () => {
  let env: TestEnv
  let node: HyperfoldNode
  let folderId: string
  beforeAll(async () => {
    env = await TestEnv.create()
    node = await env.startNode()
    await node.joinTopic('a long private phrase for the preview test', 'home')
    const root = await env.tmpDir()
    await writeTree(root, { 'notes/plan.md': '# Plan\n<script>alert(1)</script>\n', 'paper.pdf': '%PDF-1.4\n%%EOF\n', 'cat.png': 'not really a png' })
    folderId = (await node.folders.share({ path: root, topic: 'home', name: 'Docs' })).id
  })
  afterAll(async () => {
    await env.close()
  })
  afterEach(() => {
    delete window.hyperfold
    restoreFetch()
  })

  test('desktop: text is read through the file scheme and shown as text, never as markup', async () => {
    window.hyperfold = {} as HyperfoldBridge
    routeFileScheme(node)
    render(FilePreview, { props: { folderId, path: '/notes/plan.md' } })
    const figure = screen.getByRole('figure', { name: 'Preview of plan.md' })
    expect((await screen.findByText(/# Plan/)).textContent).toBe('# Plan\n<script>alert(1)</script>\n')
    expect(figure.querySelector('script')).toBeNull()
  })

  test('desktop: an image and a PDF load from the file scheme', () => {
    window.hyperfold = {} as HyperfoldBridge
    render(FilePreview, { props: { folderId, path: '/cat.png' } })
    expect(screen.getByRole('img', { name: 'Preview of cat.png' }).getAttribute('src')).toBe(`hyperfold-file://node/api/file?folder=${folderId}&path=%2Fcat.png`)
    render(FilePreview, { props: { folderId, path: '/paper.pdf' } })
    const frame = screen.getByTitle('Preview of paper.pdf')
    expect([frame.tagName, frame.getAttribute('src')]).toEqual(['IFRAME', `hyperfold-file://node/api/file?folder=${folderId}&path=%2Fpaper.pdf`])
  })

  test('web: the same previews from the page’s own node', () => {
    render(FilePreview, { props: { folderId, path: '/paper.pdf' } })
    expect(screen.getByTitle('Preview of paper.pdf').getAttribute('src')).toBe(`/api/file?folder=${folderId}&path=%2Fpaper.pdf`)
  })
})
