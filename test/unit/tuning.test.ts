import { describe, expect, test } from 'vitest'
import { HEAP_GROWING_PERCENT, MALLOC_ARENA_MAX, OLD_SPACE_FLOOR_MIB, V8_FLAGS, isServe, missingNodeFlags, relaunchNeeded, tunedEnv } from '../../bin/tuning.js'

describe('bin/tuning.js: what a serve process starts with', () => {
  test('isServe(args) finds the command after the global options and their values', () => {
    expect(isServe(['serve'])).toBe(true)
    expect(isServe(['--data-dir', '/d', '--bootstrap', '127.0.0.1:1', 'serve', '--json'])).toBe(true)
    expect(isServe(['--json', '--data-dir=/d', 'serve'])).toBe(true)
    expect(isServe(['--data-dir', 'serve', 'folders'])).toBe(false) // a data dir named "serve"
    expect(isServe(['share', 'serve'])).toBe(false)
    expect(isServe(['--version'])).toBe(false)
  })

  test('missingNodeFlags(execArgv, NODE_OPTIONS) leaves out a flag given either way', () => {
    expect(missingNodeFlags([])).toEqual([...V8_FLAGS])
    const growing = `--heap-growing-percent=${HEAP_GROWING_PERCENT}`
    expect(missingNodeFlags(['--max-semi-space-size=8'])).toEqual([growing, `--initial-old-space-size=${OLD_SPACE_FLOOR_MIB}`, '--expose-gc'])
    expect(missingNodeFlags(['--heap-growing-percent=50', '--expose_gc'], '--inspect --max_semi_space_size=2 --initial-old-space-size=128')).toEqual([])
  })

  test('relaunchNeeded(env, execArgv, platform): only while a knob is missing, never twice, never on Windows', () => {
    expect(relaunchNeeded({}, [], 'linux')).toBe(true)
    expect(relaunchNeeded({ MALLOC_ARENA_MAX: '2' }, [], 'linux')).toBe(true)
    expect(relaunchNeeded({ MALLOC_ARENA_MAX: '2' }, [...V8_FLAGS], 'linux')).toBe(false)
    expect(relaunchNeeded({ HYPERFOLD_RELAUNCHED: '1' }, [], 'linux')).toBe(false)
    expect(relaunchNeeded({}, [], 'win32')).toBe(false)
  })

  test('tunedEnv(env) adds the arena limit and keeps one the user set', () => {
    expect(tunedEnv({ PATH: '/bin' })).toEqual({ PATH: '/bin', MALLOC_ARENA_MAX })
    expect(tunedEnv({ MALLOC_ARENA_MAX: '4' }).MALLOC_ARENA_MAX).toBe('4')
  })
})
