import fs from 'fs'
import path from 'path'
import { createRequire } from 'module'
import { expect, test } from 'vitest'

const ROOT = path.resolve(import.meta.dirname, '../../..')
const require = createRequire(path.join(ROOT, 'package.json'))

interface Loaded {
  files: Array<{ filter: string[] }>
  asarUnpack: string[]
  directories: { buildResources: string }
  protocols: Array<{ schemes: string[] }>
  linux: { target: string[]; icon: string }
  mac: { target: string; icon: string }
  win: { target: string; icon: string }
}

// electron-builder's own loader and schema check, the ones `npm run dist` runs.
async function loadConfig(): Promise<Loaded> {
  const { getConfig, validateConfiguration } = require('app-builder-lib/out/util/config/config.js') as {
    getConfig(dir: string, file: string | null, options: null): Promise<unknown>
    validateConfiguration(config: unknown, logger: unknown): Promise<void>
  }
  const { DebugLogger } = require('builder-util') as { DebugLogger: new (enabled: boolean) => unknown }
  const config = await getConfig(ROOT, null, null)
  await validateConfiguration(config, new DebugLogger(false))
  return config as Loaded
}

test('the installer config is valid for electron-builder and every file it names exists', async () => {
  const config = await loadConfig()
  expect(config.linux.target).toEqual(['AppImage', 'deb'])
  expect([config.mac.target, config.win.target]).toEqual(['dmg', 'nsis'])
  expect(config.protocols[0]!.schemes).toEqual(['hyperfold'])
  expect(fs.statSync(path.join(ROOT, config.directories.buildResources)).isDirectory()).toBe(true)

  // Every icon size the platforms ask for, from 16 to 1024 px.
  for (const size of [16, 24, 32, 48, 64, 128, 256, 512, 1024]) {
    expect(fs.existsSync(path.join(ROOT, config.linux.icon, `${size}x${size}.png`)), `${size}x${size}.png`).toBe(true)
  }
  for (const icon of [config.mac.icon, config.win.icon]) expect(fs.existsSync(path.join(ROOT, icon)), icon).toBe(true)

  // The files packed: out/ is what `npm run build` writes (package.json's main points into it); the rest is in the repository.
  const main = (JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { main: string }).main
  for (const pattern of config.files.flatMap((entry) => entry.filter)) {
    const base = pattern.replace(/\/\*\*$/, '')
    if (base === 'out') expect(main.startsWith('out/')).toBe(true)
    else expect(fs.existsSync(path.join(ROOT, base)), pattern).toBe(true)
  }

  // Each native module unpacked from the asar is installed, with a prebuild for every desktop the installers target.
  const modules = config.asarUnpack.map((glob) => /node_modules\/([^/]+)\/\*\*$/.exec(glob)?.[1]).filter((name) => name !== undefined)
  expect(modules).toEqual(expect.arrayContaining(['sodium-native', 'udx-native', 'rocksdb-native']))
  for (const name of modules) {
    const prebuilds = path.join(ROOT, 'node_modules', name, 'prebuilds')
    for (const target of ['linux-x64', 'darwin-arm64', 'darwin-x64', 'win32-x64']) {
      expect(fs.existsSync(path.join(prebuilds, target)), `${name} prebuild for ${target}`).toBe(true)
    }
  }
})
