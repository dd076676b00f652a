// Deletions the watcher sees are held until deletions stop coming for a
// moment, then looked at again. An `rm -rf` of the whole root, or a disk
// going away, removes files one by one before it reaches the folder marker:
// published as they come, those deletions would reach every other device
// before the root guard could tell. Held until the removal is over, they meet
// a root without its marker, and nothing is published. (Syncthing's watcher
// holds removals longer than other changes for the same reason.) A real
// deletion reaches peers a couple of seconds later; a rename's new name goes at once.
const QUIET_MS = 2000
// A removal that never pauses (a huge tree) is still looked at within this.
const MAX_HOLD_MS = 60_000

export class DeletionDelay {
  private readonly release: (paths: string[]) => void
  private readonly held = new Set<string>()
  private readonly due = new Set<string>()
  private timer: NodeJS.Timeout | null = null
  private firstHeld = 0
  private lastHeld = 0

  constructor(release: (paths: string[]) => void) {
    this.release = release
  }

  // Whether the deletion of `path` may be published now: true once it has
  // been held and let go. Asking again resets it.
  isDue(path: string): boolean {
    return this.due.delete(path)
  }

  // Deletions seen and not published yet: until they are, the folder is not in sync.
  get holding(): boolean {
    return this.held.size > 0 || this.due.size > 0
  }

  hold(path: string): void {
    const now = performance.now()
    if (this.held.size === 0) this.firstHeld = now
    this.lastHeld = now
    this.held.add(path)
    this.timer ??= setTimeout(() => this.check(), QUIET_MS)
  }

  close(): void {
    if (this.timer !== null) clearTimeout(this.timer)
    this.timer = null
    this.held.clear()
    this.due.clear()
  }

  private check(): void {
    const now = performance.now()
    const quietFor = now - this.lastHeld
    if (quietFor < QUIET_MS && now - this.firstHeld < MAX_HOLD_MS) {
      this.timer = setTimeout(() => this.check(), QUIET_MS - quietFor)
      return
    }
    this.timer = null
    const paths = [...this.held]
    this.held.clear()
    for (const p of paths) this.due.add(p)
    this.release(paths)
  }
}
