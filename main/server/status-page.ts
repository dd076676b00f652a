// The page at / when no renderer build is present: what this node is, in plain HTML.
import type { Outcome } from '../api/dispatch'
import type { NodeStatus } from '../../contract'

export function statusPage(outcome: Outcome): string {
  const rows = outcome.ok ? describe(outcome.result as NodeStatus) : [['error', outcome.error.message]]
  const body = rows.map(([k, v]) => `<tr><th>${escape(k!)}</th><td>${escape(v!)}</td></tr>`).join('')
  return `<!doctype html><meta charset="utf-8"><title>Hyperfold</title><h1>Hyperfold</h1><table>${body}</table>`
}

function describe(status: NodeStatus): string[][] {
  return [
    ['device', `${status.device.name} (${status.device.id})`],
    ['network', status.network === 'public' ? 'public DHT' : `local: ${status.bootstrap.join(', ')}`],
    ['topics', String(status.topics)],
    ['peers', String(status.peers)],
    ['version', status.version]
  ]
}

function escape(text: string): string {
  return text.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`)
}
