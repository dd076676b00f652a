import { describe, expect, test } from 'vitest'
import { isLoopbackOnly, parseBootstrap } from '../../main/core/bootstrap'

describe('parseBootstrap', () => {
  test('reads host:port lists', () => {
    expect(parseBootstrap('127.0.0.1:49737')).toEqual([{ host: '127.0.0.1', port: 49737 }])
    expect(parseBootstrap('a.example:1, [::1]:2')).toEqual([
      { host: 'a.example', port: 1 },
      { host: '::1', port: 2 }
    ])
  })

  test.each(['', 'localhost', '127.0.0.1:', '127.0.0.1:99999', 'host:port', ':80', 'a b:1'])(
    'refuses %j with BAD_BOOTSTRAP',
    (text) => {
      expect(() => parseBootstrap(text)).toThrow(expect.objectContaining({ code: 'BAD_BOOTSTRAP' }))
    }
  )

  test('knows a loopback-only bootstrap from a LAN or public one', () => {
    expect(isLoopbackOnly(parseBootstrap('127.0.0.1:1,localhost:2'))).toBe(true)
    expect(isLoopbackOnly(parseBootstrap('192.168.1.5:1'))).toBe(false)
    expect(isLoopbackOnly('public')).toBe(false)
  })
})
