// JSON from disk or a peer: undefined when it does not parse, for a schema to refuse.
export function safeJson(text: string): unknown {
  try {
    return JSON.parse(text)
  } catch {
    return undefined
  }
}
