// Serves the built renderer. Paths are resolved inside the build dir only.
import fs from 'fs/promises'
import path from 'path'
import type { ServerResponse } from 'http'
import { errors } from '../../contract/errors'

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.json': 'application/json'
}

// The page's own meta policy, plus what only a header can say (frame-ancestors).
const CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  // Previews of a folder's files: <video>/<audio> and a PDF's frame, from this node's file route only.
  "media-src 'self'",
  "frame-src 'self'",
  "connect-src 'self' ws://127.0.0.1:* ws://localhost:*",
  "base-uri 'none'",
  "form-action 'none'",
  "object-src 'none'",
  "frame-ancestors 'none'"
].join('; ')

function decodePath(urlPath: string): string {
  try {
    return decodeURIComponent(urlPath)
  } catch {
    throw errors.badInput('The address has a malformed %-escape.')
  }
}

export async function serveStatic(root: string, urlPath: string, res: ServerResponse): Promise<boolean> {
  const relative = urlPath === '/' ? 'index.html' : decodePath(urlPath).replace(/^\/+/, '')
  const file = path.resolve(root, relative)
  if (!file.startsWith(path.resolve(root) + path.sep)) return false
  let body: Buffer
  try {
    body = await fs.readFile(file)
  } catch {
    return false
  }
  res.writeHead(200, {
    'content-type': TYPES[path.extname(file)] ?? 'application/octet-stream',
    'cache-control': 'no-cache',
    'x-content-type-options': 'nosniff',
    // The page may talk to this node only; no frame may embed it.
    'content-security-policy': CSP
  })
  res.end(body)
  return true
}
