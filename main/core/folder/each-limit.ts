// Runs fn over items, `limit` at a time, so that syscalls, fsyncs and block
// requests overlap. After a failure no new item starts, and the first error is
// thrown once the running ones are done.
export async function eachLimit<T>(items: Iterable<T> | AsyncIterable<T>, limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  const source = Symbol.asyncIterator in items ? items[Symbol.asyncIterator]() : toAsync(items[Symbol.iterator]())
  let failure: { err: unknown } | null = null
  const worker = async (): Promise<void> => {
    while (failure === null) {
      try {
        const next = await source.next()
        if (next.done === true) return
        await fn(next.value)
      } catch (err) {
        failure ??= { err }
      }
    }
  }
  await Promise.all(Array.from({ length: limit }, worker))
  if (failure !== null) throw (failure as { err: unknown }).err
}

function toAsync<T>(it: Iterator<T>): AsyncIterator<T> {
  return { next: async () => it.next() }
}
