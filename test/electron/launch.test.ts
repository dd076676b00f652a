import fs from 'fs/promises'
import os from 'os'
import path from 'path'
import { execFile } from 'child_process'
import { afterAll, describe, expect, test } from 'vitest'
import { parseShellArgs } from '../../main/electron/args'
import { checkLaunch } from '../../main/electron/electron-binary'

const ROOT = path.resolve(import.meta.dirname, '../..')

describe('starting the desktop app', () => {
  const dirs: string[] = []
  afterAll(async () => {
    await Promise.all(dirs.map((dir) => fs.rm(dir, { recursive: true, force: true })))
  })

  // An installed electron package as its install script leaves it: path.txt, and the binary unless the download failed.
  async function electronPackage(binary: boolean): Promise<string> {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'hf-electron-'))
    dirs.push(dir)
    await fs.writeFile(path.join(dir, 'path.txt'), 'electron')
    if (binary) {
      await fs.mkdir(path.join(dir, 'dist'))
      await fs.writeFile(path.join(dir, 'dist', 'electron'), '')
    }
    return dir
  }

  test('without the Electron binary or a display it says why in one line and points to npm run serve', async () => {
    expect(checkLaunch(null, 'linux', { DISPLAY: ':0' })).toEqual({
      ok: false,
      reason: expect.stringMatching(/Electron binary is not installed; run `npm run serve`/)
    })
    expect(checkLaunch(await electronPackage(false), 'darwin', {})).toMatchObject({ ok: false, reason: /not installed/ })
    const installed = await electronPackage(true)
    expect(checkLaunch(installed, 'linux', {})).toMatchObject({ ok: false, reason: /no display.*npm run serve/ })
    expect(checkLaunch(installed, 'linux', { WAYLAND_DISPLAY: 'wayland-0' })).toEqual({
      ok: true,
      electron: path.join(installed, 'dist', 'electron')
    })
    expect(checkLaunch(installed, 'win32', {})).toMatchObject({ ok: true })
  })

  test('the launcher here, with no binary and the fetch switched off, exits non-zero with that one line', async () => {
    const result = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
      execFile(
        process.execPath,
        [path.join(ROOT, 'node_modules/tsx/dist/cli.mjs'), path.join(ROOT, 'main/electron/launch.ts')],
        { env: { ...process.env, DISPLAY: '', WAYLAND_DISPLAY: '', ELECTRON_SKIP_BINARY_DOWNLOAD: '1' }, timeout: 30_000 },
        (err, stdout, stderr) => resolve({ code: err === null ? 0 : (err.code as number), stdout, stderr })
      )
    })
    expect(result.code).toBe(1)
    expect(result.stdout).toBe('')
    expect(result.stderr).toMatch(/^Hyperfold desktop cannot start: [^\n]+ run `npm run serve` [^\n]+\n$/)
  })

  test('the data dir and bootstrap come from the same flags and variables as the CLI', () => {
    expect(parseShellArgs(['.', '--data-dir', '/tmp/hf', '--bootstrap', '127.0.0.1:49737'], {})).toEqual({
      dataDir: '/tmp/hf',
      bootstrap: [{ host: '127.0.0.1', port: 49737 }]
    })
    expect(parseShellArgs(['--data-dir=/tmp/x'], { HYPERFOLD_BOOTSTRAP: 'localhost:1,localhost:2' }).bootstrap).toHaveLength(2)
    expect(parseShellArgs([], { HYPERFOLD_DATA_DIR: '/srv/hf' })).toEqual({ dataDir: '/srv/hf', bootstrap: 'public' })
    expect(() => parseShellArgs(['--bootstrap', 'nowhere'], {})).toThrow(expect.objectContaining({ code: 'BAD_BOOTSTRAP' }))
  })
})
