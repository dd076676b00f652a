// The fast lane: members that can reach each other over TCP move file bytes
// on a direct connection (the peers view says "tcp"), whichever of the two
// can be reached; members that cannot still sync everything over Hyperswarm;
// a lane that drops or goes silent is dialed again; a device without the
// keyphrase that dials the lane is refused before anything but its handshake is read.
import fs from 'fs/promises'
import net from 'net'
import path from 'path'
import { createHash, randomBytes } from 'crypto'
import { setTimeout as sleep } from 'timers/promises'
import NoiseSecretStream from '@hyperswarm/secret-stream'
import { afterEach, beforeEach, describe, expect, test } from 'vitest'
import { waitUntil } from '../helpers/cli'
import { TestEnv, nextEvent } from '../helpers/env'
import { joinedNodes, waitOffered } from '../helpers/folders'
import type { HyperfoldNode } from '../../main/core/node'
import type { Peer } from '../../contract/types'

const MiB = 1 << 20

function sha(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex')
}

function peerOf(node: HyperfoldNode, other: HyperfoldNode): Peer | undefined {
  return node.listPeers().find((p) => p.deviceId === other.status().device.id)
}

async function syncOneFile(env: TestEnv, a: HyperfoldNode, b: HyperfoldNode, bytes: Buffer): Promise<string> {
  const [rootA, rootB] = [await env.tmpDir(), await env.tmpDir()]
  await fs.writeFile(path.join(rootA, 'video.bin'), bytes)
  await a.folders.share({ path: rootA, topic: 'family', name: 'Videos' })
  await waitOffered(b, 'Videos')
  await b.folders.sync({ folder: 'Videos', path: rootB })
  await b.folders.waitSynced('Videos', 90_000)
  return sha(await fs.readFile(path.join(rootB, 'video.bin')))
}

// A port that refuses: bound, then let go.
async function refusingPort(): Promise<number> {
  const server = net.createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as net.AddressInfo
  await new Promise<void>((resolve) => server.close(() => resolve()))
  return port
}

describe('fast lane', () => {
  let env: TestEnv
  beforeEach(async () => {
    env = await TestEnv.create()
  })
  afterEach(async () => {
    await env.close()
  })

  test('two members that reach each other over TCP move the bytes on it, and the peers view says so', async () => {
    const { nodes } = await joinedNodes(env, 2)
    const [a, b] = nodes as [HyperfoldNode, HyperfoldNode]
    await waitUntil(async () => (peerOf(a, b)?.lane === 'tcp' && peerOf(b, a)?.lane === 'tcp') || undefined, 'the lane on both sides')
    const bytes = randomBytes(8 * MiB)
    expect(await syncOneFile(env, a, b, bytes)).toBe(sha(bytes))
    expect(peerOf(b, a)?.lane).toBe('tcp')
    expect(peerOf(b, a)!.bytesIn).toBeGreaterThan(8 * MiB)
    expect(swarmBytesIn(b)).toBeLessThan(2 * MiB) // the file's bytes took the lane, not Hyperswarm
  })

  test('two members whose TCP addresses refuse still sync byte for byte over Hyperswarm', async () => {
    const announce = [{ host: '127.0.0.1', port: await refusingPort() }]
    const { nodes } = await joinedNodes(env, 2, { fastLane: { announce } })
    const [a, b] = nodes as [HyperfoldNode, HyperfoldNode]
    const bytes = randomBytes(6 * MiB)
    expect(await syncOneFile(env, a, b, bytes)).toBe(sha(bytes))
    expect(peerOf(a, b)?.lane).toBe('swarm')
    expect(peerOf(b, a)?.lane).toBe('swarm')
  })

  test('a lane that drops while the peers stay connected is dialed again by both at once; both keep one, and the bytes take it', async () => {
    const { nodes, proxies } = await nodesBehindProxies(env)
    await joinTwo(nodes)
    const [a, b] = nodes
    await waitUntil(bothOnLane(a, b), 'the lane on both sides')
    await sleep(6000) // past the higher key's first wait: from now on both sides dial again at once
    const opened = proxies.map((p) => p.accepted)
    for (const proxy of proxies) proxy.cut() // as a router that forgets the connection
    await waitUntil(async () => (peerOf(b, a)?.lane === 'swarm' || undefined), 'the lane to go')
    await waitUntil(async () => (proxies.every((p, i) => p.accepted > opened[i]!) || undefined), 'both sides to dial again')
    // Two lanes opened at once: both sides keep the same one, at the first try.
    await waitUntil(async () => (proxies[0]!.open + proxies[1]!.open === 1 && (await bothOnLane(a, b)())) || undefined, 'one lane on both sides')
    expect(proxies.map((p, i) => p.accepted - opened[i]!)).toEqual([1, 1])
    const bytes = randomBytes(4 * MiB)
    expect(await syncOneFile(env, a, b, bytes)).toBe(sha(bytes))
    expect(peerOf(b, a)?.lane).toBe('tcp')
    expect(swarmBytesIn(b)).toBeLessThan(2 * MiB) // the file's bytes took the new lane
  })

  test('a lane that goes silent, with no reset, is dropped and dialed again', async () => {
    const { nodes, proxies } = await nodesBehindProxies(env)
    await joinTwo(nodes)
    const [a, b] = nodes
    await waitUntil(bothOnLane(a, b), 'the lane on both sides')
    const opened = proxies.map((p) => p.accepted)
    for (const proxy of proxies) proxy.freeze() // bytes stop in both directions; the sockets stay open
    await waitUntil(async () => (peerOf(a, b)?.lane === 'swarm' && peerOf(b, a)?.lane === 'swarm') || undefined, 'the silent lane to go', 45_000)
    await waitUntil(async () => (proxies.some((p, i) => p.accepted > opened[i]!) && (await bothOnLane(a, b)())) || undefined, 'a new lane', 30_000)
  }, 90_000)

  test('a member whose own address the other cannot reach dials the lane itself', async () => {
    const { nodes, proxies } = await nodesBehindProxies(env)
    // The lower key dials first; the higher one's address refuses it.
    const higher = Buffer.compare(keyOf(nodes[0]), keyOf(nodes[1])) > 0 ? 0 : 1
    await proxies[higher]!.close()
    await joinTwo(nodes)
    const [a, b] = nodes
    await waitUntil(bothOnLane(a, b), 'the lane on both sides')
    expect(proxies[1 - higher]!.accepted).toBeGreaterThan(0)
    const bytes = randomBytes(4 * MiB)
    expect(await syncOneFile(env, a, b, bytes)).toBe(sha(bytes))
    expect(swarmBytesIn(b)).toBeLessThan(2 * MiB) // the file's bytes took the lane
  })

  test('a device without the keyphrase that dials the lane is refused after its handshake, and hears nothing', async () => {
    const { nodes } = await joinedNodes(env, 2)
    const [a] = nodes as [HyperfoldNode]
    const [host, port] = a.status().fastLane[0]!.split(':') as [string, string]
    const refused = nextEvent(a, 'peer.refused')
    const socket = net.connect({ host, port: Number(port) })
    socket.on('error', () => undefined)
    const stranger = new NoiseSecretStream(true, socket, { remotePublicKey: keyOf(a) })
    stranger.on('error', () => undefined)
    const heard: Buffer[] = []
    stranger.on('data', (data: Buffer) => heard.push(data))
    const closed = new Promise<void>((resolve) => stranger.once('close', () => resolve()))
    expect(await stranger.opened).toBe(true) // the Noise handshake itself proves only a device key
    const event = await refused
    await closed
    expect(event.reason).toBe('it opened a direct connection without proving it knows the keyphrase')
    expect(heard).toEqual([])
  })
})

function bothOnLane(a: HyperfoldNode, b: HyperfoldNode): () => Promise<true | undefined> {
  return async () => (peerOf(a, b)?.lane === 'tcp' && peerOf(b, a)?.lane === 'tcp') || undefined
}

// Two nodes whose lanes are offered at a relay each, which the test can cut, freeze or close.
async function nodesBehindProxies(env: TestEnv): Promise<{ nodes: [HyperfoldNode, HyperfoldNode]; proxies: LaneProxy[] }> {
  const ports = [await refusingPort(), await refusingPort()] // free: nothing listens there
  const proxies = await Promise.all(ports.map((port) => laneProxy(port)))
  env.defer(() => Promise.all(proxies.map((p) => p.close())))
  const nodes = await Promise.all(ports.map((port, i) => env.startNode({ fastLane: { port, announce: [{ host: '127.0.0.1', port: proxies[i]!.port }] } })))
  return { nodes: nodes as [HyperfoldNode, HyperfoldNode], proxies }
}

async function joinTwo([a, b]: HyperfoldNode[]): Promise<void> {
  const created = await a!.createTopic('family')
  const seen = nextEvent(b!, 'peer.joined')
  await b!.joinTopic(created.keyphrase!)
  await seen
}

interface LaneProxy {
  port: number
  accepted: number
  readonly open: number // connections through it now
  cut(): void // resets every connection through it
  freeze(): void // stops every connection through it without a word
  close(): Promise<void> // and refuses new ones
}

// A TCP relay in front of a lane's port.
async function laneProxy(target: number): Promise<LaneProxy> {
  const pairs = new Set<[net.Socket, net.Socket]>()
  const server = net.createServer((client) => {
    proxy.accepted++
    const upstream = net.connect({ host: '127.0.0.1', port: target })
    const pair: [net.Socket, net.Socket] = [client, upstream]
    pairs.add(pair)
    for (const socket of pair) {
      socket.on('error', () => undefined)
      socket.once('close', () => pairs.delete(pair))
    }
    client.pipe(upstream).pipe(client)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const proxy: LaneProxy = {
    port: (server.address() as net.AddressInfo).port,
    accepted: 0,
    get open() {
      return pairs.size
    },
    cut: () => {
      for (const pair of pairs) for (const socket of pair) socket.destroy()
    },
    freeze: () => {
      for (const [client, upstream] of pairs) {
        client.unpipe(upstream)
        upstream.unpipe(client)
        client.pause()
        upstream.pause()
      }
    },
    close: async () => {
      proxy.cut()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    }
  }
  return proxy
}

// What came in on the Hyperswarm connections alone (the peers view adds the lane's bytes).
function swarmBytesIn(node: HyperfoldNode): number {
  const sessions = (node as unknown as { sessions: Map<{ rawStream: { bytesReceived: number } | null }, unknown> }).sessions
  return [...sessions.keys()].reduce((sum, conn) => sum + (conn.rawStream?.bytesReceived ?? 0), 0)
}

// The device id shows only part of the key; a stranger that dials has the whole (the DHT gives it out).
function keyOf(node: HyperfoldNode): Buffer {
  return (node as unknown as { identity: { keyPair: { publicKey: Buffer } } }).identity.keyPair.publicKey
}
