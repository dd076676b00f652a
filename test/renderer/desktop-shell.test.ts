import { afterEach, describe, expect, test } from 'vitest'
import { fireEvent, render, screen, waitFor, within } from '@testing-library/svelte'
import type { Folder } from '../../contract'
import type { HyperfoldBridge } from '../../preload/bridge'
import { ApiClient } from '../../renderer/src/api/client'
import type { Outcome, Transport } from '../../renderer/src/api/transport'
import FolderCard from '../../renderer/src/components/folders/FolderCard.svelte'
import ShareFolderForm from '../../renderer/src/components/folders/ShareFolderForm.svelte'
import SyncFolderForm from '../../renderer/src/components/folders/SyncFolderForm.svelte'
import { HyperfoldApp } from '../../renderer/src/state/app.svelte'

// No node is needed to see which buttons a form offers: commands are recorded and refused.
class RecordingTransport implements Transport {
  readonly requests: Array<{ command: string; input: unknown }> = []
  async request(command: string, input: unknown): Promise<Outcome> {
    this.requests.push({ command, input })
    return { ok: false, error: { code: 'FOLDER_PATH_INVALID', message: 'Not in this test.' } }
  }
  subscribe(): () => void {
    return () => {}
  }
  onState(): () => void {
    return () => {}
  }
  close(): void {}
}

// The preload's shell as the desktop app exposes it, with the OS's answers given by the test.
function desktopShell(picked: string | null) {
  const opened: string[] = []
  const shell: Partial<HyperfoldBridge['shell']> = {
    pickFolder: async () => picked,
    openFolder: async (path) => void opened.push(path)
  }
  window.hyperfold = { shell } as HyperfoldBridge
  return opened
}

const remote: Folder = {
  id: 'f1',
  name: 'Photos',
  topic: 't1',
  path: null,
  mode: 'send-receive',
  history: { retention: 'staggered', own: true },
  selection: { everything: true, only: [], except: [] },
  state: 'available',
  progress: null,
  files: 3,
  bytes: 1024,
  sharedBy: ['laptop'],
  writers: 1,
  conflicts: 0,
  localChanges: 0,
  lastError: null,
  unapplied: []
}

function setup() {
  const transport = new RecordingTransport()
  return { transport, app: new HyperfoldApp(new ApiClient(transport)) }
}

describe('the desktop shell in the page: folder picker and file manager', () => {
  afterEach(() => {
    delete window.hyperfold
  })

  test('in a browser the path is typed: no Choose… button, no Open folder', () => {
    const { app } = setup()
    render(ShareFolderForm, { props: { folders: app.folders, topicId: 't1', onclose: () => {} } })
    render(FolderCard, { props: { app, folder: { ...remote, path: '/home/me/Photos', state: 'idle' } } })
    expect(screen.getByLabelText('Folder on this device')).toBeTruthy()
    expect(screen.queryByRole('button', { name: 'Choose…' })).toBeNull()
    expect(screen.queryByRole('button', { name: 'Open folder' })).toBeNull()
  })

  test('in the desktop app Choose… fills the path that sharing then sends; a cancelled dialog leaves it as it was', async () => {
    desktopShell('/home/me/Photos')
    const { app, transport } = setup()
    render(ShareFolderForm, { props: { folders: app.folders, topicId: 't1', onclose: () => {} } })
    const field = screen.getByLabelText<HTMLInputElement>('Folder on this device')
    await fireEvent.click(screen.getByRole('button', { name: 'Choose…' }))
    await waitFor(() => expect(field.value).toBe('/home/me/Photos'))

    await fireEvent.click(screen.getByRole('button', { name: 'Share folder' }))
    await screen.findByText('Not in this test.')
    expect(transport.requests).toEqual([{ command: 'share', input: expect.objectContaining({ path: '/home/me/Photos', topic: 't1' }) }])

    desktopShell(null)
    const sync = within(render(SyncFolderForm, { props: { folders: app.folders, folder: remote, onclose: () => {} } }).container)
    const into = sync.getByLabelText<HTMLInputElement>('Into this folder on this device')
    await fireEvent.input(into, { target: { value: '/typed' } })
    await fireEvent.click(sync.getByRole('button', { name: 'Choose…' }))
    await waitFor(() => expect(sync.getByRole<HTMLButtonElement>('button', { name: 'Choose…' }).disabled).toBe(false))
    expect(into.value).toBe('/typed')
  })

  test('in the desktop app a folder synced here has Open folder, which hands its path to the shell', async () => {
    const opened = desktopShell(null)
    const { app } = setup()
    render(FolderCard, { props: { app, folder: remote } })
    expect(screen.queryByRole('button', { name: 'Open folder' })).toBeNull()

    render(FolderCard, { props: { app, folder: { ...remote, id: 'f2', path: '/home/me/Photos', state: 'idle' } } })
    await fireEvent.click(screen.getByRole('button', { name: 'Open folder' }))
    await waitFor(() => expect(opened).toEqual(['/home/me/Photos']))
  })
})
