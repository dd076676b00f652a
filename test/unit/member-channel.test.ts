import { describe, expect, test } from 'vitest'
import { randomBytes } from 'crypto'
import { createRequire } from 'module'
import type { SwarmConnection } from 'hyperswarm'
import { MemberChannel, type MemberChannelHandlers } from '../../main/core/member-channel'
import type { TopicKeys } from '../../main/core/keyphrase'
import type { LaneAddress } from '../../main/core/fast-lane'

// Two ends of one encrypted connection, piped into each other without a network.
const NoiseSecretStream = createRequire(import.meta.url)('@hyperswarm/secret-stream') as new (initiator: boolean) => SwarmConnection & {
  rawStream: NodeJS.ReadWriteStream
  opened: Promise<boolean>
}

async function connectedPair(): Promise<[SwarmConnection, SwarmConnection]> {
  const a = new NoiseSecretStream(true)
  const b = new NoiseSecretStream(false)
  a.rawStream.pipe(b.rawStream).pipe(a.rawStream)
  await Promise.all([a.opened, b.opened])
  return [a, b]
}

function topicKeys(): TopicKeys {
  return { id: 'topic', topic: randomBytes(32), auth: randomBytes(32), encryption: randomBytes(32), channel: randomBytes(32) }
}

function recorder(name: string, overrides: Partial<MemberChannelHandlers> = {}) {
  const seen = { members: [] as string[], refused: [] as string[], lanes: [] as LaneAddress[][] }
  const handlers: MemberChannelHandlers = {
    deviceName: () => name,
    laneOffer: () => [],
    onmember: (member) => seen.members.push(member),
    oncatalog: () => {},
    onlane: (addresses) => seen.lanes.push(addresses),
    onrefused: (reason) => seen.refused.push(reason),
    onclose: () => {},
    ...overrides
  }
  return { seen, handlers }
}

function closed(conn: SwarmConnection): Promise<Error | undefined> {
  return new Promise((resolve) => {
    let error: Error | undefined
    conn.on('error', (err: Error) => (error = err))
    conn.once('close', () => resolve(error))
  })
}

describe('MemberChannel', () => {
  test('two members learn each other’s names', async () => {
    const [a, b] = await connectedPair()
    const keys = topicKeys()
    const alice = recorder('alice')
    const bob = recorder('bob')
    new MemberChannel(a, keys, alice.handlers)
    new MemberChannel(b, keys, bob.handlers)
    await until(() => alice.seen.members.length > 0 && bob.seen.members.length > 0)
    expect(alice.seen.members).toEqual(['bob'])
    expect(bob.seen.members).toEqual(['alice'])
    a.destroy()
  })

  test('a peer whose proof is wrong on two topics is refused once', async () => {
    const [a, b] = await connectedPair()
    const [one, two] = [topicKeys(), topicKeys()]
    const victim = recorder('victim', { onrefused: (reason) => { victim.seen.refused.push(reason); a.destroy() } })
    const ended = closed(a)
    new MemberChannel(a, one, victim.handlers)
    new MemberChannel(a, two, victim.handlers)
    new MemberChannel(b, { ...one, auth: randomBytes(32) }, recorder('impostor').handlers)
    new MemberChannel(b, { ...two, auth: randomBytes(32) }, recorder('impostor').handlers)
    await ended
    expect(victim.seen.refused).toEqual(['its membership proof is wrong'])
    expect(victim.seen.members).toEqual([])
  })

  test('a member hears where the other takes fast-lane connections; a non-member hears nothing', async () => {
    const [a, b] = await connectedPair()
    const keys = topicKeys()
    const offered = [{ host: '192.168.1.20', port: 40123 }, { host: '127.0.0.1', port: 40123 }]
    const alice = recorder('alice', { laneOffer: () => offered })
    const bob = recorder('bob')
    new MemberChannel(a, keys, alice.handlers)
    new MemberChannel(b, keys, bob.handlers)
    await until(() => bob.seen.lanes.length > 0)
    expect(bob.seen.lanes).toEqual([offered])
    expect(alice.seen.lanes).toEqual([]) // bob offers nothing: he takes no lanes

    const [c, d] = await connectedPair()
    const stranger = recorder('stranger')
    const ended = closed(c)
    new MemberChannel(c, keys, recorder('carol', { laneOffer: () => offered, onrefused: () => c.destroy() }).handlers)
    new MemberChannel(d, { ...keys, auth: randomBytes(32) }, stranger.handlers)
    await ended
    expect(stranger.seen.lanes).toEqual([])
    a.destroy()
  })

  test('a bug in handling a peer’s hello ends that connection, not the process', async () => {
    const [a, b] = await connectedPair()
    const keys = topicKeys()
    const ended = closed(a)
    const broken = recorder('victim', {
      onmember: () => {
        throw new TypeError('a bug reached through the network')
      }
    })
    new MemberChannel(a, keys, broken.handlers)
    new MemberChannel(b, keys, recorder('peer').handlers)
    const error = await ended
    expect(error?.message).toBe('member channel: a bug reached through the network')
    expect(error).not.toBeInstanceOf(TypeError) // protomux would rethrow that out of the process
  })
})

async function until(done: () => boolean): Promise<void> {
  while (!done()) await new Promise((resolve) => setImmediate(resolve))
}
