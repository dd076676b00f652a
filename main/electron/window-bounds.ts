// The window opens where the user left it, at the size they left it, unless
// that place is no longer on any screen (a monitor unplugged): then centred.
import { z } from 'zod'
import { readFileIfExists, writeFileAtomic } from '../core/atomic-file'
import { safeJson } from '../core/safe-json'

export interface Rect {
  x: number
  y: number
  width: number
  height: number
}

const Saved = z.object({ x: z.number().int(), y: z.number().int(), width: z.number().int().min(1), height: z.number().int().min(1), maximized: z.boolean() })
export type SavedBounds = z.infer<typeof Saved>

// Enough of the title bar must be on a screen to grab it.
const GRAB = 48

export function restoreBounds(saved: SavedBounds | null, workAreas: readonly Rect[], min: { width: number; height: number }): (Rect & { maximized: boolean }) | null {
  if (saved === null) return null
  const width = Math.max(saved.width, min.width)
  const height = Math.max(saved.height, min.height)
  const visible = workAreas.some(
    (area) => saved.x + width - GRAB >= area.x && saved.x + GRAB <= area.x + area.width && saved.y >= area.y && saved.y + GRAB <= area.y + area.height
  )
  if (!visible) return null
  return { x: saved.x, y: saved.y, width, height, maximized: saved.maximized }
}

export async function loadBounds(file: string): Promise<SavedBounds | null> {
  const text = await readFileIfExists(file)
  const parsed = Saved.safeParse(text === null ? undefined : safeJson(text))
  return parsed.success ? parsed.data : null
}

export async function saveBounds(file: string, bounds: SavedBounds): Promise<void> {
  await writeFileAtomic(file, JSON.stringify(bounds) + '\n')
}
