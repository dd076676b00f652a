import { describe, expect, test } from 'vitest'
import type { EventMessage, Folder, Peer } from '../../../contract'
import { DEFAULT_NOTIFICATIONS, NotificationRules } from '../../../main/electron/notification-rules'
import { DEFAULT_SHELL_SETTINGS, notificationSwitches } from '../../../main/electron/shell-settings'

const peer: Peer = { deviceId: 'd1', name: 'laptop', topics: ['t1'], address: '127.0.0.1:1', connection: 'direct', lane: 'swarm', rttMs: 1, bytesIn: 0, bytesOut: 0, since: '' }

function folder(state: Folder['state'], extra: Partial<Folder> = {}): Folder {
  return {
    id: 'f1', name: 'Photos', topic: 't1', path: '/home/me/Photos', mode: 'send-receive', history: { retention: 'staggered', own: true }, selection: { everything: true, only: [], except: [] },
    state, progress: null, files: 12, bytes: 1, sharedBy: [], writers: 1, conflicts: 0, localChanges: 0, lastError: null, unapplied: [], ...extra
  }
}

const updated = (f: Folder): EventMessage => ({ event: 'folder.updated', payload: f })
const ALL = DEFAULT_NOTIFICATIONS

describe('desktop notifications', () => {
  test('a new peer once, not again when it reconnects, and not for peers already there at start', () => {
    const rules = new NotificationRules()
    rules.seed([], [{ ...peer, deviceId: 'old' }])
    expect(rules.next({ event: 'peer.joined', payload: { ...peer, deviceId: 'old' } }, ALL)).toBeNull()
    expect(rules.next({ event: 'peer.joined', payload: peer }, ALL)).toEqual({ kind: 'newPeer', title: 'laptop joined', body: 'A new peer is online on your topic.' })
    expect(rules.next({ event: 'peer.joined', payload: peer }, ALL)).toBeNull()
  })

  test('a conflict names the folder and the path', () => {
    const rules = new NotificationRules()
    const conflict: EventMessage = { event: 'folder.activity', payload: { folder: 'Photos', kind: 'conflict', path: '/a.txt', message: '', time: '' } }
    expect(rules.next(conflict, ALL)).toEqual({ kind: 'conflict', title: 'Conflict in Photos', body: '/a.txt: both versions are kept.' })
    expect(rules.next({ event: 'folder.activity', payload: { folder: 'Photos', kind: 'synced', path: '/b', message: '', time: '' } }, ALL)).toBeNull()
  })

  test('the first sync finished once; a folder in sync at start is not news', () => {
    const rules = new NotificationRules()
    rules.seed([folder('idle', { id: 'old' })], [])
    expect(rules.next(updated(folder('idle', { id: 'old' })), ALL)).toBeNull()
    expect(rules.next(updated(folder('syncing')), ALL)).toBeNull()
    expect(rules.next(updated(folder('idle')), ALL)).toEqual({ kind: 'firstSync', title: 'Photos is in sync', body: '12 files are on this device now.' })
    expect(rules.next(updated(folder('syncing')), ALL)).toBeNull()
    expect(rules.next(updated(folder('idle')), ALL)).toBeNull()
    expect(rules.next(updated(folder('idle', { path: null, id: 'remote' })), ALL)).toBeNull()
  })

  test('an error that needs the user, once per error', () => {
    const rules = new NotificationRules()
    const broken = folder('error', { lastError: 'The folder root is gone.' })
    expect(rules.next(updated(broken), ALL)).toEqual({ kind: 'error', title: 'Photos stopped', body: 'The folder root is gone.' })
    expect(rules.next(updated(broken), ALL)).toBeNull()
    expect(rules.next(updated(folder('scanning')), ALL)).toBeNull()
    expect(rules.next(updated(broken), ALL)).not.toBeNull()
  })

  test('each kind is switched off by its setting, and all are on by default', () => {
    expect(notificationSwitches(DEFAULT_SHELL_SETTINGS)).toEqual(ALL)
    const off = notificationSwitches({ ...DEFAULT_SHELL_SETTINGS, notifyNewPeer: false, notifyError: false })
    const rules = new NotificationRules()
    expect(rules.next({ event: 'peer.joined', payload: peer }, off)).toBeNull()
    expect(rules.next(updated(folder('error', { lastError: 'x' })), off)).toBeNull()
    expect(rules.next(updated(folder('idle')), off)).toMatchObject({ kind: 'firstSync' })
  })
})
