import { describe, expect, test } from 'vitest'
import type { FolderActivity } from '../../contract'
import { copyTarget, crumbsOf, parentOf } from '../../renderer/src/lib/paths'
import { ActivityLog } from '../../renderer/src/state/activity.svelte'
import { activityLine, progressLine, runsOf, stateLabel, unappliedLine } from '../../renderer/src/state/folder-text'

const at = (kind: FolderActivity['kind'], path: string, message = ''): FolderActivity => ({
  folder: 'f1',
  kind,
  path,
  message,
  time: '2026-01-02T03:04:05.000Z'
})

describe('how folder activity and progress read', () => {
  test('files received in one sync fold into one line that counts them; the next sync starts a new line', () => {
    const log = new ActivityLog()
    for (const path of ['/a.txt', '/b.txt', '/c.txt']) {
      const line = activityLine(at('synced', path), 'Photos')
      log.addToRun('synced', line.run!, line.text)
    }
    expect(log.entries.map((e) => e.text)).toEqual(['Received 3 files in Photos, the latest /c.txt'])

    for (const run of runsOf('f1')) log.endRun(run)
    const next = activityLine(at('synced', '/d.txt'), 'Photos')
    log.addToRun('synced', next.run!, next.text)
    expect(log.entries.map((e) => e.text)).toEqual(['Received /d.txt in Photos', 'Received 3 files in Photos, the latest /c.txt'])
  })

  test('conflicts, refusals and errors each stand alone, with the node\'s reason', () => {
    expect(activityLine(at('conflict', '/a.sync-conflict-x.txt', 'conflicting edit of /a.txt kept as /a.sync-conflict-x.txt'), 'Docs').text(1)).toBe(
      'Conflict in Docs: conflicting edit of /a.txt kept as /a.sync-conflict-x.txt'
    )
    expect(activityLine(at('refused', '/../x', 'Refused the path "/../x": it contains a ".." segment.'), 'Docs').run).toBeNull()
    expect(activityLine(at('error', '/big.iso', 'The disk is full.'), 'Docs').text(1)).toBe('Could not sync /big.iso in Docs: The disk is full.')
    expect(activityLine(at('deleted', '/old.txt'), 'Docs').text(2)).toBe('Deleted 2 files in Docs (removed on another device), the latest /old.txt')
  })

  test('a folder out of sync says which path it could not apply, why, and how many more', () => {
    expect(stateLabel('out-of-sync')).toBe('Out of sync')
    expect(unappliedLine([])).toBe('')
    const first = { path: '/dir/x.txt', reason: 'Refused the path "/dir/x.txt": /dir is a symlink, not a directory.' }
    expect(unappliedLine([first])).toBe(`Not applied here: /dir/x.txt. ${first.reason}`)
    expect(unappliedLine([first, { path: '/b\u001b[2J', reason: 'b' }, { path: '/c', reason: 'c' }])).toBe(`Not applied here: /dir/x.txt (and 2 more paths). ${first.reason}`)
  })

  test('progress reads as files, bytes and a rate', () => {
    expect(progressLine({ filesDone: 3, filesTotal: 10, bytesDone: 1_500_000, bytesTotal: 12_000_000, bytesPerSecond: 2_400_000 })).toBe(
      '3 of 10 files · 1.5 MB of 12 MB · 2.4 MB/s'
    )
    expect(progressLine({ filesDone: 0, filesTotal: 1, bytesDone: 0, bytesTotal: 0, bytesPerSecond: 0 })).toBe('0 of 1 file · 0 B of 0 B')
  })

  test('paths in a folder: crumbs, parent, and where a saved copy goes', () => {
    expect(crumbsOf('/')).toEqual([])
    expect(crumbsOf('/a/b')).toEqual([
      { name: 'a', dir: '/a' },
      { name: 'b', dir: '/a/b' }
    ])
    expect(parentOf('/a/b')).toBe('/a')
    expect(parentOf('/a')).toBe('/')
    expect(copyTarget(' /tmp/out/ ', '/notes/todo.txt')).toBe('/tmp/out/todo.txt')
    expect(copyTarget('/tmp/copy.txt', '/notes/todo.txt')).toBe('/tmp/copy.txt')
  })
})
