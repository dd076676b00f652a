import fs from 'fs/promises'
import path from 'path'
import { afterAll, describe, expect, test } from 'vitest'
import { formatProgress, rootCause } from '../../../main/electron/electron-fetch'
import { BINARY, ROOT, cleanEnv, closedPort, electronVersion, fakeElectronPackage, loopbackMirror, runTs, storedZip, zipName } from './fake-electron'

const PREPARE = path.join(import.meta.dirname, 'prepare-launch-cli.ts')
const ONE_LINE = /^Hyperfold desktop cannot start: [^\n]+ run `npm run serve` [^\n]+\n$/

describe('the first start fetches Electron', () => {
  const roots: string[] = []
  afterAll(async () => {
    await Promise.all(roots.map((dir) => fs.rm(dir, { recursive: true, force: true })))
  })
  async function fake(zip: Buffer | null) {
    const made = await fakeElectronPackage(zip)
    roots.push(made.root)
    return made
  }

  test('a missing binary is fetched from the mirror, unpacked by the package install script, and the app can start', async () => {
    const version = await electronVersion()
    const zip = storedZip({ [BINARY]: '#!/bin/sh\necho fake electron\n', version: `v${version}` })
    const { packageDir, cache } = await fake(zip)
    const mirror = await loopbackMirror({ [zipName(version)]: zip })
    try {
      const run = await runTs(PREPARE, [packageDir], cleanEnv({ ELECTRON_MIRROR: mirror.url, electron_config_cache: cache, DISPLAY: ':0' }))
      expect(run.code).toBe(0)
      // Not a terminal here, so progress comes as whole lines, ending at 100%.
      expect(run.stderr).toMatch(/^Fetching Electron [\d.]+ for \S+: 100% \(0\.\d of 0\.\d MB\)\n$/)
      expect(run.stdout.trim()).toBe(path.join(packageDir, 'dist', BINARY))
      expect(mirror.requests).toEqual([`/v${version}/${zipName(version)}`])
      expect(await fs.readFile(path.join(packageDir, 'path.txt'), 'utf8')).toBe(BINARY)
      expect(await fs.readFile(path.join(packageDir, 'dist', BINARY), 'utf8')).toContain('fake electron')
    } finally {
      await mirror.close()
    }
  })

  test('a mirror that refuses: one line saying the fetch was tried and failed, naming npm run serve, exit 1', async () => {
    const { packageDir, cache } = await fake(null)
    const mirror = await loopbackMirror({})
    try {
      const run = await runTs(PREPARE, [packageDir], cleanEnv({ ELECTRON_MIRROR: mirror.url, electron_config_cache: cache }))
      expect(run.code).toBe(1)
      expect(run.stdout).toBe('')
      expect(run.stderr).toMatch(ONE_LINE)
      expect(run.stderr).toMatch(/tried to fetch Electron [\d.]+ for \S+ and failed \(Response code 403/)
      expect(mirror.requests).toHaveLength(1)
      await expect(fs.access(path.join(packageDir, 'dist'))).rejects.toThrow()
    } finally {
      await mirror.close()
    }
  })

  test('no one listening on the mirror: the same one line with the reason, exit 1', async () => {
    const { packageDir, cache } = await fake(null)
    const port = await closedPort()
    const run = await runTs(PREPARE, [packageDir], cleanEnv({ ELECTRON_MIRROR: `http://127.0.0.1:${port}/`, electron_config_cache: cache }))
    expect(run.code).toBe(1)
    expect(run.stderr).toMatch(ONE_LINE)
    expect(run.stderr).toContain(`tried to fetch Electron`)
    expect(run.stderr).toContain(`ECONNREFUSED 127.0.0.1:${port}`)
  })

  test('ELECTRON_SKIP_BINARY_DOWNLOAD: nothing is fetched, the line says the binary is missing', async () => {
    const { packageDir, cache } = await fake(null)
    const mirror = await loopbackMirror({})
    try {
      const env = cleanEnv({ ELECTRON_MIRROR: mirror.url, electron_config_cache: cache, ELECTRON_SKIP_BINARY_DOWNLOAD: '1' })
      const run = await runTs(PREPARE, [packageDir], env)
      expect(run.code).toBe(1)
      expect(run.stderr).toMatch(ONE_LINE)
      expect(run.stderr).toMatch(/Electron binary is not installed and ELECTRON_SKIP_BINARY_DOWNLOAD is set/)
      expect(mirror.requests).toEqual([])
    } finally {
      await mirror.close()
    }
  })

  test('npm start itself, pointed at a closed loopback mirror, says so in one line and exits 1', async () => {
    const port = await closedPort()
    const { root, cache } = await fake(null)
    // An empty dist of its own: on a machine where Electron is installed, this must still be a first start (and open nothing).
    const env = cleanEnv({ ELECTRON_MIRROR: `http://127.0.0.1:${port}/`, electron_config_cache: cache, ELECTRON_OVERRIDE_DIST_PATH: path.join(root, 'no-dist'), DISPLAY: '', WAYLAND_DISPLAY: '' })
    const run = await runTs(path.join(ROOT, 'main/electron/launch.ts'), [], env)
    expect(run.code).toBe(1)
    expect(run.stdout).toBe('')
    expect(run.stderr).toMatch(ONE_LINE)
    expect(run.stderr).toContain('tried to fetch Electron')
  })

  test('progress and failures read as a person would say them', () => {
    expect(formatProgress({ transferred: 42_000_000, total: 100_000_000, percent: 0.42 })).toBe('42% (42 of 100 MB)')
    expect(formatProgress({ transferred: 1_500_000, total: 3_000_000, percent: 0.5 })).toBe('50% (1.5 of 3.0 MB)')
    expect(formatProgress({ transferred: 17_000_000, total: null, percent: 0 })).toBe('17 MB')
    const refused = Object.assign(new Error('connect ECONNREFUSED ::1:80'), { code: 'ECONNREFUSED' })
    expect(rootCause(new TypeError('fetch failed', { cause: new AggregateError([refused]) }))).toBe('connect ECONNREFUSED ::1:80')
    expect(rootCause(new TypeError('fetch failed', { cause: new Error('bad port') }))).toMatch(/^bad port: fetch never connects/)
    expect(rootCause('multi\nline')).toBe('line')
  })
})
