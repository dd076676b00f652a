// Runs a folder's work one task at a time, so a scan, a pull and a watcher
// batch never interleave their reads and writes of the same paths.
export class TaskQueue {
  private tail: Promise<void> = Promise.resolve()
  private readonly onerror: (err: unknown) => void

  constructor(onerror: (err: unknown) => void) {
    this.onerror = onerror
  }

  push(task: () => Promise<void>): Promise<void> {
    this.tail = this.tail.then(task).catch(this.onerror)
    return this.tail
  }

  // Like push, but the caller gets the task's result or error.
  run<T>(task: () => Promise<T>): Promise<T> {
    const result = this.tail.then(task)
    this.tail = result.then(
      () => undefined,
      () => undefined
    )
    return result
  }

  idle(): Promise<void> {
    return this.tail
  }
}
