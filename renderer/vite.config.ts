// The renderer build, shared by `npm run build` (electron-vite, for the desktop
// app) and `npm run build:web` (what `hyperfold serve` serves from out/renderer).
import { fileURLToPath } from 'url'
import { svelte } from '@sveltejs/vite-plugin-svelte'
import type { UserConfig } from 'vite'

const root = fileURLToPath(new URL('.', import.meta.url))

export const rendererConfig = {
  root,
  // Relative asset paths: the desktop app loads index.html from disk, the server from /.
  base: './',
  plugins: [svelte({ configFile: false })],
  build: {
    outDir: fileURLToPath(new URL('../out/renderer', import.meta.url)),
    emptyOutDir: true,
    target: 'chrome120',
    // electron-vite turns minifying off by default; both builds ship the same files.
    minify: true,
    rolldownOptions: { input: fileURLToPath(new URL('index.html', import.meta.url)) }
  }
} satisfies UserConfig

export default rendererConfig
