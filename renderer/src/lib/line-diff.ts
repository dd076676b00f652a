// A line diff of two texts for the conflict view, by longest common
// subsequence. Written here rather than taken from a library: it is ~60
// lines, and the app keeps its dependency list short.

export type DiffOp = { kind: 'same' | 'removed' | 'added'; line: string }

// One row of the side-by-side view: the original's line on the left, the copy's on the right.
export interface DiffRow {
  left: string | null
  right: string | null
  kind: 'same' | 'changed' | 'removed' | 'added'
}

// Past this many lines between the common head and tail, the table (lines x lines) costs too much memory.
export const MAX_DIFF_LINES = 4000

export function splitLines(text: string): string[] {
  const lines = text.split(/\r?\n/)
  if (lines.at(-1) === '') lines.pop() // a final newline ends the last line; it starts none
  return lines
}

// Null when the texts differ in too many lines to compare.
export function diffLines(a: string[], b: string[]): DiffOp[] | null {
  let head = 0
  while (head < a.length && head < b.length && a[head] === b[head]) head++
  let tail = 0
  while (tail < a.length - head && tail < b.length - head && a[a.length - 1 - tail] === b[b.length - 1 - tail]) tail++
  const x = a.slice(head, a.length - tail)
  const y = b.slice(head, b.length - tail)
  if (x.length > MAX_DIFF_LINES || y.length > MAX_DIFF_LINES) return null
  const same = (line: string): DiffOp => ({ kind: 'same', line })
  return [...a.slice(0, head).map(same), ...middle(x, y), ...a.slice(a.length - tail).map(same)]
}

// lcs[i][j]: the longest common subsequence of x[i..] and y[j..], in one flat array.
function middle(x: string[], y: string[]): DiffOp[] {
  const width = y.length + 1
  const lcs = new Uint32Array((x.length + 1) * width)
  for (let i = x.length - 1; i >= 0; i--) {
    for (let j = y.length - 1; j >= 0; j--) {
      lcs[i * width + j] = x[i] === y[j] ? lcs[(i + 1) * width + j + 1]! + 1 : Math.max(lcs[(i + 1) * width + j]!, lcs[i * width + j + 1]!)
    }
  }
  const ops: DiffOp[] = []
  let [i, j] = [0, 0]
  while (i < x.length && j < y.length) {
    if (x[i] === y[j]) {
      ops.push({ kind: 'same', line: x[i++]! })
      j++
    } else if (lcs[(i + 1) * width + j]! >= lcs[i * width + j + 1]!) ops.push({ kind: 'removed', line: x[i++]! })
    else ops.push({ kind: 'added', line: y[j++]! })
  }
  while (i < x.length) ops.push({ kind: 'removed', line: x[i++]! })
  while (j < y.length) ops.push({ kind: 'added', line: y[j++]! })
  return ops
}

// Runs of removed and added lines side by side, paired line for line.
export function toRows(ops: DiffOp[]): DiffRow[] {
  const rows: DiffRow[] = []
  let removed: string[] = []
  let added: string[] = []
  const flush = () => {
    for (let k = 0; k < Math.max(removed.length, added.length); k++) {
      const [left, right] = [removed[k] ?? null, added[k] ?? null]
      rows.push({ left, right, kind: left === null ? 'added' : right === null ? 'removed' : 'changed' })
    }
    removed = []
    added = []
  }
  for (const op of ops) {
    if (op.kind === 'removed') removed.push(op.line)
    else if (op.kind === 'added') added.push(op.line)
    else {
      flush()
      rows.push({ left: op.line, right: op.line, kind: 'same' })
    }
  }
  flush()
  return rows
}
