// Where the node finds the DHT: the public Hyperswarm network, or a list of
// bootstrap nodes (a local testnet, an offline LAN).
import { HyperfoldError } from '../../contract/errors'

export interface BootstrapNode {
  host: string
  port: number
}

export type Bootstrap = BootstrapNode[] | 'public'

export function parseBootstrap(text: string): BootstrapNode[] {
  const nodes = text
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part !== '')
    .map(parseOne)
  if (nodes.length === 0) throw badBootstrap(text, 'it names no address')
  return nodes
}

export function formatBootstrap(bootstrap: Bootstrap): string[] {
  return bootstrap === 'public' ? [] : bootstrap.map((node) => `${node.host}:${node.port}`)
}

export function isLoopbackOnly(bootstrap: Bootstrap): boolean {
  return bootstrap !== 'public' && bootstrap.every((node) => node.host === 'localhost' || node.host.startsWith('127.'))
}

function parseOne(part: string): BootstrapNode {
  const match = /^([a-zA-Z0-9.-]+|\[[0-9a-fA-F:]+\]):(\d{1,5})$/.exec(part)
  const port = Number(match?.[2])
  if (match === null || port < 1 || port > 65535) throw badBootstrap(part, 'expected host:port, e.g. 127.0.0.1:49737')
  return { host: match[1]!.replace(/^\[|\]$/g, ''), port }
}

function badBootstrap(text: string, why: string): HyperfoldError {
  return new HyperfoldError('BAD_BOOTSTRAP', `Bad bootstrap address "${text.slice(0, 100)}": ${why}.`)
}
