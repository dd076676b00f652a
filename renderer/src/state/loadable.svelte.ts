// One value a view asks the node for (a directory listing, a file's history):
// loading, loaded or failed with a readable line. Only the newest request
// counts, so a slow answer for a directory left behind never replaces the
// directory now shown.
import { messageOf } from '../api/client'

export class Loadable<T> {
  #value = $state.raw<T | null>(null)
  #error = $state<string | null>(null)
  #loading = $state(false)
  #generation = 0

  get value(): T | null {
    return this.#value
  }
  get error(): string | null {
    return this.#error
  }
  get loading(): boolean {
    return this.#loading
  }

  // keep: refresh in place, leaving the last value on screen until the new one is there.
  async load(work: () => Promise<T>, { keep = false } = {}): Promise<void> {
    const generation = ++this.#generation
    if (!keep) this.#value = null
    this.#loading = true
    this.#error = null
    try {
      const value = await work()
      if (generation === this.#generation) this.#value = value
    } catch (err) {
      if (generation === this.#generation) this.#error = messageOf(err)
    } finally {
      if (generation === this.#generation) this.#loading = false
    }
  }
}
