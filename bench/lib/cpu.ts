// CPU time (user + system) a device used over a stretch of the bench, from the
// kernel's own accounting: utime + stime in /proc/<pid>/stat, summed over the
// process and every descendant still running, plus cutime + cstime (children it
// has already waited for). A process's threads (libuv's pool, RocksDB's
// flushes and compactions) are counted in its own utime and stime.
import fs from 'fs/promises'
import { execFileSync } from 'child_process'

// Clock ticks per second: 100 on every Linux we know of, asked once in case it is not.
const TICKS_PER_SECOND = ticksPerSecond()

interface Stat {
  pid: number
  ppid: number
  ticks: number
  reapedTicks: number
}

// CPU seconds of `pid` and its descendants so far; null when the process is gone.
export async function cpuSeconds(pid: number): Promise<number | null> {
  const all = await allStats()
  const root = all.find((s) => s.pid === pid)
  if (root === undefined) return null
  let ticks = root.ticks + root.reapedTicks
  const tree = new Set([pid])
  // Parents come before their children in pid order only usually: repeat until nothing is added.
  for (let grew = true; grew; ) {
    grew = false
    for (const s of all) {
      if (tree.has(s.pid) || !tree.has(s.ppid)) continue
      tree.add(s.pid)
      ticks += s.ticks
      grew = true
    }
  }
  return ticks / TICKS_PER_SECOND
}

// Measures the CPU seconds of each pid from now until stop(); null for a device that went away.
export class CpuMeter {
  private readonly pids: number[]
  private readonly before: (number | null)[]

  private constructor(pids: number[], before: (number | null)[]) {
    this.pids = pids
    this.before = before
  }

  static async start(pids: number[]): Promise<CpuMeter> {
    return new CpuMeter(pids, await Promise.all(pids.map((pid) => cpuSeconds(pid))))
  }

  async stop(): Promise<(number | null)[]> {
    const after = await Promise.all(this.pids.map((pid) => cpuSeconds(pid)))
    return after.map((seconds, i) => (seconds === null || this.before[i] === null ? null : seconds - this.before[i]!))
  }
}

async function allStats(): Promise<Stat[]> {
  const names = (await fs.readdir('/proc')).filter((name) => /^\d+$/.test(name))
  const stats = await Promise.all(names.map((name) => fs.readFile(`/proc/${name}/stat`, 'utf8').then(parseStat, () => null)))
  return stats.filter((s): s is Stat => s !== null)
}

// The command name (field 2) may hold spaces and parentheses: the fields that follow start after the last ')'.
function parseStat(text: string): Stat | null {
  const close = text.lastIndexOf(')')
  const pid = Number(text.slice(0, text.indexOf(' ')))
  const fields = text.slice(close + 2).split(' ') // fields[0] is field 3 (state)
  const n = (field: number) => Number(fields[field - 3])
  if (!Number.isInteger(pid) || fields.length < 15) return null
  return { pid, ppid: n(4), ticks: n(14) + n(15), reapedTicks: n(16) + n(17) }
}

function ticksPerSecond(): number {
  try {
    const value = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim())
    return Number.isFinite(value) && value > 0 ? value : 100
  } catch {
    return 100
  }
}

// By device letter: "A 1.20 s, B 3.40 s" (a device that went away: "?").
export function cpuText(cpu: Record<string, number | null> | undefined): string | undefined {
  if (cpu === undefined) return undefined
  return Object.entries(cpu)
    .map(([d, seconds]) => `${d.toUpperCase()} ${seconds === null ? '?' : `${seconds.toFixed(2)} s`}`)
    .join(', ')
}
