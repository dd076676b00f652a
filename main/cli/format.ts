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
    .flatMap(([key, value]) => {
      if (isRecordList(value)) return [`${escapeControls(prefix + key)}: ${value.length}`, ...value.map((item) => `  ${Object.values(item).map(cell).join(': ')}`)]
      if (value !== null && typeof value === 'object' && !Array.isArray(value)) return [formatRecord(value as Row, `${prefix}${key}.`)]
      return [`${escapeControls(prefix + key)}: ${cell(value)}`]
    })
    .join('\n')
}

function formatTable(rows: Row[]): string {
  if (rows.length === 0) return '(none)'
  const columns = [...new Set(rows.flatMap((row) => Object.keys(row)))]
  const cells = [columns.map(escapeControls), ...rows.map((row) => columns.map((col) => cell(row[col])))]
  const widths = columns.map((_, i) => Math.max(...cells.map((line) => line[i]!.length)))
  return cells.map((line) => line.map((text, i) => text.padEnd(widths[i]!)).join('  ').trimEnd()).join('\n')
}

// A list of records (the paths a folder could not apply) is one line each in a record, a count in a table.
function isRecordList(value: unknown): value is Row[] {
  return Array.isArray(value) && value.length > 0 && value.every((item) => item !== null && typeof item === 'object')
}

function cell(value: unknown): string {
  if (value === undefined || value === null) return ''
  if (isRecordList(value)) return String(value.length)
  if (Array.isArray(value)) return value.map(cell).join(',')
  if (typeof value === 'object') return Object.entries(value as Row).map(([key, v]) => `${escapeControls(key)}=${cell(v)}`).join(' ')
  return escapeControls(String(value))
}
