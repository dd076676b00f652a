// The start of a file as text, through the file route (the desktop app's file scheme or HTTP): one
// range request, decoded as UTF-8.

export interface FileText {
  text: string
  // The file is longer than what was read.
  cut: boolean
}

export async function loadText(url: string, bytes: number, signal?: AbortSignal): Promise<FileText> {
  const res = await fetch(url, { headers: { range: `bytes=0-${bytes - 1}` }, signal })
  if (res.status === 416) return { text: '', cut: false } // an empty file
  if (!res.ok) throw new Error(((await res.json().catch(() => null)) as { error?: { message?: string } } | null)?.error?.message ?? `HTTP ${res.status}`)
  const total = Number(res.headers.get('content-range')?.split('/')[1] ?? 0)
  return { text: new TextDecoder('utf-8').decode(await res.arrayBuffer()), cut: total > bytes }
}
