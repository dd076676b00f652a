import fs from 'fs/promises'
import os from 'os'
import path from 'path'
import { expect, test } from 'vitest'
import { loadBounds, restoreBounds, saveBounds } from '../../../main/electron/window-bounds'

const SCREEN = { x: 0, y: 0, width: 1920, height: 1040 }
const MIN = { width: 720, height: 480 }

test('the window opens where it was left, unless that place is off every screen now', async () => {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'hf-bounds-'))
  try {
    const file = path.join(dir, 'window.json')
    expect(await loadBounds(file)).toBeNull()
    await saveBounds(file, { x: 100, y: 80, width: 900, height: 600, maximized: false })
    const saved = await loadBounds(file)
    expect(restoreBounds(saved, [SCREEN], MIN)).toEqual({ x: 100, y: 80, width: 900, height: 600, maximized: false })
    // A second monitor, now unplugged: centred at the default size instead.
    expect(restoreBounds({ ...saved!, x: 2500 }, [SCREEN], MIN)).toBeNull()
    expect(restoreBounds({ ...saved!, x: 2500 }, [SCREEN, { x: 1920, y: 0, width: 1920, height: 1080 }], MIN)).not.toBeNull()
    expect(restoreBounds({ ...saved!, width: 100, height: 50 }, [SCREEN], MIN)).toMatchObject({ width: 720, height: 480 })
    await fs.writeFile(file, '{"x": "left"}')
    expect(await loadBounds(file)).toBeNull()
  } finally {
    await fs.rm(dir, { recursive: true, force: true })
  }
})
