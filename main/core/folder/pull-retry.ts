// When a writer's pull fails (the disk is full, the folder cannot be
// written), it is tried again by itself: after 2 s, then twice as long each
// time up to a minute, until one succeeds.
const FIRST_RETRY_MS = 2_000
const LAST_RETRY_MS = 60_000

export class PullRetry {
  private readonly failures = new Map<string, number>()
  private readonly timers = new Map<string, NodeJS.Timeout>()
  private readonly onretry: (writer: string) => void

  constructor(onretry: (writer: string) => void) {
    this.onretry = onretry
  }

  // Whether some writer's last pull failed.
  get failing(): boolean {
    return this.failures.size > 0
  }

  failed(writer: string): void {
    const count = (this.failures.get(writer) ?? 0) + 1
    this.failures.set(writer, count)
    clearTimeout(this.timers.get(writer))
    const delay = Math.min(LAST_RETRY_MS, FIRST_RETRY_MS * 2 ** (count - 1))
    this.timers.set(
      writer,
      setTimeout(() => {
        this.timers.delete(writer)
        this.onretry(writer)
      }, delay)
    )
  }

  succeeded(writer: string): void {
    this.failures.delete(writer)
    clearTimeout(this.timers.get(writer))
    this.timers.delete(writer)
  }

  // Stops every pending retry; the failures stay known.
  cancel(): void {
    for (const timer of this.timers.values()) clearTimeout(timer)
    this.timers.clear()
  }
}
