// `bench --quick` still runs: a real testnet and two `hyperfold serve`
// processes, every scenario at small sizes, bytes verified, a table on stdout
// and the figures in a JSON file.
import fs from 'fs/promises'
import os from 'os'
import path from 'path'
import { type ChildProcess, spawn } from 'child_process'
import { once } from 'events'
import { afterEach, expect, test } from 'vitest'

const ROOT = path.resolve(import.meta.dirname, '../..')
// The run itself takes about two minutes on a 2-core box; the margin is for a busy machine.
const RUN_MS = 360_000

let child: ChildProcess | null = null
let outDir: string | null = null

afterEach(async () => {
  // A SIGTERM lets the bench stop the nodes it started before it exits.
  if (child !== null && child.exitCode === null && child.signalCode === null) {
    const exited = once(child, 'exit')
    child.kill('SIGTERM')
    await exited
  }
  if (outDir !== null) await fs.rm(outDir, { recursive: true, force: true })
})

test('bench --quick runs every scenario, verifies the bytes and prints the table', async () => {
  outDir = await fs.mkdtemp(path.join(os.tmpdir(), 'hf-bench-out-'))
  child = spawn(process.execPath, ['--import', 'tsx', 'bench/index.ts', '--quick', '--out', outDir], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe']
  })
  let stdout = ''
  let stderr = ''
  child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()))
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
  const [code] = (await once(child, 'exit')) as [number | null]

  expect(code, `bench --quick failed:\n${stderr}`).toBe(0)
  const rows = stdout.split('\n').filter((line) => /^\d+\s/.test(line))
  const byScenario = (n: number) => rows.filter((line) => line.startsWith(`${n} `))
  for (const n of [1, 2, 3, 4, 5, 7, 8, 9, 10, 11]) {
    expect(byScenario(n).length, `scenario ${n} in:\n${stdout}`).toBeGreaterThan(0)
    // The hyperfold column holds a figure: not "-", "not run" or "skipped".
    for (const line of byScenario(n)) expect(line).not.toMatch(/\s(not run|skipped)/)
  }
  expect(byScenario(1).join('\n')).toMatch(/8\.0 MiB file A->B\s+sync -> wait-synced\s+[\d.]+ m?s/)
  expect(byScenario(2).join('\n')).toMatch(/500 files/)
  expect(byScenario(3).join('\n')).toMatch(/median of 5/)
  expect(byScenario(4).join('\n')).toMatch(/peak RSS A\s+[\d.]+ MiB/)
  expect(byScenario(5).join('\n')).toMatch(/median of 3/)
  expect(byScenario(6).join('\n')).toMatch(/skipped \(--quick\)/)
  expect(byScenario(7).join('\n')).toMatch(/32\.0 MiB\)\s+edit: wire A->B\s+[\d.]+ (B|KiB|MiB)\s/)
  expect(byScenario(8).join('\n')).toMatch(/insert: on B\s+[\d.]+ m?s/)
  expect(byScenario(9).join('\n')).toMatch(/copy: wire A->B\s+[\d.]+ (B|KiB|MiB)\s/)
  expect(byScenario(10).join('\n')).toMatch(/from A and B: bytes from B\s+[\d.]+ (B|KiB|MiB)\s/)
  // Hyperfold's history of a file edited while C was offline: each version restored on C, hashes compared.
  expect(byScenario(11).join('\n')).toMatch(/versions restorable on C\s+\d+ of 11\s/)

  const [file] = await fs.readdir(outDir)
  expect(file).toMatch(/-all-quick\.json$/)
  const doc = JSON.parse(await fs.readFile(path.join(outDir, file!), 'utf8')) as {
    versions: Record<string, string>
    machine: { cpus: number }
    results: { hyperfold: Record<string, unknown> }
  }
  expect(Object.keys(doc.versions)).toEqual(expect.arrayContaining(['node', 'hyperfold']))
  expect(doc.machine.cpus).toBeGreaterThan(0)
  expect(Object.keys(doc.results.hyperfold)).toEqual(expect.arrayContaining(['bigFile', 'manyFiles', 'edit', 'join', 'delta', 'swarm', 'offlineHistory']))
}, RUN_MS)
