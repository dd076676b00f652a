// Which entries of a shared folder never sync: the user's `.hyperfoldignore`
// (gitignore syntax, read from the folder root only) on top of built-in
// defaults, with our own files always ignored.
import fs from 'fs/promises'
import path from 'path'
import ignore, { type Ignore } from 'ignore'
import { HyperfoldError } from '../../../contract/errors'
import { FOLDER_MARKER, TEMP_PREFIX } from './folder-path'

export const IGNORE_FILE = '.hyperfoldignore'

// Editors and OSes drop lock, swap and thumbnail files beside the files people
// edit; synced, they churn on every keystroke, lock the same document on other
// machines and turn into conflict copies. Users can still re-include one with
// a "!" rule, as in gitignore.
const DEFAULT_RULES = [
  '*.swp', // vim
  '*.swo',
  '*~',
  '.#*', // emacs
  '\\#*#', // escaped: a leading # starts a comment
  '.~lock.*#', // LibreOffice
  '~$*', // MS Office
  '.DS_Store',
  'Thumbs.db',
  'desktop.ini'
]

// Added after the user's rules so that no "!" rule can bring them back.
const OWN_RULES = [FOLDER_MARKER, `${TEMP_PREFIX}*`]

// What the watcher follows while the rules hold local changes back: only the
// ignore file, so that its fix is seen. (The local side publishes nothing then.)
const HOLD_BACK_RULES = ['*', `!/${IGNORE_FILE}`]

// Paths tested before the matcher (and the cache it keeps) is made anew.
const MATCHER_REUSE = 4096

export class IgnoreRules {
  // The ignore file's text, as loaded: what a reload compares to know whether
  // anything changed. Null when the file could not be read (see holdBack).
  readonly text: string | null
  // Why the rules hold every local change back; null when they do not.
  readonly problem: string | null
  private matcher: Ignore
  private tested = 0

  private constructor(userRules: string | null, problem: string | null = null) {
    this.text = userRules
    this.problem = problem
    this.matcher = this.build()
  }

  // `ignore` matches case-insensitively on every OS, so all peers agree on what is ignored.
  private build(): Ignore {
    const base = this.text === null ? ignore().add(HOLD_BACK_RULES) : ignore().add(DEFAULT_RULES).add(this.text)
    return base.add(OWN_RULES)
  }

  static async load(root: string): Promise<IgnoreRules> {
    return new IgnoreRules(await readRules(path.join(root, IGNORE_FILE)))
  }

  // An ignore file that cannot be read (not UTF-8, no permission) when a
  // folder starts must not stop the folder for good, so it starts under these
  // rules instead. Not the defaults: they would publish, for good (history
  // keeps everything), what the user's rules were there to keep private. Not
  // "as if it had no file" for deletions either: ignored records stay as they
  // are. So nothing local is published or deleted until the file can be read;
  // its next change reloads the rules (a running folder keeps its old rules instead).
  static async loadOrHoldBack(root: string): Promise<IgnoreRules> {
    try {
      return await IgnoreRules.load(root)
    } catch (err) {
      if (!(err instanceof HyperfoldError) || err.code !== 'IGNORE_PARSE') throw err
      return new IgnoreRules(null, `${err.message} Local changes are held back until it can be read.`)
    }
  }

  // The matcher wants paths relative to the root, with a trailing slash for
  // directories (gitignore's "build/" matches only a directory).
  isIgnored(folderPath: string, isDirectory: boolean): boolean {
    // The matcher keeps every path it was asked about, for good: 14.6 MiB for a
    // 100,000-file folder, which each rescan's garbage collections walked. A
    // fresh one now and then keeps what it holds to recent paths (a scan's
    // directory and its parents), at the price of compiling the rules again.
    if (++this.tested > MATCHER_REUSE) {
      this.matcher = this.build()
      this.tested = 0
    }
    const relative = folderPath.replace(/^\/+/, '')
    return this.matcher.ignores(isDirectory ? `${relative}/` : relative)
  }
}

async function readRules(file: string): Promise<string> {
  let bytes: Buffer
  try {
    bytes = await fs.readFile(file)
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return ''
    throw ignoreParse(file, `it cannot be read (${(err as NodeJS.ErrnoException).code ?? String(err)})`)
  }
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes)
  } catch {
    throw ignoreParse(file, 'it is not UTF-8 text')
  }
}

function ignoreParse(file: string, reason: string): HyperfoldError {
  return new HyperfoldError('IGNORE_PARSE', `The ignore file ${file} is not usable: ${reason}.`)
}
