// `hyperfold open FOLDER PATH`: the file's newest version (a peer's too,
// fetched on demand) written to a temp file and handed to the OS's opener:
// xdg-open, open or start, or the command named by HYPERFOLD_OPENER. The
// temp file stays: the app it opens in may read it long after this exits.
import fs from 'fs'
import os from 'os'
import path from 'path'
import { spawn } from 'child_process'
import { pipeline } from 'stream/promises'
import type { Command } from 'commander'
import { HyperfoldError, escapeControls } from '../../contract'
import { fileUrl } from '../../contract/wire'
import { fetchStream } from './stream-commands'

export const OPENER_ENV = 'HYPERFOLD_OPENER'

export function addOpenCommand(program: Command, dataDir: () => string): void {
  program
    .command('open')
    .description("Open a file of a folder in its app, also a peer's before syncing it (fetched to a temp file)")
    .argument('<folder>')
    .argument('<path>')
    .option('--no-launch', 'only write the temp file and print where it is')
    .action(async (folder: string, file: string, opts: { launch: boolean }) => {
      const target = await fetchToTemp(dataDir(), folder, file)
      if (opts.launch) await launch(opener(process.env[OPENER_ENV]), target)
      process.stdout.write(`${opts.launch ? 'Opened' : 'Wrote'} ${escapeControls(target)}\n`)
    })
}

async function fetchToTemp(dir: string, folder: string, file: string): Promise<string> {
  // The node checks both names: a bad one is its error, as for `cat`.
  const body = await fetchStream(dir, fileUrl(folder, file))
  const target = path.join(await fs.promises.mkdtemp(path.join(os.tmpdir(), 'hyperfold-open-')), localName(file))
  if (body === null) await fs.promises.writeFile(target, '')
  else await pipeline(body, fs.createWriteStream(target, { mode: 0o600 }))
  return target
}

// The folder path's last name, as this OS can write it (Windows refuses some
// characters, and cmd would expand a %NAME% in it).
function localName(folderPath: string): string {
  const name = path.posix.basename(folderPath).replace(/[<>:"\\|?*%]/g, '_')
  return name === '' || name === '.' || name === '..' ? 'file' : name
}

interface Opener {
  command: string
  args: string[]
  // cmd reads its own command line: the file goes quoted, as written (no escaping of its quotes by Node).
  verbatim?: boolean
}

export function opener(override: string | undefined, platform = process.platform): Opener {
  if (override !== undefined && override !== '') return { command: override, args: [] }
  if (platform === 'darwin') return { command: 'open', args: [] }
  // start is built into cmd; its first quoted argument is the window title.
  if (platform === 'win32') return { command: 'cmd', args: ['/c', 'start', '""'], verbatim: true }
  return { command: 'xdg-open', args: [] }
}

// Waits for the opener itself, which hands the file to the app and exits.
function launch(how: Opener, file: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const arg = how.verbatim === true ? `"${file}"` : file
    const child = spawn(how.command, [...how.args, arg], { stdio: 'ignore', windowsHide: true, windowsVerbatimArguments: how.verbatim === true })
    const failed = (why: string) => reject(new HyperfoldError('OPEN_FAILED', `Cannot open ${file}: ${why}. The file is there to open by hand.`))
    child.once('error', (err: NodeJS.ErrnoException) => failed(err.code === 'ENOENT' ? `${how.command} is not installed` : err.message))
    child.once('exit', (code) => (code === 0 ? resolve() : failed(`${how.command} exited with ${code ?? 'a signal'}`)))
  })
}
