// The one API contract: every command with its input schema and result type,
// every event with its payload. Electron IPC, the HTTP/WebSocket server and the
// CLI derive their routes from here; nothing else names a command.
import { z } from 'zod'
import type { Device, JoinedTopic, NodeStatus, Peer, RefusedPeer, Topic } from './types'

export * from './types'
export * from './errors'

interface CommandDef<I extends z.ZodObject, R> {
  summary: string
  input: I
  // Input keys the CLI takes as positional arguments, in order; the rest become --options.
  args: readonly (keyof z.infer<I> & string)[]
  result: R
}

function command<R>() {
  return <I extends z.ZodObject>(def: { summary: string; input: I; args?: readonly (keyof z.infer<I> & string)[] }) =>
    ({ ...def, args: def.args ?? [], result: undefined as unknown as R }) satisfies CommandDef<I, R>
}

const label = z.string().trim().min(1, 'A label cannot be empty.').max(64, 'A label is at most 64 characters.')
// Keyphrase rules (length, characters) are checked by the node, which answers with specific codes.
const keyphrase = z.string({ error: 'A keyphrase is required.' })
const topicRef = z.string({ error: 'A topic id or label is required.' }).min(1, 'A topic id or label is required.')

export const commands = {
  status: command<NodeStatus>()({
    summary: 'Show this node: device, network, topics and peers',
    input: z.object({})
  }),
  'name.set': command<Device>()({
    summary: 'Set the name other devices see for this one',
    input: z.object({
      name: z.string().trim().min(1, 'A device name cannot be empty.').max(64, 'A device name is at most 64 characters.')
    }),
    args: ['name']
  }),
  'topic.create': command<JoinedTopic>()({
    summary: 'Create a topic with a generated keyphrase and join it',
    input: z.object({ label: label.optional() })
  }),
  'topic.join': command<JoinedTopic>()({
    summary: 'Join a topic by its keyphrase',
    input: z.object({ keyphrase, label: label.optional() }),
    args: ['keyphrase']
  }),
  'topic.leave': command<Topic>()({
    summary: 'Leave a topic (by id or label)',
    input: z.object({ topic: topicRef }),
    args: ['topic']
  }),
  topics: command<Topic[]>()({
    summary: 'List joined topics',
    input: z.object({})
  }),
  peers: command<Peer[]>()({
    summary: 'List connected peers, optionally on one topic',
    input: z.object({ topic: topicRef.optional() })
  })
}

function payload<T>(): T {
  return undefined as unknown as T
}

export const events = {
  'peer.joined': payload<Peer>(),
  'peer.updated': payload<Peer>(),
  'peer.left': payload<Peer>(),
  'peer.refused': payload<RefusedPeer>(),
  'topic.joined': payload<Topic>(),
  'topic.left': payload<Topic>(),
  'device.renamed': payload<Device>()
}

export type Commands = typeof commands
export type CommandName = keyof Commands
export type CommandInput<K extends CommandName> = z.infer<Commands[K]['input']>
export type CommandResult<K extends CommandName> = Commands[K]['result']
export type Events = typeof events
export type EventName = keyof Events
export type EventPayload<K extends EventName> = Events[K]
export interface EventMessage<K extends EventName = EventName> {
  event: K
  payload: EventPayload<K>
}

export function isCommandName(name: string): name is CommandName {
  return Object.hasOwn(commands, name)
}

export const commandNames = Object.keys(commands) as CommandName[]
export const eventNames = Object.keys(events) as EventName[]
