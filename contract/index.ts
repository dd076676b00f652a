// The one API contract: every command with its input schema and result type,
// every event with its payload. Electron IPC, the HTTP/WebSocket server and the
// CLI derive their routes from here; nothing else names a command.
import { z } from 'zod'
import {
  type Device,
  type FileEntry,
  type FileVersion,
  type Folder,
  type FolderActivity,
  FOLDER_MODES,
  FOLDER_RETENTIONS,
  type JoinedTopic,
  type NodeStatus,
  type Peer,
  type RefusedPeer,
  type Topic
} from './types'
import { FILE_PATH } from './wire'
import { CONFLICT_KEEPS, type Conflict, type ConflictResolved } from './conflicts'

export * from './types'
export * from './errors'
export * from './text'
export * from './ranges'
export * from './media'
export * from './conflicts'

type Keys<I extends z.ZodObject> = readonly (keyof z.infer<I> & string)[]

interface CommandDef<I extends z.ZodObject, R> {
  summary: string
  input: I
  // Input keys the CLI takes as positional arguments, in order; the rest become --options.
  args: Keys<I>
  // Input keys that name a path on this machine: the CLI makes them absolute from its own directory.
  localPaths: Keys<I>
  // The CLI's words for it, when not the command's own ("folder.conflicts" is `hyperfold conflicts`).
  cli?: string
  result: R
}

function command<R>() {
  return <I extends z.ZodObject>(def: { summary: string; input: I; args?: Keys<I>; localPaths?: Keys<I>; cli?: string }) =>
    ({ ...def, args: def.args ?? [], localPaths: def.localPaths ?? [], cli: def.cli, result: undefined as unknown as R }) satisfies CommandDef<I, R>
}

const label = z.string().trim().min(1, 'A label cannot be empty.').max(64, 'A label is at most 64 characters.')
// Keyphrase rules (length, characters) are checked by the node, which answers with specific codes.
const keyphrase = z.string({ error: 'A keyphrase is required.' })
const topicRef = z.string({ error: 'A topic id or label is required.' }).min(1, 'A topic id or label is required.')
const folderRef = z.string({ error: 'A folder name or id is required.' }).min(1, 'A folder name or id is required.')
// A path on the node's machine must be absolute: the node has no idea of the
// caller's directory (the CLI resolves from its own). The node checks again for its platform.
const ABSOLUTE_ANYWHERE = /^(\/|[A-Za-z]:[\\/]|\\\\)/
const localPath = z
  .string({ error: 'A path is required.' })
  .min(1, 'A path is required.')
  .max(4096, 'A path is at most 4096 characters.')
  .refine((p) => !p.includes('\0'), 'A path cannot contain a NUL character.')
  .refine((p) => ABSOLUTE_ANYWHERE.test(p), 'A path on this device must be absolute, like /home/me/Photos.')
const filePath = z.string({ error: 'A path in the folder is required.' }).min(1).max(4096)
// Paths in a folder, as a list or as the command line types it: /a,/b
const keptPaths = z.preprocess(
  (v) => (typeof v === 'string' ? v.split(',').filter((p) => p !== '') : v),
  z.array(filePath).min(1, 'Name at least one path to keep.').max(1000, 'At most 1000 paths.')
)
const mode = z.enum(FOLDER_MODES, { error: `The mode is one of ${FOLDER_MODES.join(', ')}.` })
const retention = z.enum(FOLDER_RETENTIONS, { error: `The retention is one of ${FOLDER_RETENTIONS.join(', ')}.` })
// A switch: true or false, or on or off as a person types it on the command line.
const onOff = z.preprocess((v) => (v === 'on' ? true : v === 'off' ? false : v), z.boolean({ error: 'Expected on or off.' }))

export const commands = {
  status: command<NodeStatus & { folder?: Folder }>()({
    summary: 'Show this node, or one folder: state, progress, conflicts, last error',
    input: z.object({
      folder: folderRef.optional(),
      waitSynced: z.boolean().optional().describe('wait until the folder is in sync'),
      timeout: z.number().positive().max(86_400).optional().describe('seconds to wait at most (default 60)')
    }),
    args: ['folder']
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
  }),
  share: command<Folder>()({
    summary: 'Share a folder of this device on a topic',
    input: z.object({
      path: localPath,
      topic: topicRef.describe('topic id or label to share it on'),
      name: z.string().trim().min(1).max(255).optional().describe('name peers see (default: the folder name)'),
      mode: mode.optional().describe('send-receive (default) or send-only')
    }),
    args: ['path'],
    localPaths: ['path']
  }),
  folders: command<Folder[]>()({
    summary: 'List shared folders: synced here and offered by peers',
    input: z.object({ topic: topicRef.optional() })
  }),
  ls: command<FileEntry[]>()({
    summary: "List a folder's directory, also a peer's folder before syncing it",
    input: z.object({ folder: folderRef, path: filePath.default('/') }),
    args: ['folder', 'path']
  }),
  get: command<{ path: string; bytes: number }>()({
    summary: 'Fetch one file of a folder on demand',
    input: z.object({ folder: folderRef, path: filePath, to: localPath }),
    args: ['folder', 'path', 'to'],
    localPaths: ['to']
  }),
  sync: command<Folder>()({
    summary: 'Sync a folder offered by a peer into a folder of this device',
    input: z.object({
      folder: folderRef,
      path: localPath,
      mode: mode.optional().describe('send-receive (default) or receive-only'),
      only: keptPaths.optional().describe('keep only these paths on this device, comma-separated: /a,/b (default: everything)')
    }),
    args: ['folder', 'path'],
    localPaths: ['path']
  }),
  history: command<FileVersion[]>()({
    summary: 'List every version of a file, deleted ones included',
    input: z.object({ folder: folderRef, path: filePath }),
    args: ['folder', 'path']
  }),
  restore: command<Folder>()({
    summary: 'Bring back a version of a file as its newest version',
    input: z.object({ folder: folderRef, path: filePath, version: z.number().int().positive().describe('version number from history') }),
    args: ['folder', 'path']
  }),
  'folder.history-policy': command<Folder>()({
    summary: "Set which replaced versions of a folder's files this device keeps",
    input: z.object({
      folder: folderRef,
      retention: retention.optional().describe('staggered (default: thinned out with age), all or off'),
      own: onOff.optional().describe('on (default) or off: keep a copy of the versions this device writes')
    }),
    args: ['folder']
  }),
  pause: command<Folder>()({ summary: 'Pause syncing a folder', input: z.object({ folder: folderRef }), args: ['folder'] }),
  resume: command<Folder>()({ summary: 'Resume syncing a folder', input: z.object({ folder: folderRef }), args: ['folder'] }),
  rescan: command<Folder>()({
    summary: 'Look at a folder on disk for changes now, as the hourly scan does',
    input: z.object({ folder: folderRef }),
    args: ['folder']
  }),
  remove: command<Folder>()({
    summary: 'Stop syncing a folder (its files stay on disk)',
    input: z.object({ folder: folderRef }),
    args: ['folder']
  }),
  // Conflict copies: listed, and settled as an ordinary edit that syncs to every device.
  'folder.conflicts': command<Conflict[]>()({
    summary: "List a folder's conflict copies beside the files they are versions of",
    input: z.object({ folder: folderRef }),
    args: ['folder'],
    cli: 'conflicts'
  }),
  'folder.resolve-conflict': command<ConflictResolved>()({
    summary: 'Settle a conflict: keep the original, the conflict copy, or both under separate names',
    input: z.object({
      folder: folderRef,
      copy: filePath.describe('path of the conflict copy in the folder'),
      keep: z.enum(CONFLICT_KEEPS, { error: `Keep one of ${CONFLICT_KEEPS.join(', ')}.` }).describe('original, copy or both')
    }),
    args: ['folder', 'copy'],
    cli: 'resolve'
  }),
  ...selectiveCommands()
}

// Selective sync: which paths of a folder this device keeps on its disk.
function selectiveCommands() {
  return {
    keep: command<Folder>()({
      summary: 'Keep a file or subfolder on this device (it is fetched now)',
      input: z.object({ folder: folderRef, path: filePath }),
      args: ['folder', 'path']
    }),
    free: command<Folder>()({
      summary: 'Free up space: remove a file or subfolder from this device once another online device holds it',
      input: z.object({ folder: folderRef, path: filePath }),
      args: ['folder', 'path']
    })
  }
}

// Routes that answer bytes, not JSON: read with GET (or HEAD) on `path`, the
// input as query parameters; each `headers` entry is a request header the CLI
// takes as an --option of that name. The CLI's `cli` command streams the body
// to stdout.
interface StreamDef<I extends z.ZodObject> {
  summary: string
  path: string
  input: I
  args: Keys<I>
  headers: Record<string, string>
  cli: string
}

function stream<I extends z.ZodObject>(def: StreamDef<I>): StreamDef<I> {
  return def
}

export const streams = {
  file: stream({
    summary: "Write a file of a folder to stdout, also a peer's before syncing it: only the chunks a range covers are fetched",
    path: FILE_PATH,
    input: z.object({ folder: folderRef, path: filePath }),
    args: ['folder', 'path'],
    headers: { range: 'bytes to read: START-END (inclusive), START- or -COUNT (the last COUNT)' },
    cli: 'cat'
  })
}

export type Streams = typeof streams
export type StreamName = keyof Streams
export type StreamInput<K extends StreamName> = z.infer<Streams[K]['input']>

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
  'device.renamed': payload<Device>(),
  'folder.updated': payload<Folder>(),
  'folder.activity': payload<FolderActivity>()
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
