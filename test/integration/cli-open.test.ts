// `hyperfold open FOLDER PATH`: a peer's file, not synced here, fetched to a
// temp file and handed to the OS's opener. The opener here is a script that
// records what it was given (HYPERFOLD_OPENER), so no app starts.
import fs from 'fs/promises'
import path from 'path'
import { afterAll, beforeAll, describe, expect, test, vi } from 'vitest'
import type { HyperfoldNode } from '../../main/core/node'
import { createHandlers } from '../../main/api/handlers'
import { ApiServer } from '../../main/server/server'
import { writeApiFile } from '../../main/cli/api-file'
import { opener } from '../../main/cli/open-command'
import { runCli } from '../helpers/cli'
import { TestEnv } from '../helpers/env'
import { joinedNodes, waitOffered, writeTree } from '../helpers/folders'

vi.setConfig({ testTimeout: 120_000, hookTimeout: 120_000 })

describe.skipIf(process.platform === 'win32')("hyperfold open: a peer's file in its app", () => {
  let env: TestEnv
  let dirB: string
  let recorder: string
  let record: string

  beforeAll(async () => {
    env = await TestEnv.create()
    const [a, b] = (await joinedNodes(env, 2)).nodes as [HyperfoldNode, HyperfoldNode]
    dirB = b.status().dataDir
    const root = await env.tmpDir()
    await writeTree(root, { 'docs/plan.md': '# Plan\nfrom A\n', 'empty.txt': '' })
    await a.folders.share({ path: root, topic: 'family', name: 'Docs' })
    await a.folders.waitSynced('Docs', 60_000)
    await waitOffered(b, 'Docs')
    const server = new ApiServer({ handlers: createHandlers(b), subscribe: (fn) => b.onEvent(fn), openFile: (f, p) => b.folders.openFile(f, p) })
    env.defer(() => server.close())
    await server.ready()
    await writeApiFile(dirB, { url: server.url, port: server.port, token: server.token, pid: process.pid })
    const bin = await env.tmpDir()
    record = path.join(bin, 'opened.txt')
    recorder = path.join(bin, 'opener.sh')
    await fs.writeFile(recorder, `#!/bin/sh\nprintf '%s' "$1" > '${record}'\n`, { mode: 0o755 })
  })
  afterAll(async () => {
    await env.close()
  })

  test('writes the file to a temp file, hands it to the opener and says where it is', async () => {
    const out = await runCli(['--data-dir', dirB, 'open', 'Docs', '/docs/plan.md'], { HYPERFOLD_OPENER: recorder })
    expect([out.code, out.stderr]).toEqual([0, ''])
    const opened = await fs.readFile(record, 'utf8')
    expect(path.basename(opened)).toBe('plan.md')
    expect(out.stdout).toBe(`Opened ${opened}\n`)
    expect(await fs.readFile(opened, 'utf8')).toBe('# Plan\nfrom A\n')
    await fs.rm(path.dirname(opened), { recursive: true })
  })

  test('--no-launch only writes it; an empty file is a file too', async () => {
    const out = await runCli(['--data-dir', dirB, 'open', 'Docs', '/empty.txt', '--no-launch'], { HYPERFOLD_OPENER: 'false' })
    expect(out.code).toBe(0)
    const written = /^Wrote (.+)\n$/.exec(out.stdout)![1]!
    expect(await fs.readFile(written, 'utf8')).toBe('')
    await fs.rm(path.dirname(written), { recursive: true })
  })

  test('an opener that fails or is missing is one line that says where the file is; a missing file is its error', async () => {
    const refused = await runCli(['--data-dir', dirB, 'open', 'Docs', '/docs/plan.md'], { HYPERFOLD_OPENER: 'false' })
    expect(refused.code).toBe(1)
    expect(refused.stderr).toMatch(/^hyperfold: Cannot open \/.+plan\.md: false exited with 1\. The file is there to open by hand\.\n$/)
    const missing = await runCli(['--data-dir', dirB, 'open', 'Docs', '/docs/plan.md'], { HYPERFOLD_OPENER: path.join(path.dirname(recorder), 'no-such-opener') })
    expect(missing.stderr).toMatch(/no-such-opener is not installed/)
    const none = await runCli(['--data-dir', dirB, 'open', 'Docs', '/nope.md'], { HYPERFOLD_OPENER: recorder })
    expect([none.code, none.stderr]).toEqual([1, 'hyperfold: No file /nope.md in Docs.\n'])
  })

  test("each OS's own opener, unless one is named", () => {
    expect(opener(undefined, 'linux')).toEqual({ command: 'xdg-open', args: [] })
    expect(opener(undefined, 'darwin')).toEqual({ command: 'open', args: [] })
    expect(opener(undefined, 'win32')).toEqual({ command: 'cmd', args: ['/c', 'start', '""'], verbatim: true })
    expect(opener('/usr/bin/my-viewer', 'linux')).toEqual({ command: '/usr/bin/my-viewer', args: [] })
  })
})
