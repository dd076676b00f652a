import fs from 'fs/promises'
import path from 'path'
import { afterEach, beforeEach, describe, expect, test } from 'vitest'
import DHT from 'hyperdht'
import Hyperswarm, { type SwarmConnection } from 'hyperswarm'
import Protomux from 'protomux'
import c from 'compact-encoding'
import { TestEnv, nextEvent } from '../helpers/env'
import { deriveTopicKeys } from '../../main/core/keyphrase'
import { HyperfoldNode } from '../../main/core/node'

describe('topics and peers on a local testnet', () => {
  let env: TestEnv
  beforeEach(async () => {
    env = await TestEnv.create()
  })
  afterEach(async () => {
    await env.close()
  })

  test('two nodes on one keyphrase see each other by name; a third on another keyphrase never appears', async () => {
    const [a, b, c] = await Promise.all([env.startNode(), env.startNode(), env.startNode()])
    await a.setName('laptop')
    await b.setName('desktop')
    await c.setName('stranger')

    const created = await a.createTopic('family')
    expect(created.keyphrase?.split(' ')).toHaveLength(8)
    expect(created.warning).toBeUndefined()

    const aSeesB = nextEvent(a, 'peer.joined', (p) => p.name === 'desktop')
    const bSeesA = nextEvent(b, 'peer.joined', (p) => p.name === 'laptop')
    await c.joinTopic('a completely different secret phrase for strangers only')
    await b.joinTopic(`  ${created.keyphrase!.replace(/ /g, '   ')} `)
    const [seenByA, seenByB] = await Promise.all([aSeesB, bSeesA])

    expect(seenByA.topics).toEqual([created.id])
    expect(seenByB.deviceId).toBe(a.status().device.id)
    expect(seenByB.connection).toBe('direct')
    expect(b.listPeers(created.id).map((p) => p.name)).toEqual(['laptop'])
    expect(a.listPeers('family').map((p) => p.name)).toEqual(['desktop'])
    expect(c.listPeers()).toEqual([])
    expect(a.listTopics()).toEqual([expect.objectContaining({ id: created.id, label: 'family', peers: 1 })])
  })

  test('a renamed device shows its new name to its peers', async () => {
    const [a, b] = await Promise.all([env.startNode(), env.startNode()])
    const { keyphrase } = await a.createTopic()
    const joined = nextEvent(a, 'peer.joined')
    await b.joinTopic(keyphrase!)
    await joined
    const renamed = nextEvent(a, 'peer.updated', (p) => p.name === 'new name')
    await b.setName('new name')
    expect((await renamed).deviceId).toBe(b.status().device.id)
  })

  test('a peer on two shared topics is one peer on one connection, listed on both', async () => {
    const [a, b] = await Promise.all([env.startNode(), env.startNode()])
    const one = await a.createTopic('one')
    const two = await a.createTopic('two')
    const joined = nextEvent(a, 'peer.joined')
    await b.joinTopic(one.keyphrase!)
    await joined
    const both = nextEvent(a, 'peer.updated', (p) => p.topics.length === 2)
    await b.joinTopic(two.keyphrase!)
    expect((await both).topics).toEqual([one.id, two.id].sort())
    expect(a.listPeers()).toHaveLength(1)

    const left = nextEvent(a, 'peer.left')
    await b.leaveTopic(one.id)
    await b.leaveTopic(two.id)
    await left
    expect(a.listPeers()).toEqual([])
    expect(b.listTopics()).toEqual([])
  })

  test('a node restarted from its data dir rejoins its topics and is seen again', async () => {
    const dataDir = await env.tmpDir()
    const a = await env.startNode()
    const first = await env.startNode({ dataDir })
    await first.setName('restarted')
    const { keyphrase } = await a.createTopic('family')
    const joined = nextEvent(a, 'peer.joined')
    await first.joinTopic(keyphrase!)
    await joined

    const left = nextEvent(a, 'peer.left')
    await first.close()
    await left

    const back = nextEvent(a, 'peer.joined', (p) => p.name === 'restarted')
    const again = await env.startNode({ dataDir })
    expect(again.listTopics()).toHaveLength(1)
    expect((await back).deviceId).toBe(again.status().device.id)
  })

  test('a peer with the topic hash but not the keyphrase is refused and learns no name', async () => {
    const a = await env.startNode({ membershipTimeoutMs: 1500 })
    await a.setName('secret name')
    const keyphrase = 'orbit velvet canyon lemon paddle whisper tunnel frost'
    await a.joinTopic(keyphrase)
    const keys = await deriveTopicKeys(keyphrase)

    // The intruder finds the node through the public topic hash and even knows the
    // membership channel id, but cannot make the proof without the keyphrase.
    const intruder = new Hyperswarm({ dht: new DHT({ bootstrap: env.bootstrap, host: '127.0.0.1' }) })
    env.defer(() => intruder.destroy())
    const received: unknown[] = []
    const closed = new Promise<void>((resolve) => {
      intruder.on('connection', (conn: SwarmConnection) => {
        conn.on('error', () => {})
        conn.on('close', () => resolve())
        const channel = Protomux.from(conn).createChannel<Buffer>({
          protocol: 'hyperfold/member/v2',
          id: keys.channel,
          handshake: c.fixed32 as never
        })
        channel?.addMessage({ encoding: c.json, onmessage: (m: unknown) => received.push(m) })
        channel?.open(Buffer.alloc(32, 7))
      })
    })
    const refused = nextEvent(a, 'peer.refused')
    intruder.join(keys.topic, { server: false, client: true })

    expect((await refused).reason).toMatch(/proof is wrong/)
    await closed
    expect(received).toEqual([])
    expect(a.listPeers()).toEqual([])
  })

  test('a peer that never proves membership is dropped after the timeout', async () => {
    const a = await env.startNode({ membershipTimeoutMs: 1000 })
    const keys = await deriveTopicKeys('quiet stranger test phrase number two')
    await a.joinTopic('quiet stranger test phrase number two')
    const intruder = new Hyperswarm({ dht: new DHT({ bootstrap: env.bootstrap, host: '127.0.0.1' }) })
    env.defer(() => intruder.destroy())
    intruder.on('connection', (conn: SwarmConnection) => conn.on('error', () => {}))
    const refused = nextEvent(a, 'peer.refused')
    intruder.join(keys.topic, { server: false, client: true })
    expect((await refused).reason).toMatch(/did not prove/)
  })

  test('one node per data dir; a data dir that cannot be written is refused', async () => {
    const dataDir = await env.tmpDir()
    await env.startNode({ dataDir })
    const second = new HyperfoldNode({ dataDir, bootstrap: env.bootstrap })
    await expect(second.ready()).rejects.toMatchObject({ code: 'DATA_DIR_LOCKED' })

    const file = path.join(await env.tmpDir(), 'a-file')
    await fs.writeFile(file, 'not a dir')
    const blocked = new HyperfoldNode({ dataDir: path.join(file, 'data'), bootstrap: env.bootstrap })
    await expect(blocked.ready()).rejects.toMatchObject({ code: 'DATA_DIR_NOT_WRITABLE' })
  })

  test('joining the same topic twice, or an empty keyphrase, changes nothing', async () => {
    const a = await env.startNode()
    const { keyphrase } = await a.createTopic('home')
    await expect(a.joinTopic(keyphrase!)).rejects.toMatchObject({ code: 'TOPIC_ALREADY_JOINED' })
    await expect(a.joinTopic('  ')).rejects.toMatchObject({ code: 'KEYPHRASE_EMPTY' })
    await expect(a.leaveTopic('nope')).rejects.toMatchObject({ code: 'TOPIC_NOT_FOUND' })
    expect(a.listTopics().map((t) => t.label)).toEqual(['home'])
  })

  test('secrets on disk are readable by the user alone', async () => {
    const dataDir = await env.tmpDir()
    const a = await env.startNode({ dataDir })
    await a.createTopic()
    const mode = async (name: string) => (await fs.stat(path.join(dataDir, name))).mode & 0o777
    expect(await mode('.')).toBe(0o700)
    expect(await mode('device.json')).toBe(0o600)
    expect(await mode('state.json')).toBe(0o600)
  })
})
