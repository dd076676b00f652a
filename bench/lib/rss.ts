// Peak resident memory of a process over a stretch of the bench. The kernel's
// own high-water mark (VmHWM in /proc/<pid>/status) is exact; it is reset at the
// start by writing 5 to /proc/<pid>/clear_refs. Where that reset is refused, the
// probe samples VmRSS every 100 ms instead and says so.
import fs from 'fs/promises'

const SAMPLE_MS = 100

export type RssMethod = 'VmHWM' | 'VmRSS sampled every 100 ms'

export class PeakRss {
  private readonly pid: number
  private method: RssMethod = 'VmHWM'
  private sampled = 0
  private timer: NodeJS.Timeout | null = null

  private constructor(pid: number) {
    this.pid = pid
  }

  // Starts measuring now. For a process started just before, its whole life is the stretch.
  static async start(pid: number, fresh = false): Promise<PeakRss> {
    const probe = new PeakRss(pid)
    if (!fresh) {
      const reset = await fs.writeFile(`/proc/${pid}/clear_refs`, '5').then(
        () => true,
        () => false
      )
      if (!reset) probe.method = 'VmRSS sampled every 100 ms'
    }
    probe.timer = setInterval(() => void probe.sample(), SAMPLE_MS)
    await probe.sample()
    return probe
  }

  get how(): RssMethod {
    return this.method
  }

  // The peak so far, in bytes.
  async peak(): Promise<number> {
    await this.sample()
    if (this.method === 'VmRSS sampled every 100 ms') return this.sampled
    return Math.max(this.sampled, (await readStatus(this.pid, 'VmHWM')) ?? 0)
  }

  async stop(): Promise<number> {
    const value = await this.peak()
    if (this.timer !== null) clearInterval(this.timer)
    this.timer = null
    return value
  }

  private async sample(): Promise<void> {
    const rss = await readStatus(this.pid, 'VmRSS')
    if (rss !== null) this.sampled = Math.max(this.sampled, rss)
  }
}

// Resident memory now, in bytes; null when the process is gone.
export async function currentRss(pid: number): Promise<number | null> {
  return readStatus(pid, 'VmRSS')
}

async function readStatus(pid: number, field: string): Promise<number | null> {
  const text = await fs.readFile(`/proc/${pid}/status`, 'utf8').catch(() => null)
  const match = text?.match(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm'))
  return match ? Number(match[1]) * 1024 : null
}
