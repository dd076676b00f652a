// The node's side of the contract: one handler per command. The mapped type
// makes a command without a handler a compile error.
import type { CommandInput, CommandName, CommandResult } from '../../contract'
import { dataDirError } from '../core/data-dir'
import type { HyperfoldNode } from '../core/node'

export type Handlers = {
  [K in CommandName]: (input: CommandInput<K>) => Promise<CommandResult<K>> | CommandResult<K>
}

export function createHandlers(node: HyperfoldNode): Handlers {
  return withDataDirErrors(node, {
    status: async ({ folder, waitSynced, timeout }) => {
      if (folder === undefined) return node.status()
      const info = waitSynced ? await node.folders.waitSynced(folder, (timeout ?? 60) * 1000) : node.folders.info(folder)
      return { ...node.status(), folder: info }
    },
    'name.set': ({ name }) => node.setName(name),
    'topic.create': ({ label }) => node.createTopic(label),
    'topic.join': ({ keyphrase, label }) => node.joinTopic(keyphrase, label),
    'topic.leave': ({ topic }) => node.leaveTopic(topic),
    topics: () => node.listTopics(),
    peers: ({ topic }) => node.listPeers(topic),
    share: (input) => node.folders.share(input),
    folders: ({ topic }) => node.folders.list(topic),
    ls: ({ folder, path }) => node.folders.ls(folder, path),
    get: ({ folder, path, to }) => node.folders.get(folder, path, to),
    sync: (input) => node.folders.sync(input),
    history: ({ folder, path }) => node.folders.history(folder, path),
    restore: ({ folder, path, version }) => node.folders.restore(folder, path, version),
    'folder.history-policy': ({ folder, retention, own }) => node.folders.setHistory(folder, { retention, own }),
    pause: ({ folder }) => node.folders.pause(folder),
    resume: ({ folder }) => node.folders.resume(folder),
    rescan: ({ folder }) => node.folders.rescan(folder),
    remove: ({ folder }) => node.folders.remove(folder),
    'folder.conflicts': ({ folder }) => node.folders.conflicts(folder),
    'folder.resolve-conflict': ({ folder, copy, keep }) => node.folders.resolveConflict(folder, copy, keep),
    keep: ({ folder, path }) => node.folders.keep(folder, path),
    free: ({ folder, path }) => node.folders.free(folder, path)
  })
}

// A write into the data dir that fails (read-only, full, wrong owner) is told
// as the data dir's problem, whichever command ran into it.
function withDataDirErrors(node: HyperfoldNode, handlers: Handlers): Handlers {
  const entries = Object.entries(handlers) as [string, (input: unknown) => unknown][]
  const wrapped = entries.map(([name, handler]) => [
    name,
    async (input: unknown) => {
      try {
        return await handler(input)
      } catch (err) {
        const dir = dataDirOf(node)
        throw (dir === null ? null : dataDirError(err, dir)) ?? err
      }
    }
  ])
  return Object.fromEntries(wrapped) as Handlers
}

function dataDirOf(node: HyperfoldNode): string | null {
  try {
    return node.status().dataDir
  } catch {
    return null // closing: nothing to tell about its data dir
  }
}
