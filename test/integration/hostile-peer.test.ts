import fs from 'fs/promises'
import path from 'path'
import { createInterface } from 'readline'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { TestEnv } from '../helpers/env'
import { type ServeProcess, cliJson, startServe, waitUntil } from '../helpers/cli'
import { type Stranger, jsonMessage, meetVictim, textMessage } from '../helpers/stranger'
import { deriveTopicKeys, type TopicKeys } from '../../main/core/keyphrase'
import { createProof } from '../../main/core/membership'
import type { Folder, JoinedTopic, NodeStatus, Peer } from '../../contract'

const NOT_JSON = '{"name": "mallory", oops \u0000\u001b[31m'
// A frame protomux cannot even read: an open message that ends after its type.
const TRUNCATED_OPEN = Buffer.from([0, 1])

// Each case spawns CLI processes on a busy 2-core box: generous per-test time.
describe('a hostile peer on the topic cannot crash a node', { timeout: 150_000 }, () => {
  let env: TestEnv
  let victim: ServeProcess
  let victimDir: string
  let victimKey: Buffer
  let victimId: string
  let honestId: string
  let honestDir: string
  let source: string
  let target: string
  let keys: TopicKeys
  const victimLog: string[] = []

  beforeAll(async () => {
    env = await TestEnv.create()
    ;[victimDir, honestDir, source] = await Promise.all([env.tmpDir(), env.tmpDir(), env.tmpDir()])
    target = path.join(await env.tmpDir(), 'Shared')
    await fs.writeFile(path.join(source, 'before.txt'), 'shared before the attacks\n')
    victim = await startServe(env, victimDir)
    createInterface({ input: victim.proc.stderr! }).on('line', (line) => victimLog.push(line))
    await startServe(env, honestDir)
    const device = JSON.parse(await fs.readFile(path.join(victimDir, 'device.json'), 'utf8')) as { publicKey: string }
    victimKey = Buffer.from(device.publicKey, 'hex')
    victimId = (await cliJson<NodeStatus>(['--data-dir', victimDir, 'status'])).device.id
    honestId = (await cliJson<NodeStatus>(['--data-dir', honestDir, 'status'])).device.id

    const topic = await cliJson<JoinedTopic>(['--data-dir', victimDir, 'topic', 'create', '--label', 'fam'])
    keys = await deriveTopicKeys(topic.keyphrase!)
    await cliJson(['--data-dir', honestDir, 'topic', 'join', topic.keyphrase!, '--label', 'fam'])
    await cliJson(['--data-dir', victimDir, 'share', source, '--topic', 'fam', '--name', 'Shared'])
    await waitUntil(async () => (await cliJson<Folder[]>(['--data-dir', honestDir, 'folders'])).find((f) => f.name === 'Shared'), 'the offer')
    await cliJson(['--data-dir', honestDir, 'sync', 'Shared', target])
    await waitUntil(async () => (await exists(path.join(target, 'before.txt'))) || undefined, 'the first sync')
  }, 180_000)

  afterAll(async () => {
    await env.close()
  })

  // The victim hung up on the stranger, said why in exactly one line, and
  // carries on: still running, still answering, still with its honest peer.
  async function expectDroppedAndCarriesOn(stranger: Stranger, why: RegExp): Promise<void> {
    await stranger.closed
    const about = () => victimLog.filter((line) => line.includes(stranger.deviceId))
    await waitUntil(async () => (about().length > 0 ? true : undefined), 'the line about the stranger')
    const status = await cliJson<NodeStatus>(['--data-dir', victimDir, 'status'])
    expect(status.device.id).toBe(victimId)
    const peers = await cliJson<Peer[]>(['--data-dir', victimDir, 'peers'])
    expect(peers.map((peer) => peer.deviceId)).toEqual([honestId])
    expect(victim.proc.exitCode).toBeNull()
    expect(victim.proc.signalCode).toBeNull()
    expect(about(), about().join('\n')).toHaveLength(1)
    const [line] = about()
    expect(line).toMatch(why)
    expect(line!.length).toBeLessThan(400)
    expect(line).not.toMatch(/\p{Cc}/u) // nothing the peer sent reaches the terminal raw
    await stranger.destroy()
  }

  async function outsider(): Promise<Stranger> {
    return meetVictim(env, keys.topic, victimKey)
  }

  // A stranger that knows the keyphrase: its proof is good, what follows is not.
  async function member(): Promise<Stranger> {
    const stranger = await meetVictim(env, keys.topic, victimKey)
    stranger.mux.cork()
    stranger.channel.open(createProof(keys.auth, stranger.conn.handshakeHash, stranger.conn.publicKey))
    stranger.hello.send(jsonMessage({ name: 'mallory' }))
    stranger.mux.uncork()
    const listed = async () => (await cliJson<Peer[]>(['--data-dir', victimDir, 'peers'])).some((p) => p.deviceId === stranger.deviceId)
    await waitUntil(async () => ((await listed()) ? true : undefined), 'the stranger listed as a member')
    expect(stranger.heard.length).toBeGreaterThan(0) // the victim told it its name: the proof passed
    return stranger
  }

  describe('an outsider (no keyphrase)', () => {
    test('a bogus proof and a hello that is not JSON, in one frame', async () => {
      const stranger = await outsider()
      stranger.mux.cork()
      stranger.channel.open(Buffer.alloc(32, 7))
      stranger.hello.send(textMessage(NOT_JSON))
      stranger.mux.uncork()
      await expectDroppedAndCarriesOn(stranger, /refused peer .*proof is wrong/)
      expect(stranger.heard).toEqual([]) // it learned no name
    })

    test('a bogus proof and a folder catalog that is not JSON, in one frame', async () => {
      const stranger = await outsider()
      stranger.mux.cork()
      stranger.channel.open(Buffer.alloc(32, 7))
      stranger.catalog.send(textMessage(NOT_JSON))
      stranger.hello.send(jsonMessage({ name: 'mallory' }))
      stranger.mux.uncork()
      await expectDroppedAndCarriesOn(stranger, /refused peer .*proof is wrong/)
      expect(stranger.heard).toEqual([])
    })

    test('a proof of the wrong size', async () => {
      const short = await outsider()
      short.channel.open(Buffer.from('tiny'))
      await expectDroppedAndCarriesOn(short, /refused peer .*proof/)
      const long = await outsider()
      long.channel.open(Buffer.alloc(4096, 1))
      await expectDroppedAndCarriesOn(long, /refused peer .*proof/)
    })

    test('oversized frames before any proof', async () => {
      const stranger = await outsider()
      stranger.mux.cork()
      stranger.channel.open(Buffer.alloc(32, 7))
      stranger.hello.send(textMessage('x'.repeat(2 * 1024 * 1024)))
      stranger.catalog.send(Buffer.alloc(3 * 1024 * 1024, 0xff))
      stranger.mux.uncork()
      await expectDroppedAndCarriesOn(stranger, /refused peer .*proof is wrong/)
    })

    test('garbage frames: an unknown channel, random bytes, a truncated frame', async () => {
      const stranger = await outsider()
      stranger.conn.write(Buffer.from([42, 0, 1, 2, 3])) // a message on a channel nobody opened
      stranger.conn.write(Buffer.from([0, 3, 9])) // closing a channel nobody opened
      for (const frame of randomFrames(1, 40)) stranger.conn.write(frame)
      stranger.conn.write(TRUNCATED_OPEN)
      await expectDroppedAndCarriesOn(stranger, /connection to|refused peer/)
    })
  })

  describe('a member (knows the keyphrase, proves it, then misbehaves)', () => {
    test('a valid proof, then a hello that is not JSON', async () => {
      const stranger = await meetVictim(env, keys.topic, victimKey)
      stranger.mux.cork()
      stranger.channel.open(createProof(keys.auth, stranger.conn.handshakeHash, stranger.conn.publicKey))
      stranger.hello.send(textMessage(NOT_JSON))
      stranger.mux.uncork()
      await expectDroppedAndCarriesOn(stranger, /refused peer .*hello/)
    })

    test('a folder catalog that is not JSON', async () => {
      const stranger = await member()
      stranger.catalog.send(textMessage(NOT_JSON))
      await expectDroppedAndCarriesOn(stranger, /refused peer .*catalog/)
    })

    test('an oversized hello and an oversized catalog', async () => {
      const loud = await member()
      loud.hello.send(jsonMessage({ name: 'm'.repeat(64 * 1024) }))
      await expectDroppedAndCarriesOn(loud, /refused peer .*hello/)
      const hoarder = await member()
      const folders = Array.from({ length: 300 }, (_, i) => ({
        id: `f${String(i).padStart(15, '0')}`,
        name: 'n'.repeat(255),
        writers: Array.from({ length: 256 }, () => 'a'.repeat(64)),
        files: 1,
        bytes: 1
      }))
      hoarder.catalog.send(jsonMessage({ folders }))
      await expectDroppedAndCarriesOn(hoarder, /refused peer .*catalog/)
    })

    test('a catalog that is JSON but not a catalog', async () => {
      const stranger = await member()
      stranger.catalog.send(jsonMessage({ folders: [{ id: '../../etc', name: '\u001b[2J', writers: 'all', files: -1 }] }))
      await expectDroppedAndCarriesOn(stranger, /refused peer .*catalog/)
    })

    test('random frames on a connection that is already replicating', async () => {
      const stranger = await member()
      // Aimed at the channels it has open (the member channel, Corestore's replication): a small id, a small type, noise.
      for (const frame of randomFrames(2, 200)) stranger.conn.write(Buffer.concat([Buffer.from([1 + (frame[0]! % 4), frame[1]! % 16]), frame]))
      stranger.conn.write(TRUNCATED_OPEN)
      await expectDroppedAndCarriesOn(stranger, /connection to|refused peer/)
    })
  })

  test('after all that, the honest peer still syncs with the victim', async () => {
    await fs.writeFile(path.join(source, 'after.txt'), 'written after the attacks\n')
    const arrived = async () => (await fs.readFile(path.join(target, 'after.txt'), 'utf8').catch(() => undefined))
    expect(await waitUntil(arrived, 'the new file at the honest peer')).toBe('written after the attacks\n')
    const peers = await cliJson<Peer[]>(['--data-dir', victimDir, 'peers'])
    expect(peers.map((peer) => peer.deviceId)).toEqual([honestId])
  })
})

async function exists(file: string): Promise<boolean> {
  return fs.access(file).then(
    () => true,
    () => false
  )
}

// Deterministic noise (xorshift32), so a failure can be replayed: frames of 1 to 300 random bytes.
function randomFrames(seed: number, count: number): Buffer[] {
  let x = seed * 2654435761
  const next = () => {
    x ^= x << 13
    x ^= x >>> 17
    x ^= x << 5
    return x >>> 0
  }
  return Array.from({ length: count }, () => {
    const frame = Buffer.alloc(1 + (next() % 300))
    for (let i = 0; i < frame.length; i++) frame[i] = next() & 0xff
    return frame
  })
}
