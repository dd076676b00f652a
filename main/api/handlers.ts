// The node's side of the contract: one handler per command. The mapped type
// makes a command without a handler a compile error.
import type { CommandInput, CommandName, CommandResult } from '../../contract'
import type { HyperfoldNode } from '../core/node'

export type Handlers = {
  [K in CommandName]: (input: CommandInput<K>) => Promise<CommandResult<K>> | CommandResult<K>
}

export function createHandlers(node: HyperfoldNode): Handlers {
  return {
    status: () => node.status(),
    'name.set': ({ name }) => node.setName(name),
    'topic.create': ({ label }) => node.createTopic(label),
    'topic.join': ({ keyphrase, label }) => node.joinTopic(keyphrase, label),
    'topic.leave': ({ topic }) => node.leaveTopic(topic),
    topics: () => node.listTopics(),
    peers: ({ topic }) => node.listPeers(topic)
  }
}
