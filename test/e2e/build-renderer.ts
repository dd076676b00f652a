// The e2e tests drive the page `hyperfold serve` serves from out/renderer, so
// they build it first: `npm test` on a fresh clone needs no separate build step.
import path from 'path'
import { build } from 'vite'

export default async function buildRenderer(): Promise<void> {
  await build({ configFile: path.resolve(import.meta.dirname, '../../renderer/vite.config.ts'), logLevel: 'warn' })
}
