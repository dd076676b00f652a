// Progress on the terminal (stderr), so stdout carries only the table.
// On a terminal the progress line is redrawn in place; elsewhere (CI, a pipe)
// it is printed at most every few seconds.

const QUIET_MS = 5_000
const started = Date.now()
const tty = process.stderr.isTTY === true
let lastPrinted = 0
let drawn = false

export function log(message: string): void {
  clearLine()
  process.stderr.write(`[bench ${elapsed()}] ${message}\n`)
}

export function progress(message: string): void {
  if (tty) {
    process.stderr.write(`\r\x1b[K[bench ${elapsed()}]   ${message}`)
    drawn = true
    return
  }
  if (Date.now() - lastPrinted < QUIET_MS) return
  lastPrinted = Date.now()
  process.stderr.write(`[bench ${elapsed()}]   ${message}\n`)
}

function clearLine(): void {
  if (drawn) process.stderr.write('\r\x1b[K')
  drawn = false
}

function elapsed(): string {
  const s = Math.floor((Date.now() - started) / 1000)
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`
}

export function formatBytes(bytes: number): string {
  if (bytes < 0) return `-${formatBytes(-bytes)}`
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB']
  let value = bytes
  let unit = 0
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024
    unit++
  }
  return `${value >= 100 || unit === 0 ? value.toFixed(0) : value.toFixed(1)} ${units[unit]}`
}

export function formatMs(ms: number): string {
  if (ms < 1_000) return `${ms.toFixed(0)} ms`
  if (ms < 120_000) return `${(ms / 1000).toFixed(2)} s`
  return `${(ms / 60_000).toFixed(1)} min`
}
