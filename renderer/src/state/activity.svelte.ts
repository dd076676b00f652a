// The activity feed: what happened on this node since the page opened, newest
// first. Entries are appended by the stores, which see the events with the
// state they change (a rename needs the old name, a file its folder's name).
export type ActivityKind = 'peer' | 'refused' | 'topic' | 'device' | 'folder' | 'synced' | 'deleted' | 'conflict' | 'error'

export interface Activity {
  id: number
  at: Date
  kind: ActivityKind
  text: string
  // Consecutive entries of one run (files received into one folder) share one line.
  run: string | null
  count: number
}

const MAX_ENTRIES = 200

export class ActivityLog {
  #entries = $state.raw<Activity[]>([])
  #nextId = 1

  get entries(): Activity[] {
    return this.#entries
  }

  add(kind: ActivityKind, text: string, at = new Date()): void {
    this.#push({ id: this.#nextId++, at, kind, text, run: null, count: 1 })
  }

  // A sync of thousands of files would otherwise push everything else out of the feed.
  addToRun(kind: ActivityKind, run: string, text: (count: number) => string, at = new Date()): void {
    const [newest, ...rest] = this.#entries
    if (newest?.run === run) {
      const count = newest.count + 1
      this.#entries = [{ ...newest, at, text: text(count), count }, ...rest]
      return
    }
    this.#push({ id: this.#nextId++, at, kind, text: text(1), run, count: 1 })
  }

  // The next entry of this run starts a line of its own (a folder's sync finished).
  endRun(run: string): void {
    const [newest, ...rest] = this.#entries
    if (newest?.run === run) this.#entries = [{ ...newest, run: null }, ...rest]
  }

  #push(entry: Activity): void {
    this.#entries = [entry, ...this.#entries].slice(0, MAX_ENTRIES)
  }
}
