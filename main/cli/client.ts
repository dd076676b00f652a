// Calls a command on the node running on a data dir, over its HTTP API.
import { type CommandName, type CommandResult, fromApiError } from '../../contract'
import type { Outcome } from '../api/dispatch'
import { notRunning, readApiFile } from './api-file'

export async function callNode<K extends CommandName>(dataDir: string, command: K, input: unknown): Promise<CommandResult<K>> {
  const api = await readApiFile(dataDir)
  let res: Response
  try {
    res = await fetch(`http://127.0.0.1:${api.port}/api/${command}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${api.token}`, 'content-type': 'application/json' },
      body: JSON.stringify(input)
    })
  } catch {
    throw notRunning(dataDir) // the file outlived its node (killed, crashed)
  }
  const outcome = (await res.json()) as Outcome
  if (!outcome.ok) throw fromApiError(outcome.error)
  return outcome.result as CommandResult<K>
}
