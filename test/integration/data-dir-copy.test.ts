// A data dir copied without its file attributes (a backup restored with cp):
// the store refuses to open it, and the node says what to do in one line.
import fs from 'fs/promises'
import path from 'path'
import { afterEach, beforeEach, expect, test } from 'vitest'
import { TestEnv } from '../helpers/env'

let env: TestEnv
beforeEach(async () => {
  env = await TestEnv.create()
})
afterEach(async () => {
  await env.close()
})

test('a copied data dir is refused in one line that names the file to delete, and nothing in it is touched', async () => {
  const original = await env.tmpDir()
  const node = await env.startNode({ dataDir: original })
  await node.createTopic('family')
  await node.close()
  const copy = path.join(await env.tmpDir(), 'copy')
  await fs.cp(original, copy, { recursive: true })
  const before = await fs.readdir(path.join(copy, 'corestore'))

  const error = await env.startNode({ dataDir: copy }).catch((err: unknown) => err)
  expect(error).toMatchObject({ code: 'DATA_DIR_DAMAGED' })
  const message = (error as Error).message
  expect(message).toContain(path.join(copy, 'corestore', 'CORESTORE'))
  expect(message).not.toContain('\n')
  expect(await fs.readdir(path.join(copy, 'corestore'))).toEqual(before)
})
