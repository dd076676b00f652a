import { createRequire } from 'module'

const pkg = createRequire(import.meta.url)('../../package.json') as { version: string }

export const VERSION: string = pkg.version
