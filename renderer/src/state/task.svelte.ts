// One user action in flight (a form, a button): whether it is running and the
// one-line error it ended with. run() never rejects, so callers may void it.
import { messageOf } from '../api/client'

export class Task {
  #busy = $state(false)
  #error = $state<string | null>(null)

  get busy(): boolean {
    return this.#busy
  }

  get error(): string | null {
    return this.#error
  }

  async run<T>(work: () => Promise<T>, done?: (result: T) => void): Promise<void> {
    if (this.#busy) return
    this.#busy = true
    this.#error = null
    try {
      const result = await work()
      done?.(result)
    } catch (err) {
      this.#error = messageOf(err)
    } finally {
      this.#busy = false
    }
  }
}
