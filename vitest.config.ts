import fs from 'fs'
import path from 'path'
import { createRequire } from 'module'
import { type Plugin, defineConfig } from 'vitest/config'
import { svelte } from '@sveltejs/vite-plugin-svelte'
import { svelteTesting } from '@testing-library/svelte/vite'

export default defineConfig({
  test: {
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Nodes on a DHT testnet are CPU-heavy (Argon2, Noise); 2 workers fit a 2-core box.
    maxWorkers: 2,
    pool: 'forks',
    projects: [
      {
        extends: true,
        test: { name: 'node', include: ['test/**/*.test.ts'], exclude: ['test/renderer/**', 'test/e2e/**'] }
      },
      {
        extends: true,
        plugins: [svelte({ configFile: false }), svelteTesting({ resolveBrowser: false }), svelteClientRuntime()],
        // Node's resolution for everything else: the nodes these tests start must run their Node code, not browser stand-ins.
        resolve: { conditions: ['module', 'node', 'development|production'], mainFields: ['module', 'jsnext:main', 'jsnext'] },
        test: { name: 'renderer', include: ['test/renderer/**/*.test.ts'], environment: 'happy-dom', setupFiles: ['test/renderer/setup.ts'] }
      },
      {
        extends: true,
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts'],
          globalSetup: ['test/e2e/build-renderer.ts'],
          // Chromium and two nodes want the whole machine: run after the other projects, not beside them.
          sequence: { groupOrder: 1 }
        }
      }
    ]
  }
})

// Components run on Svelte's client runtime, as in the page: only Svelte's own entry points get their browser build.
function svelteClientRuntime(): Plugin {
  const manifest = createRequire(import.meta.url).resolve('svelte/package.json')
  const exports = JSON.parse(fs.readFileSync(manifest, 'utf8')).exports as Record<string, Record<string, string>>
  return {
    name: 'hyperfold:svelte-client-runtime',
    enforce: 'pre',
    resolveId(id) {
      if (id !== 'svelte' && !id.startsWith('svelte/')) return null
      const entry = exports[id === 'svelte' ? '.' : `./${id.slice('svelte/'.length)}`]
      const target = entry?.browser ?? entry?.default
      return target === undefined ? null : path.join(path.dirname(manifest), target)
    }
  }
}
