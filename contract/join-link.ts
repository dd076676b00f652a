// A join link carries a keyphrase (and the label its sender chose) in one
// thing to click or paste: `hyperfold://join?k=<keyphrase>&label=<label>`, or
// the same as a plain code, `hf1-<base64url>`, for chats that mangle links.
// Shared by the UI (join dialog, keyphrase reveal), the desktop shell (the OS
// hands it the link) and the CLI (`topic create` prints it).
import { HyperfoldError } from './errors'
import { showInput } from './text'

export const JOIN_SCHEME = 'hyperfold'
const LINK_PREFIX = `${JOIN_SCHEME}://join`
const CODE_PREFIX = 'hf1-'
// The node's own limits: a longer keyphrase or label would be refused when joining anyway.
const KEYPHRASE_MAX = 512
const LABEL_MAX = 64

export interface JoinLink {
  keyphrase: string
  label?: string
}

export function formatJoinLink(link: JoinLink): string {
  return `${LINK_PREFIX}?${query(link)}`
}

export function formatJoinCode(link: JoinLink): string {
  return CODE_PREFIX + Buffer64.encode(query(link))
}

// Whether text is meant as a link or code (then parseJoinLink says what is wrong with it), not a keyphrase.
export function looksLikeJoinLink(text: string): boolean {
  const trimmed = text.trim().toLowerCase()
  return trimmed.startsWith(`${JOIN_SCHEME}:`) || trimmed.startsWith(CODE_PREFIX)
}

export function parseJoinLink(text: string): JoinLink {
  const trimmed = text.trim()
  if (trimmed.toLowerCase().startsWith(CODE_PREFIX)) return fromQuery(decodeCode(trimmed.slice(CODE_PREFIX.length)))
  let url: URL
  try {
    url = new URL(trimmed)
  } catch {
    throw bad(`"${showInput(trimmed)}" is not a join link: it starts with ${LINK_PREFIX}? or ${CODE_PREFIX}.`)
  }
  if (url.protocol !== `${JOIN_SCHEME}:`) throw bad(`A join link starts with ${JOIN_SCHEME}://, not ${showInput(url.protocol)}//.`)
  // hyperfold://join?… puts "join" in the host; hyperfold:join?… (how some systems hand it over) in the path.
  const action = url.host !== '' ? url.host : url.pathname.replace(/^\/+/, '')
  if (action.toLowerCase() !== 'join') throw bad(`This Hyperfold link asks for "${showInput(action)}", and only join links exist.`)
  return fromQuery(url.search.slice(1))
}

function query(link: JoinLink): string {
  const label = link.label === undefined ? '' : `&label=${encodeURIComponent(link.label)}`
  return `k=${encodeURIComponent(link.keyphrase)}${label}`
}

function fromQuery(search: string): JoinLink {
  let params: URLSearchParams
  try {
    // Decoded with decodeURIComponent, not URLSearchParams' own: a '+' in a keyphrase must stay a '+'.
    params = new URLSearchParams()
    for (const pair of search.split('&').filter((part) => part !== '')) {
      const at = pair.indexOf('=')
      const key = at < 0 ? pair : pair.slice(0, at)
      params.append(decodeURIComponent(key), at < 0 ? '' : decodeURIComponent(pair.slice(at + 1)))
    }
  } catch {
    throw bad('This join link is damaged (a broken %-escape): ask for it again.')
  }
  const keyphrases = params.getAll('k')
  if (keyphrases.length === 0) throw bad('This join link carries no keyphrase (no k=…): ask for it again.')
  if (keyphrases.length > 1) throw bad('This join link carries two keyphrases: ask for it again.')
  const keyphrase = keyphrases[0]!
  if (keyphrase.trim() === '') throw bad('The keyphrase in this join link is empty.')
  if (keyphrase.length > KEYPHRASE_MAX) throw bad(`The keyphrase in this join link is longer than ${KEYPHRASE_MAX} characters.`)
  const label = params.get('label')?.trim()
  if (label === undefined || label === '') return { keyphrase }
  if (label.length > LABEL_MAX) throw bad(`The label in this join link is longer than ${LABEL_MAX} characters.`)
  return { keyphrase, label }
}

function decodeCode(body: string): string {
  if (!/^[A-Za-z0-9_-]+$/.test(body)) throw bad('This join code is damaged (characters that are not part of a code): copy it again.')
  const text = Buffer64.decode(body)
  if (text === null) throw bad('This join code is damaged (it is not valid text): copy it again.')
  return text
}

function bad(message: string): HyperfoldError {
  return new HyperfoldError('BAD_INPUT', message)
}

// base64url over UTF-8 without Node's Buffer, so the page can use this module too.
const Buffer64 = {
  encode(text: string): string {
    let binary = ''
    for (const byte of new TextEncoder().encode(text)) binary += String.fromCharCode(byte)
    return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '')
  },
  decode(body: string): string | null {
    try {
      const binary = atob(body.replace(/-/g, '+').replace(/_/g, '/'))
      return new TextDecoder('utf-8', { fatal: true }).decode(Uint8Array.from(binary, (ch) => ch.charCodeAt(0)))
    } catch {
      return null
    }
  }
}
