// The `hyperfold` command. `serve` and `testnet` run here; every other command
// comes from the API contract and is sent to the node running on --data-dir.
import path from 'path'
import { Command, CommanderError } from 'commander'
import { HyperfoldError, escapeControls, showInput, toApiError } from '../../contract'
import { type Bootstrap, parseBootstrap } from '../core/bootstrap'
import { VERSION } from '../core/version'
import { addContractCommands } from './contract-commands'
import { addOpenCommand } from './open-command'
import { addStreamCommands } from './stream-commands'
import { defaultDataDir } from './data-dir-default'

interface RawGlobals {
  dataDir?: string
  bootstrap?: string
  json?: boolean
}

const program = new Command('hyperfold')
  .description('Peer-to-peer folder sync: topics by keyphrase, peers, shared folders.')
  .version(VERSION)
  .option('--data-dir <dir>', 'where this node keeps its data (env HYPERFOLD_DATA_DIR)')
  .option('--bootstrap <host:port,...>', 'DHT bootstrap nodes instead of the public DHT (env HYPERFOLD_BOOTSTRAP)')
  .option('--json', 'print results as JSON, for scripts')
  // Global options go before the command, so that a command's own options
  // (restore --version) are never taken for the program's.
  .enablePositionalOptions()
  .exitOverride()

// Options given after `serve` or `demo` (as `npm run serve -- --bootstrap X` passes them) count as global ones.
let local: RawGlobals = {}
const raw = (): RawGlobals => ({ ...program.opts<RawGlobals>(), ...definedOnly(local) })
const dataDir = () => path.resolve(raw().dataDir ?? defaultDataDir())
// --json is accepted before or after the command.
const json = () => raw().json === true || process.argv.includes('--json')

function bootstrap(): Bootstrap {
  const text = raw().bootstrap ?? process.env.HYPERFOLD_BOOTSTRAP
  return text === undefined || text === '' ? 'public' : parseBootstrap(text)
}

program
  .command('serve')
  .description('Run the node with its API and web UI on 127.0.0.1')
  .option('--port <port>', 'port for the API (default: any free port)')
  .option('--json', 'print the address as JSON')
  .option('--data-dir <dir>', 'where this node keeps its data')
  .option('--bootstrap <host:port,...>', 'DHT bootstrap nodes instead of the public DHT')
  .action(async (opts: { port?: string } & RawGlobals) => {
    local = opts
    const port = opts.port === undefined ? undefined : Number(opts.port)
    if (port !== undefined && !(Number.isInteger(port) && port >= 0 && port < 65536)) {
      throw new HyperfoldError('BAD_INPUT', `Bad port "${showInput(opts.port)}": expected a number from 0 to 65535.`)
    }
    // Started without the memory settings (not through bin/hyperfold.js): start again with them.
    const { followLauncher, relaunchNeeded, relaunchTuned } = await import('../../bin/tuning.js')
    if (relaunchNeeded()) return relaunchTuned()
    followLauncher()
    // Loaded on demand: the P2P stack is heavy, and every other command only talks to a running node.
    const { serve } = await import('./serve')
    await serve({ dataDir: dataDir(), bootstrap: bootstrap(), port, json: json() })
  })

program
  .command('testnet')
  .description('Run a local DHT bootstrap (for tests and offline networks); prints host:port')
  .option('--host <host>', 'address to bind and announce', '127.0.0.1')
  .option('--port <port>', 'port of the first bootstrap node')
  .option('--json', 'print the bootstrap as JSON')
  .action(async (opts: { host: string; port?: string }) => {
    const { runTestnet } = await import('./testnet')
    await runTestnet({ host: opts.host, port: opts.port ? Number(opts.port) : undefined, json: json() })
  })

program
  .command('demo')
  .description('Run a local testnet and two nodes syncing a sample folder, for a first look')
  .action(async () => {
    const { runDemo } = await import('./demo')
    await runDemo()
  })

addContractCommands(program, () => ({ dataDir: dataDir(), json: json() }))
addStreamCommands(program, dataDir)
addOpenCommand(program, dataDir)

try {
  await program.parseAsync(process.argv)
} catch (err) {
  if (err instanceof CommanderError) process.exitCode = err.exitCode
  else fail(err)
}

function definedOnly(opts: RawGlobals): RawGlobals {
  return Object.fromEntries(Object.entries(opts).filter(([, value]) => value !== undefined))
}

function fail(err: unknown): void {
  const error = toApiError(err)
  if (json()) process.stdout.write(JSON.stringify({ ok: false, error }) + '\n')
  else process.stderr.write(`hyperfold: ${escapeControls(error.message)}\n`)
  process.exitCode = 1
}
