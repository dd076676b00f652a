// The activity feed: what happened on this node since the page opened, newest
// first. Entries are appended by NodeStore, which sees the events with the
// state they change (a rename needs the old name).
export type ActivityKind = 'peer' | 'refused' | 'topic' | 'device'

export interface Activity {
  id: number
  at: Date
  kind: ActivityKind
  text: string
}

const MAX_ENTRIES = 200

export class ActivityLog {
  #entries = $state.raw<Activity[]>([])
  #nextId = 1

  get entries(): Activity[] {
    return this.#entries
  }

  add(kind: ActivityKind, text: string, at = new Date()): void {
    this.#entries = [{ id: this.#nextId++, at, kind, text }, ...this.#entries].slice(0, MAX_ENTRIES)
  }
}
