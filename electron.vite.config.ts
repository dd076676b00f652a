// `npm run build`: the desktop app's three bundles into out/ (main, preload,
// renderer). The renderer config is shared with the browser build.
import { fileURLToPath } from 'url'
import { defineConfig } from 'electron-vite'
import { rendererConfig } from './renderer/vite.config'

const file = (relative: string) => fileURLToPath(new URL(relative, import.meta.url))

export default defineConfig({
  main: {
    build: {
      // Every dependency stays in node_modules; native ones must, since they load prebuilt binaries at runtime.
      externalizeDeps: { include: ['sodium-native', 'udx-native', 'rocksdb-native'] },
      rolldownOptions: { input: { index: file('main/electron/index.ts') } }
    }
  },
  preload: {
    build: {
      // A sandboxed preload cannot require anything but electron: bundle it all, as CommonJS.
      externalizeDeps: false,
      rolldownOptions: {
        input: { index: file('preload/index.ts') },
        output: { format: 'cjs', entryFileNames: '[name].cjs' }
      }
    }
  },
  renderer: rendererConfig
})
