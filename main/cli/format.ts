// Human output for any command result: lists become aligned tables, records
// become "key: value" lines. Scripts use --json instead. Names come from peers,
// so every value is shown with its control characters escaped: none can move
// the cursor, recolour the terminal or break a line.
import { escapeControls } from '../../contract/text'

type Row = Record<string, unknown>

export function formatResult(result: unknown): string {
  if (Array.isArray(result)) return formatTable(result as Row[])
  if (result !== null && typeof result === 'object') return formatRecord(result as Row)
  return escapeControls(String(result))
}

function formatRecord(record: Row, prefix = ''): string {
  return Object.entries(record)
    .flatMap(([key, value]) =>
      value !== null && typeof value === 'object' && !Array.isArray(value)
        ? [formatRecord(value as Row, `${prefix}${key}.`)]
        : [`${escapeControls(prefix + key)}: ${cell(value)}`]
    )
    .join('\n')
}

function formatTable(rows: Row[]): string {
  if (rows.length === 0) return '(none)'
  const columns = [...new Set(rows.flatMap((row) => Object.keys(row)))]
  const cells = [columns.map(escapeControls), ...rows.map((row) => columns.map((col) => cell(row[col])))]
  const widths = columns.map((_, i) => Math.max(...cells.map((line) => line[i]!.length)))
  return cells.map((line) => line.map((text, i) => text.padEnd(widths[i]!)).join('  ').trimEnd()).join('\n')
}

function cell(value: unknown): string {
  if (value === undefined || value === null) return ''
  if (Array.isArray(value)) return value.map(cell).join(',')
  if (typeof value === 'object') return escapeControls(JSON.stringify(value))
  return escapeControls(String(value))
}
