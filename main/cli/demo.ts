// `hyperfold demo`: a first look without a second machine. A local DHT testnet
// and two nodes in this process, a sample folder shared by one and synced by
// the other; edit a file on one side and watch it appear on the other.
import fs from 'fs/promises'
import os from 'os'
import path from 'path'
import createTestnet from 'hyperdht/testnet.js'
import type { Folder } from '../../contract'
import type { HyperfoldNode } from '../core/node'
import { type RunningNode, startNode } from './serve'
import { untilSignal } from './signals'

const SAMPLE: Record<string, string> = {
  'README.txt': 'This folder is shared by the demo node "laptop". Edit me, or add files, and watch the other side.\n',
  'notes/ideas.md': '# Ideas\n\n- every version of every file is kept\n- browse a peer before syncing\n',
  'notes/todo.txt': 'try: hyperfold --data-dir <desktop data dir> history Sample /notes/todo.txt\n'
}

export async function runDemo(): Promise<void> {
  const home = await fs.mkdtemp(path.join(os.tmpdir(), 'hyperfold-demo-'))
  const testnet = await createTestnet(3, { host: '127.0.0.1' })
  const log = (who: string) => (line: string) => process.stderr.write(`[${who}] ${line}\n`)
  const nodes: RunningNode[] = []
  const signalled = untilSignal() // before anything is printed (see untilSignal)
  try {
    for (const name of ['laptop', 'desktop']) {
      nodes.push(await startNode({ dataDir: path.join(home, `${name}-data`), bootstrap: testnet.bootstrap, log: log(name) }))
      await nodes.at(-1)!.node.setName(name)
    }
    const [laptop, desktop] = nodes.map((n) => n.node)
    const shared = path.join(home, 'laptop-Sample')
    const synced = path.join(home, 'desktop-Sample')
    await writeSample(shared)
    const { keyphrase } = await laptop!.createTopic('demo')
    await desktop!.joinTopic(keyphrase!, 'demo')
    await laptop!.folders.share({ path: shared, topic: 'demo', name: 'Sample' })
    await offered(desktop!, 'Sample')
    await desktop!.folders.sync({ folder: 'Sample', path: synced })
    process.stdout.write(
      `Hyperfold demo (local testnet ${testnet.bootstrap.map((b) => `${b.host}:${b.port}`).join(',')}, nothing leaves this machine)\n` +
        `  laptop  UI: ${nodes[0]!.server.url}\n          folder: ${shared}\n` +
        `  desktop UI: ${nodes[1]!.server.url}\n          folder: ${synced}\n` +
        `  keyphrase of topic "demo": ${keyphrase}\n` +
        `Edit a file in one folder and watch it appear in the other. Stop with Ctrl-C.\n`
    )
    await signalled
  } finally {
    for (const running of nodes.reverse()) await running.stop()
    await testnet.destroy()
  }
}

async function writeSample(root: string): Promise<void> {
  for (const [rel, text] of Object.entries(SAMPLE)) {
    await fs.mkdir(path.dirname(path.join(root, rel)), { recursive: true })
    await fs.writeFile(path.join(root, rel), text)
  }
}

// The offer arrives over the member channel a moment after the peers meet.
function offered(node: HyperfoldNode, name: string): Promise<void> {
  return new Promise((resolve) => {
    if (node.folders.list().some((f) => f.name === name)) return resolve()
    const off = node.onEvent(({ event, payload }) => {
      if (event !== 'folder.updated' || (payload as Folder).name !== name) return
      off()
      resolve()
    })
  })
}
