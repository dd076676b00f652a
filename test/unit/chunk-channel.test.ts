import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import fc from 'fast-check'
import { createHash, randomBytes } from 'crypto'
import c from 'compact-encoding'
import DHT from 'hyperdht'
import Hyperswarm, { type SwarmConnection } from 'hyperswarm'
import Protomux from 'protomux'
import { TestEnv, nextEvent } from '../helpers/env'
import {
  ChunkChannel,
  type ChunkChannelHandlers,
  MAX_PATH_BYTES,
  decodeData,
  decodeMissing,
  decodeRequest,
  encodeData,
  encodeMissing,
  encodeRequest
} from '../../main/core/chunk-channel'
import { type ChunkRef, type ChunkSource, MAX_CHUNK_BYTES } from '../../main/core/folder/chunk-ref'
import type { TopicKeys } from '../../main/core/keyphrase'
import type { HyperfoldNode } from '../../main/core/node'
import { type Decoded } from '../../main/core/safe-json'
import { raw } from '../../main/core/wire-guard'

const decoders = { request: decodeRequest, data: decodeData, missing: decodeMissing }

function expectWellFormed(result: Decoded<unknown>): void {
  if (result.ok) return
  expect(result.reason).not.toMatch(/[\p{Cc}\p{Cf}\p{Cs}\p{Zl}\p{Zp}]/u)
  expect([...result.reason].length).toBeLessThanOrEqual(200)
}

function refOf(bytes: Buffer, path = '/a.bin', offset = 0): ChunkRef {
  return { hash: createHash('sha256').update(bytes).digest(), size: bytes.byteLength, path, offset }
}

const honestRequest = fc.record({
  id: fc.nat(),
  folder: fc.stringMatching(/^[a-z0-9]{1,64}$/),
  ref: fc.record({
    hash: fc.uint8Array({ minLength: 32, maxLength: 32 }).map((b) => Buffer.from(b)),
    size: fc.integer({ min: 1, max: MAX_CHUNK_BYTES }),
    path: fc.string({ maxLength: 200, unit: 'binary' }).map((p) => '/' + p),
    offset: fc.nat()
  })
})

describe('chunk protocol decoders', () => {
  test('random bytes never throw: each decoder yields a value or a one-line refusal', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 600 }), (bytes) => {
        for (const decode of Object.values(decoders)) expectWellFormed(decode(bytes))
      }),
      { numRuns: 3000 }
    )
  })

  test('honest frames come back unchanged; cut short or padded they are refused', () => {
    fc.assert(
      fc.property(honestRequest, fc.nat(), fc.uint8Array({ minLength: 1, maxLength: 8 }), (request, cut, extra) => {
        const bytes = encodeRequest(request)
        const back = decodeRequest(bytes)
        expect(back.ok).toBe(Buffer.from(request.ref.path).byteLength <= MAX_PATH_BYTES)
        if (back.ok) expect(back.value).toEqual({ ...request, ref: { ...request.ref, path: Buffer.from(request.ref.path).toString() } })
        expect(decodeRequest(bytes.subarray(0, cut % bytes.byteLength)).ok).toBe(false)
        expect(decodeRequest(Buffer.concat([bytes, extra])).ok).toBe(false)
        expect(decodeMissing(Buffer.concat([encodeMissing(request.id), extra])).ok).toBe(false)
      }),
      { numRuns: 500 }
    )
    const chunk = randomBytes(1000)
    expect(decodeData(encodeData({ id: 7, bytes: chunk }))).toEqual({ ok: true, value: { id: 7, bytes: chunk } })
    expect(decodeMissing(encodeMissing(2 ** 40))).toEqual({ ok: true, value: 2 ** 40 })
  })

  test('out-of-bounds fields are refused by their size, before anything is copied', () => {
    const ref = refOf(randomBytes(10))
    const base = { id: 1, folder: 'folder', ref }
    expect(decodeRequest(encodeRequest({ ...base, folder: 'x'.repeat(65) }))).toMatchObject({ ok: false })
    expect(decodeRequest(encodeRequest({ ...base, folder: '' }))).toMatchObject({ ok: false })
    expect(decodeRequest(encodeRequest({ ...base, ref: { ...ref, path: 'p'.repeat(MAX_PATH_BYTES + 1) } }))).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/path of 4097 bytes/)
    })
    expect(decodeRequest(encodeRequest({ ...base, ref: { ...ref, size: 0 } }))).toMatchObject({ ok: false })
    expect(decodeRequest(encodeRequest({ ...base, ref: { ...ref, size: MAX_CHUNK_BYTES + 1 } }))).toMatchObject({ ok: false })
    // A length that claims 4 GiB in a frame of a few bytes.
    const lying = Buffer.concat([c.encode(c.uint, 1) as Buffer, c.encode(c.uint, 2 ** 32 - 1) as Buffer, Buffer.from('abc')])
    expect(decodeData(lying)).toMatchObject({ ok: false, reason: expect.stringMatching(/4294967295 bytes/) })
    const bigId = Buffer.from([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff])
    expect(decodeMissing(bigId)).toMatchObject({ ok: false, reason: expect.stringMatching(/out of range/) })
    const notUtf8 = Buffer.concat([c.encode(c.uint, 1) as Buffer, Buffer.from([2, 0xc3, 0x28])])
    expect(decodeRequest(notUtf8)).toMatchObject({ ok: false, reason: expect.stringMatching(/not UTF-8/) })
  })
})

describe('chunk channel between two real swarms', { timeout: 60_000 }, () => {
  let env: TestEnv

  beforeAll(async () => {
    env = await TestEnv.create()
  })

  afterAll(async () => {
    await env.close()
  })

  // Two Hyperswarm peers on the local testnet, met on a fresh topic.
  async function connectedPair(): Promise<[SwarmConnection, SwarmConnection]> {
    const topic = randomBytes(32)
    const swarms = [0, 1].map(() => new Hyperswarm({ dht: new DHT({ bootstrap: env.bootstrap, host: '127.0.0.1', firewalled: false }) }))
    for (const swarm of swarms) env.defer(() => swarm.destroy())
    const conns = swarms.map(
      (swarm) =>
        new Promise<SwarmConnection>((resolve) =>
          swarm.once('connection', (conn: SwarmConnection) => {
            conn.on('error', () => {})
            resolve(conn)
          })
        )
    )
    await swarms[0]!.join(topic, { server: true, client: false }).flushed()
    swarms[1]!.join(topic, { server: false, client: true })
    const [a, b] = await Promise.all(conns)
    return [a!, b!]
  }

  function topicKeys(): TopicKeys {
    return { id: 'topic', topic: randomBytes(32), auth: randomBytes(32), encryption: randomBytes(32), channel: randomBytes(32) }
  }

  function handlers(overrides: Partial<ChunkChannelHandlers> = {}): ChunkChannelHandlers {
    return { serve: async () => null, onrefused: () => {}, onclose: () => {}, ...overrides }
  }

  test('on a fast lane a member proves the keyphrase in the open; a device that cannot is refused and served nothing', async () => {
    const chunk = randomBytes(64 * 1024)
    const serve = async () => chunk
    const keys = topicKeys()
    const [a, b] = await connectedPair()
    const server = new ChunkChannel(a, keys, handlers({ serve }), { lane: true })
    const client = new ChunkChannel(b, keys, handlers(), { lane: true })
    await until(() => client.usable && server.usable)
    expect((await client.request('folder1', refOf(chunk)))?.equals(chunk)).toBe(true)
    a.destroy()

    const [c, d] = await connectedPair()
    const refusals: string[] = []
    const victim = new ChunkChannel(c, keys, handlers({ serve, onrefused: (reason) => refusals.push(reason) }), { lane: true })
    // Same channel id (as if it had guessed it), wrong auth key: it knows the id, not the keyphrase.
    const impostor = new ChunkChannel(d, { ...keys, auth: randomBytes(32) }, handlers(), { lane: true })
    await until(() => refusals.length > 0)
    expect(refusals).toEqual(['its membership proof on the direct connection is wrong'])
    expect(victim.usable).toBe(false)
    expect(await impostor.request('folder1', refOf(chunk))).toBeNull()
    expect(victim.bytesSent).toBe(0)
    c.destroy()
  })

  test('a served chunk arrives, verified by size; a missing one answers null', async () => {
    const [a, b] = await connectedPair()
    const keys = topicKeys()
    const chunk = randomBytes(256 * 1024)
    const asked: string[] = []
    const server = new ChunkChannel(a, keys, handlers({
      serve: async (topic, folder, ref) => {
        asked.push(`${topic}/${folder}${ref.path}`)
        return ref.hash.equals(refOf(chunk).hash) ? chunk : null
      }
    }))
    const client = new ChunkChannel(b, keys, handlers())
    await until(() => client.usable && server.usable)
    const got = await client.request('folder1', refOf(chunk, '/a.bin'))
    expect(got?.equals(chunk)).toBe(true)
    expect(await client.request('folder1', refOf(randomBytes(100), '/b.bin'))).toBeNull()
    expect(asked).toEqual(['topic/folder1/a.bin', 'topic/folder1/b.bin'])
    expect(client.bytesReceived).toBe(chunk.byteLength)
    expect(server.bytesSent).toBe(chunk.byteLength)
    // Both ends ask: the server side can fetch from the client too.
    expect(await server.request('folder1', refOf(chunk))).toBeNull()
    a.destroy()
  })

  test('a malformed frame drops the connection with one reason; requests in flight answer null', async () => {
    const [victimConn, attackerConn] = await connectedPair()
    const keys = topicKeys()
    const reasons: string[] = []
    const victim = new ChunkChannel(victimConn, keys, handlers({
      onrefused: (reason) => {
        reasons.push(reason)
        victimConn.destroy() // as the node does
      }
    }))
    // The attacker speaks the protocol by hand, and never answers.
    const channel = Protomux.from(attackerConn).createChannel<null>({ protocol: 'hyperfold/chunks/v1', id: keys.channel })!
    const request = channel.addMessage({ encoding: raw })
    channel.addMessage({ encoding: raw })
    channel.addMessage({ encoding: raw })
    channel.open()
    await until(() => victim.usable)
    const inFlight = victim.request('folder1', refOf(randomBytes(10)))
    const closed = new Promise<void>((resolve) => victimConn.once('close', () => resolve()))
    request.send(Buffer.from([1, 200, 0x41]))
    await closed
    expect(await inFlight).toBeNull()
    expect(reasons).toHaveLength(1)
    expect(reasons[0]).toMatch(/^it sent a malformed chunk request/)
    expect(victim.usable).toBe(false)
    expect(await victim.request('folder1', refOf(randomBytes(10)))).toBeNull()
  })

  test('an answer of the wrong size is a lie: the connection is dropped', async () => {
    const [victimConn, attackerConn] = await connectedPair()
    const keys = topicKeys()
    const reasons: string[] = []
    const victim = new ChunkChannel(victimConn, keys, handlers({ onrefused: (reason) => (reasons.push(reason), victimConn.destroy()) }))
    // The attacker answers every request with three bytes, whatever was asked.
    const channel = Protomux.from(attackerConn).createChannel<null>({ protocol: 'hyperfold/chunks/v1', id: keys.channel })!
    const answers: { send(bytes: Buffer): boolean }[] = []
    channel.addMessage({
      encoding: raw,
      onmessage: (bytes) => {
        const asked = decodeRequest(bytes)
        if (asked.ok) answers[0]!.send(encodeData({ id: asked.value.id, bytes: Buffer.from('abc') }))
      }
    })
    answers.push(channel.addMessage({ encoding: raw }))
    channel.addMessage({ encoding: raw })
    channel.open()
    await until(() => victim.usable)
    expect(await victim.request('f', refOf(randomBytes(64)))).toBeNull()
    await until(() => victimConn.destroyed)
    expect(reasons).toEqual(['it sent 3 bytes for a chunk of 64'])
    expect(victim.bytesReceived).toBe(0)
  })

  test('two nodes on a topic each get a chunk source for the other once membership is proven', async () => {
    const [alice, bob] = await Promise.all([env.startNode(), env.startNode()])
    const joined = nextEvent(alice, 'peer.joined')
    const topic = await alice.createTopic('fam')
    await bob.joinTopic(topic.keyphrase!)
    await joined
    const sourcesOf = (node: HyperfoldNode) =>
      (node as unknown as { chunkSources(topicId: string): ChunkSource[] }).chunkSources(topic.id)
    await until(() => sourcesOf(alice).length === 1 && sourcesOf(bob).length === 1)
    expect(sourcesOf(alice)[0]!.name).toBe(bob.status().device.id)
    // No folder with that id on that topic: the answer is "missing", and the connection stays.
    expect(await sourcesOf(alice)[0]!.request('nosuchfolder', refOf(randomBytes(10)))).toBeNull()
    expect(alice.listPeers()).toHaveLength(1)
  })
})

async function until(done: () => boolean): Promise<void> {
  while (!done()) await new Promise((resolve) => setTimeout(resolve, 10))
}
