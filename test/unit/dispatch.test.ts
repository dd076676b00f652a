import { describe, expect, test } from 'vitest'
import { dispatch } from '../../main/api/dispatch'
import type { Handlers } from '../../main/api/handlers'
import { HyperfoldError, commandNames, commands } from '../../contract'

// A handler table whose every command answers its own name, or fails as told: dispatch is what is under test.
function table(fail?: unknown): Handlers {
  return Object.fromEntries(
    commandNames.map((name) => [
      name,
      (input: unknown) => {
        if (fail !== undefined) throw fail
        return { name, input }
      }
    ])
  ) as unknown as Handlers
}

describe('dispatch(handlers, command, input)', () => {
  test('passes schema-checked input to the named command', async () => {
    expect(await dispatch(table(), 'topic.join', { keyphrase: 'x', label: '  home  ' })).toEqual({
      ok: true,
      result: { name: 'topic.join', input: { keyphrase: 'x', label: 'home' } }
    })
    expect(await dispatch(table(), 'ls', { folder: 'Photos' })).toMatchObject({ result: { input: { path: '/' } } })
  })

  test('answers UNKNOWN_COMMAND for a name not in the contract, including inherited ones', async () => {
    for (const name of ['frobnicate', 'constructor', '__proto__', 'toString']) {
      expect(await dispatch(table(), name, {})).toMatchObject({ ok: false, error: { code: 'UNKNOWN_COMMAND' } })
    }
  })

  test('answers BAD_INPUT naming the field, for input that breaks the schema', async () => {
    const outcome = await dispatch(table(), 'restore', { folder: 'P', path: '/a', version: 'two' })
    expect(outcome).toMatchObject({ ok: false, error: { code: 'BAD_INPUT' } })
    expect(!outcome.ok && outcome.error.message).toMatch(/^version: /)
    expect(await dispatch(table(), 'share', 'not an object')).toMatchObject({ error: { code: 'BAD_INPUT' } })
    expect(await dispatch(table(), 'share', { path: '/x', topic: 't', mode: 'sideways' })).toMatchObject({ error: { code: 'BAD_INPUT' } })
  })

  test('keeps a HyperfoldError code and hides nothing else but the stack', async () => {
    expect(await dispatch(table(new HyperfoldError('TOPIC_NOT_FOUND', 'No topic.')), 'topics', {})).toEqual({
      ok: false,
      error: { code: 'TOPIC_NOT_FOUND', message: 'No topic.' }
    })
    expect(await dispatch(table(new Error('boom')), 'topics', {})).toEqual({
      ok: false,
      error: { code: 'INTERNAL', message: 'Internal error: boom' }
    })
  })

  test('every command has a summary and an object schema', () => {
    for (const name of commandNames) {
      expect(commands[name].summary.length).toBeGreaterThan(10)
      expect(commands[name].input.safeParse(undefined).success).toBe(false)
    }
  })
})
