// What the node remembers across restarts: its device name and joined topics.
// Keyphrases are secrets, so the file is readable by the user alone.
import os from 'os'
import { z } from 'zod'
import { HyperfoldError } from '../../contract/errors'
import { readFileIfExists, writeFileAtomic } from './atomic-file'
import { safeJson } from './safe-json'
import { FolderConfig } from './folder/folder-config'

const StoredTopic = z.object({ keyphrase: z.string(), label: z.string(), joinedAt: z.string() })
const StoredState = z.object({
  deviceName: z.string(),
  topics: z.array(StoredTopic),
  folders: z.array(FolderConfig).default([])
})

export type StoredTopic = z.infer<typeof StoredTopic>
export type StoredState = z.infer<typeof StoredState>

export class NodeState {
  private state: StoredState
  private readonly file: string
  private writing: Promise<void> = Promise.resolve()

  private constructor(file: string, state: StoredState) {
    this.file = file
    this.state = state
  }

  static async load(file: string): Promise<NodeState> {
    const text = await readFileIfExists(file)
    if (text === null) return new NodeState(file, { deviceName: defaultDeviceName(), topics: [], folders: [] })
    const parsed = StoredState.safeParse(safeJson(text))
    if (!parsed.success) {
      throw new HyperfoldError('DATA_DIR_DAMAGED', `${file} is damaged (not valid node state); move it aside to start afresh.`)
    }
    return new NodeState(file, parsed.data)
  }

  get deviceName(): string {
    return this.state.deviceName
  }

  get folders(): readonly FolderConfig[] {
    return this.state.folders
  }

  get topics(): readonly StoredTopic[] {
    return this.state.topics
  }

  update(change: (state: StoredState) => StoredState): Promise<void> {
    this.state = change(this.state)
    const snapshot = JSON.stringify(this.state, null, 2) + '\n'
    // Writes are chained so that a later state never lands before an earlier one.
    // A failed write was already reported to its own caller; the next one still runs.
    this.writing = this.writing.catch(() => undefined).then(() => writeFileAtomic(this.file, snapshot, 0o600))
    return this.writing
  }

  flushed(): Promise<void> {
    return this.writing
  }
}

function defaultDeviceName(): string {
  return os.hostname().slice(0, 64) || 'my device'
}
