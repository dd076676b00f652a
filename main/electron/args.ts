// Where the desktop app keeps its node and which DHT it joins: the same
// --data-dir and --bootstrap flags (and HYPERFOLD_* variables) as the CLI.
import path from 'path'
import { type Bootstrap, parseBootstrap } from '../core/bootstrap'
import { defaultDataDir } from '../cli/data-dir-default'

export interface ShellArgs {
  dataDir: string
  bootstrap: Bootstrap
}

export function parseShellArgs(argv: readonly string[], env: NodeJS.ProcessEnv): ShellArgs {
  const dataDir = flag(argv, '--data-dir') ?? defaultDataDir(env)
  const bootstrap = flag(argv, '--bootstrap') ?? env.HYPERFOLD_BOOTSTRAP
  return {
    dataDir: path.resolve(dataDir),
    // Required by the node on purpose: the public DHT is what a user gets when they name no bootstrap.
    bootstrap: bootstrap === undefined || bootstrap === '' ? 'public' : parseBootstrap(bootstrap)
  }
}

function flag(argv: readonly string[], name: string): string | undefined {
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!
    if (arg === name) return argv[i + 1]
    if (arg.startsWith(`${name}=`)) return arg.slice(name.length + 1)
  }
  return undefined
}
