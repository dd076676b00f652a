// How a node process is started so that it stays small on a desktop, beside
// everything else the user runs. Two knobs are read only when a process
// starts, so they are set by whatever starts it: `hyperfold serve` (which
// starts itself again, once, with them), the desktop launcher and Electron's
// main process, and the bench (which starts nodes as serve would run).
// Measured on a 10,000-file sync: bench scenario 4 and
// research/performance-facts.md §5. The store's own knob (RocksDB's write
// buffer) is in main/core/store-tuning.ts.
//
// Plain JavaScript, and importing nothing heavy: the `hyperfold` command runs
// it before any TypeScript loader, so that the process waiting for the
// relaunched serve costs a bare Node's memory and no more.
import process from 'process'
import { spawn } from 'child_process'
import { once } from 'events'

// glibc gives threads that allocate their own malloc arenas (up to eight per
// core) and keeps freed memory in each: RocksDB's and libuv's threads leave
// it there. Two arenas took 9-25 MiB off a store's peak in a test process
// (research/performance-facts.md §5). glibc reads it once, at start; other
// C libraries ignore it.
export const MALLOC_ARENA_MAX = '2'

// V8's young generation: each semi-space grows to 16 MiB by default (64-bit).
// A node's garbage (protocol messages, file entries) dies young either way;
// 2, 4 and 8 MiB made no difference to a 10,000-file sync's peak beyond the
// bench's noise, so the middle one, a little more scavenging for a smaller nursery.
export const MAX_SEMI_SPACE_MIB = 4

// The biggest share: after a 10,000-file sync the receiving node's old space
// held ~130 MiB of which ~35 MiB was alive, and V8 never collected the rest
// while the node sat idle (RSS stayed at ~220 MiB; a forced full GC took it
// to ~125). V8 lets the heap grow to several times its live size before a
// full GC; 30 % keeps it near what is alive (20 % measured the same). On that
// sync (bench scenario 4) the receiver's peak RSS went 229 -> 139 MiB and its
// CPU 28.6 -> 34.1 s (one run each, a noisy machine). --optimize-for-size did
// better on memory (127 MiB) but cost 48 s of CPU.
export const HEAP_GROWING_PERCENT = 30

// The floor under the old space's limit. With a limit of 1.3 times a small
// live heap, the Buffers of a big transfer (64 KiB a chunk, read, encrypted,
// decrypted) reached it every few megabytes and each time cost a full
// collection: 1 GiB A -> B took 13-17 s and 9-12 s of CPU on the sender;
// with a 64 MiB floor, 9.6 s and 4.7 s (a 10,000-file sync: 27-28 -> 22 s;
// 32 MiB did nothing; bench scenarios 1 and 2 on a quiet machine). It costs
// 15-20 MiB of peak RSS on that sync, given back once the node is idle
// (main/core/idle-collector.ts, hence --expose-gc).
export const OLD_SPACE_FLOOR_MIB = 64

// For a node command line, or Electron's js-flags switch.
export const V8_FLAGS = [
  `--max-semi-space-size=${MAX_SEMI_SPACE_MIB}`,
  `--heap-growing-percent=${HEAP_GROWING_PERCENT}`,
  `--initial-old-space-size=${OLD_SPACE_FLOOR_MIB}`,
  '--expose-gc'
]

// Set in a relaunched serve: it never relaunches again, whatever it finds.
const RELAUNCHED = 'HYPERFOLD_RELAUNCHED'
const FORWARDED = ['SIGINT', 'SIGTERM', 'SIGHUP']
// Global options of the `hyperfold` command that take a value (main/cli/index.ts).
const VALUE_OPTIONS = new Set(['--data-dir', '--bootstrap'])

let following = false

/** `env` with the allocator setting added; a value the user set stays. */
export function tunedEnv(env) {
  return { ...env, MALLOC_ARENA_MAX: env.MALLOC_ARENA_MAX ?? MALLOC_ARENA_MAX }
}

/** The V8 flags neither on this command line (`execArgv`) nor in NODE_OPTIONS. */
export function missingNodeFlags(execArgv, nodeOptions = '') {
  const name = (flag) => flag.split('=')[0].replace(/_/g, '-')
  const given = new Set([...execArgv, ...nodeOptions.split(/\s+/)].map(name))
  return V8_FLAGS.filter((flag) => !given.has(name(flag)))
}

/** Whether `hyperfold <args>` is the serve command (options before it skipped). */
export function isServe(args) {
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]
    if (VALUE_OPTIONS.has(arg)) i++
    else if (!arg.startsWith('-')) return arg === 'serve'
  }
  return false
}

/**
 * Whether this process lacks a knob that only a new process can have. Windows
 * has neither glibc nor POSIX signals to pass on: serve runs as started there.
 */
export function relaunchNeeded(env = process.env, execArgv = process.execArgv, platform = process.platform) {
  if (platform === 'win32' || env[RELAUNCHED] !== undefined) return false
  return env.MALLOC_ARENA_MAX === undefined || missingNodeFlags(execArgv, env.NODE_OPTIONS).length > 0
}

/**
 * Runs this same command again with the knobs set and waits for it, passing
 * through stdio (inherited) and signals; this process then ends as it did:
 * same exit code, or killed by the same signal.
 */
export async function relaunchTuned() {
  const flags = missingNodeFlags(process.execArgv, process.env.NODE_OPTIONS)
  const child = spawn(process.execPath, [...process.execArgv, ...flags, ...process.argv.slice(1)], {
    env: { ...tunedEnv(process.env), [RELAUNCHED]: '1' },
    // The channel only tells the child when this process is gone (followLauncher).
    stdio: ['inherit', 'inherit', 'inherit', 'ipc'],
    // Its own process group: a terminal's Ctrl-C reaches it once, through us, not twice.
    detached: true
  })
  const forward = (signal) => child.kill(signal)
  for (const signal of FORWARDED) process.on(signal, forward)
  const [code, signal] = await once(child, 'exit')
  for (const sig of FORWARDED) process.off(sig, forward)
  // With no listener left the signal's default action applies: this process ends by it.
  if (signal !== null) process.kill(process.pid, signal)
  process.exitCode = code ?? 1
}

/**
 * In a relaunched serve: when the process that started it is killed outright
 * (kill -9), go with it at once, as a serve that was never relaunched would.
 */
export function followLauncher() {
  if (process.env[RELAUNCHED] === undefined || process.channel === undefined || following) return
  following = true
  process.channel.unref() // the channel alone must not keep the node running
  process.on('disconnect', () => process.kill(process.pid, 'SIGKILL'))
}
