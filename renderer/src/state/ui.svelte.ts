// What the window shows: one view at a time, plus the keyphrase warnings the
// node gave when weak topics were joined (kept for this session only).
import type { JoinedTopic, Topic } from '../../../contract'

export type View =
  | { name: 'topic'; topicId: string }
  // A folder's files: dir is the directory shown, file the one whose history is open.
  | { name: 'folder'; topicId: string; folderId: string; dir: string; file: string | null }
  // A folder's conflict copies; copy is the one opened beside its original.
  | { name: 'conflicts'; topicId: string; folderId: string; copy: string | null }
  // Every folder of every topic at a glance.
  | { name: 'home' }
  | { name: 'add' }
  | { name: 'activity' }
  | { name: 'settings' }
  // A just-created topic's keyphrase: the only time the node hands it out.
  | { name: 'reveal'; topic: JoinedTopic }

export class UiState {
  #view = $state.raw<View | null>(null)
  #warnings = $state.raw<ReadonlyMap<string, string>>(new Map())
  #joinLink = $state.raw<string | null>(null)

  show(view: View): void {
    this.#view = view
  }

  // The chosen view, unless it names a topic that is gone: then the first topic, or the add view.
  current(topics: Topic[]): View {
    const view = this.#view
    if (view !== null && (!('topicId' in view) || topics.some((t) => t.id === view.topicId))) return view
    const first = topics[0]
    return first === undefined ? { name: 'add' } : { name: 'topic', topicId: first.id }
  }

  // A join link the OS opened the app with: the join form takes it, fills itself in and waits for the user.
  openJoinLink(link: string): void {
    this.#joinLink = link
    this.#view = { name: 'add' }
  }

  get joinLink(): string | null {
    return this.#joinLink
  }

  clearJoinLink(): void {
    this.#joinLink = null
  }

  warn(topicId: string, warning: string): void {
    this.#warnings = new Map([...this.#warnings, [topicId, warning]])
  }

  dismissWarning(topicId: string): void {
    this.#warnings = new Map([...this.#warnings].filter(([id]) => id !== topicId))
  }

  warningFor(topicId: string): string | undefined {
    return this.#warnings.get(topicId)
  }
}
