// Turns every command of the contract into a CLI command: "topic.join" becomes
// `hyperfold topic join <keyphrase> [--label <label>]`. Positional arguments
// are the contract's `args`; every other input key becomes an --option.
import path from 'path'
import { Command } from 'commander'
import { z } from 'zod'
import { type CommandName, type JoinedTopic, commandNames, commands } from '../../contract'
import { formatJoinLink } from '../../contract/join-link'
import { callNode } from './client'
import { formatResult } from './format'

export interface GlobalOptions {
  dataDir: string
  json: boolean
}

export function addContractCommands(program: Command, globals: () => GlobalOptions): void {
  const groups = new Map<string, Command>()
  for (const name of commandNames) {
    const words = (commands[name].cli ?? name).split('.')
    let parent = program
    for (const word of words.slice(0, -1)) {
      const key = words.slice(0, words.indexOf(word) + 1).join('.')
      if (!groups.has(key)) groups.set(key, parent.command(word).description(`${word} commands`))
      parent = groups.get(key)!
    }
    defineCommand(parent.command(words.at(-1)!), name, globals)
  }
}

function defineCommand(cmd: Command, name: CommandName, globals: () => GlobalOptions): void {
  const def = commands[name]
  const shape = def.input.shape as Record<string, z.ZodType>
  cmd.description(def.summary).option('--json', 'print the result as JSON')
  for (const arg of def.args) cmd.argument(shape[arg]!.isOptional() ? `[${arg}]` : `<${arg}>`)
  const optionKeys = Object.keys(shape).filter((key) => !(def.args as readonly string[]).includes(key))
  for (const key of optionKeys) {
    const flag = `--${key.replace(/[A-Z]/g, (ch) => `-${ch.toLowerCase()}`)}`
    const field = shape[key]!
    cmd.option(isBoolean(field) ? flag : `${flag} <${key}>`, field.description ?? '')
  }
  cmd.action(async (...params: unknown[]) => {
    const options = params[def.args.length] as Record<string, unknown>
    const input: Record<string, unknown> = {}
    def.args.forEach((arg, i) => params[i] !== undefined && (input[arg] = params[i]))
    for (const key of optionKeys) if (options[key] !== undefined) input[key] = coerce(shape[key]!, options[key])
    for (const key of def.localPaths as readonly string[]) if (typeof input[key] === 'string') input[key] = path.resolve(input[key])
    const { dataDir, json } = globals()
    const result = withJoinLink(name, await callNode(dataDir, name, input))
    process.stdout.write((json ? JSON.stringify(result, null, 2) : formatResult(result)) + '\n')
  })
}

// A new topic's keyphrase comes with the link to send instead: one click joins (after a question).
function withJoinLink(name: CommandName, result: unknown): unknown {
  if (name !== 'topic.create') return result
  const topic = result as JoinedTopic
  if (topic.keyphrase === undefined) return result
  return { ...topic, link: formatJoinLink({ keyphrase: topic.keyphrase, label: topic.label === topic.id ? undefined : topic.label }) }
}

function unwrap(field: z.ZodType): z.ZodType {
  return field instanceof z.ZodOptional || field instanceof z.ZodDefault ? unwrap(field.unwrap() as z.ZodType) : field
}

function isBoolean(field: z.ZodType): boolean {
  return unwrap(field) instanceof z.ZodBoolean
}

// Options arrive as strings; numbers are converted here and checked by the contract's schema.
function coerce(field: z.ZodType, value: unknown): unknown {
  return unwrap(field) instanceof z.ZodNumber && typeof value === 'string' ? Number(value) : value
}
