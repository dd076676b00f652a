// The app's own page is the only one allowed to drive the node: the built
// renderer's index.html, loaded from disk.
import path from 'path'
import { pathToFileURL } from 'url'

export function appEntry(rendererDir: string): string {
  return pathToFileURL(path.join(rendererDir, 'index.html')).href
}

export function isAppUrl(candidate: string, entry: string): boolean {
  let url: URL
  try {
    url = new URL(candidate)
  } catch {
    return false
  }
  // Every file URL shares the origin "null", so a file page is ours only if it is our index.html.
  return url.protocol === 'file:' && url.pathname === new URL(entry).pathname
}
