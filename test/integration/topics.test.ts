import { afterEach, beforeEach, describe, expect, test } from 'vitest'
import { TestEnv, nextEvent } from '../helpers/env'

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
    expect(a.listPeers().map((p) => p.name)).toEqual(['desktop'])
    expect(c.listPeers()).toEqual([])
  })
})
