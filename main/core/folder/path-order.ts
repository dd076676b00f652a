// The order of folder paths everywhere they are walked side by side: the
// byte order of their UTF-8, which is the order of the local index's keys
// (RocksDB compares bytes). A scan sorts into it, and a rescan pairs the scan
// with the index by it (see scan-diff).
//
// Below the surrogates (U+D800), UTF-16 code units order as UTF-8 bytes do,
// so JavaScript's own string order agrees for nearly every path; past them it
// does not (a surrogate pair sorts before U+E000 in UTF-16, after it in UTF-8).

export function byteOrder(a: string, b: string): number {
  const n = Math.min(a.length, b.length)
  let i = 0
  while (i < n && a.charCodeAt(i) === b.charCodeAt(i)) i++
  if (i === n) return a.length - b.length
  const x = a.charCodeAt(i)
  const y = b.charCodeAt(i)
  return x < 0xd800 && y < 0xd800 ? x - y : Buffer.compare(Buffer.from(a), Buffer.from(b))
}

// Sorts in byteOrder. When no key reaches U+D800 the engine's own comparison
// gives the same order, and is native: a scan sorts every directory it reads.
export function sortByBytes<T>(items: T[], key: (item: T) => string): void {
  if (items.every((item) => belowSurrogates(key(item)))) items.sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0))
  else items.sort((a, b) => byteOrder(key(a), key(b)))
}

function belowSurrogates(text: string): boolean {
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) >= 0xd800) return false
  return true
}
