// Every transport calls commands through here: the name is checked against
// the contract, the input against its schema, and any failure comes back as
// an { code, message } a person can read.
import { z } from 'zod'
import { type ApiError, type CommandName, commands, errors, isCommandName, showInput, toApiError } from '../../contract'
import type { Handlers } from './handlers'

export type Outcome = { ok: true; result: unknown } | { ok: false; error: ApiError }

export async function dispatch(handlers: Handlers, name: string, input: unknown): Promise<Outcome> {
  try {
    if (!isCommandName(name)) throw errors.unknownCommand(name)
    return { ok: true, result: await run(handlers, name, input ?? {}) }
  } catch (err) {
    return { ok: false, error: toApiError(err) }
  }
}

async function run<K extends CommandName>(handlers: Handlers, name: K, input: unknown): Promise<unknown> {
  const parsed = commands[name].input.safeParse(input)
  if (!parsed.success) throw errors.badInput(describeIssues(parsed.error))
  const handler = handlers[name] as (input: unknown) => unknown
  return await handler(parsed.data)
}

function describeIssues(error: z.ZodError): string {
  const issue = error.issues[0]
  if (issue === undefined) return 'Invalid input.'
  const where = issue.path.length > 0 ? `${showInput(issue.path.join('.'))}: ` : ''
  return `${where}${showInput(issue.message, 200)}`
}
