// What a file is, by its name's extension: the Content-Type the file route
// serves it with, and how the UI previews it. Text of every kind (HTML, SVG
// source, scripts included) is served as text/plain, so nothing in a file is
// ever run as a page of this origin.

export type PreviewKind = 'image' | 'video' | 'audio' | 'text' | 'pdf'

export interface MediaType {
  type: string
  preview: PreviewKind | null // null: no preview, a download
}

const TEXT = 'text/plain; charset=utf-8'
const OCTETS: MediaType = { type: 'application/octet-stream', preview: null }

const BY_EXTENSION: Record<string, MediaType> = {
  ...each(['png'], 'image/png', 'image'),
  ...each(['jpg', 'jpeg'], 'image/jpeg', 'image'),
  ...each(['gif'], 'image/gif', 'image'),
  ...each(['webp'], 'image/webp', 'image'),
  ...each(['avif'], 'image/avif', 'image'),
  ...each(['bmp'], 'image/bmp', 'image'),
  ...each(['ico'], 'image/x-icon', 'image'),
  // An SVG may hold scripts: shown through <img> only (which runs none), served under a sandbox.
  ...each(['svg'], 'image/svg+xml', 'image'),
  ...each(['mp4', 'm4v'], 'video/mp4', 'video'),
  ...each(['webm'], 'video/webm', 'video'),
  ...each(['ogv'], 'video/ogg', 'video'),
  ...each(['mov'], 'video/quicktime', 'video'),
  ...each(['mp3'], 'audio/mpeg', 'audio'),
  ...each(['m4a', 'aac'], 'audio/mp4', 'audio'),
  ...each(['ogg', 'oga', 'opus'], 'audio/ogg', 'audio'),
  ...each(['wav'], 'audio/wav', 'audio'),
  ...each(['flac'], 'audio/flac', 'audio'),
  ...each(['pdf'], 'application/pdf', 'pdf'),
  ...each(
    [
      ...['txt', 'md', 'markdown', 'rst', 'log', 'csv', 'tsv', 'json', 'jsonl', 'yaml', 'yml', 'toml', 'ini', 'cfg', 'conf', 'env', 'xml'],
      ...['html', 'htm', 'xhtml', 'css', 'scss', 'js', 'mjs', 'cjs', 'jsx', 'ts', 'tsx', 'svelte', 'vue'],
      ...['c', 'h', 'cc', 'cpp', 'hpp', 'cs', 'go', 'rs', 'py', 'rb', 'java', 'kt', 'swift', 'php', 'pl', 'lua', 'r', 'sql'],
      ...['sh', 'bash', 'zsh', 'fish', 'ps1', 'bat', 'diff', 'patch', 'tex', 'srt', 'vtt']
    ],
    TEXT,
    'text'
  )
}

// Names with no extension that are text all the same.
const TEXT_NAMES = new Set(['readme', 'license', 'makefile', 'dockerfile', 'changelog', '.gitignore', '.hyperfoldignore'])

export function mediaOf(name: string): MediaType {
  const base = name.slice(name.lastIndexOf('/') + 1).toLowerCase()
  if (TEXT_NAMES.has(base)) return { type: TEXT, preview: 'text' }
  const dot = base.lastIndexOf('.')
  return dot <= 0 ? OCTETS : (BY_EXTENSION[base.slice(dot + 1)] ?? OCTETS)
}

function each(extensions: string[], type: string, preview: PreviewKind): Record<string, MediaType> {
  return Object.fromEntries(extensions.map((ext) => [ext, { type, preview }]))
}
