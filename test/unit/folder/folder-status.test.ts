import { describe, expect, test } from 'vitest'
import { FolderStatus } from '../../../main/core/folder/folder-status'

describe('FolderStatus', () => {
  test('a problem is cleared only by what raised it; the gravest one is shown', () => {
    let changes = 0
    const status = new FolderStatus(() => changes++)
    status.working('syncing')
    status.fail('pull', 'The disk is full.')
    status.fail('root', '/x is missing.')
    expect(status).toMatchObject({ state: 'error', lastError: '/x is missing.', clear: false })
    status.solved('pull')
    expect(status).toMatchObject({ state: 'error', lastError: '/x is missing.' })
    status.solved('root')
    expect(status).toMatchObject({ state: 'syncing', lastError: null })
    status.working('idle')
    expect(status).toMatchObject({ state: 'idle', clear: true })
    expect(changes).toBeGreaterThanOrEqual(5)
  })

  test('paths that could not be applied keep it out of sync until the writer applies them; each is new once', () => {
    const status = new FolderStatus(() => undefined)
    expect(status.setUnapplied('w1', [{ path: '/a', reason: 'no' }])).toEqual([{ path: '/a', reason: 'no' }])
    expect(status.setUnapplied('w1', [{ path: '/a', reason: 'no' }, { path: '/b', reason: 'no' }])).toEqual([{ path: '/b', reason: 'no' }])
    expect(status).toMatchObject({ state: 'out-of-sync', clear: false, lastError: 'no' })
    status.pause()
    expect(status.state).toBe('paused')
    status.resume()
    status.setUnapplied('w1', [])
    expect(status).toMatchObject({ state: 'idle', clear: true, lastError: null })
    expect(status.unapplied()).toEqual([])
  })
})
