// How a shared folder is set up on this device; kept in the node's state file.
import { z } from 'zod'
import { FOLDER_MODES, FOLDER_RETENTIONS } from '../../../contract/types'
import { DEFAULT_HISTORY } from './retention'

export const FolderHistory = z.object({ retention: z.enum(FOLDER_RETENTIONS), own: z.boolean() })

export const FolderConfig = z.object({
  id: z.string().regex(/^[a-z0-9]{16,64}$/),
  name: z.string(),
  topic: z.string(),
  path: z.string().nullable(),
  mode: z.enum(FOLDER_MODES),
  paused: z.boolean(),
  writers: z.array(z.string().regex(/^[0-9a-f]{64}$/)),
  // State files written before folders had a history setting load with the default.
  history: FolderHistory.default(() => ({ ...DEFAULT_HISTORY }))
})

export type FolderHistory = z.infer<typeof FolderHistory>
export type FolderConfig = z.infer<typeof FolderConfig>
