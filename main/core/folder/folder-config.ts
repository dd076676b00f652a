// How a shared folder is set up on this device; kept in the node's state file.
import { z } from 'zod'
import { FOLDER_MODES, FOLDER_RETENTIONS } from '../../../contract/types'
import { DEFAULT_HISTORY } from './retention'
import { EVERYTHING } from './selection'

export const FolderHistory = z.object({ retention: z.enum(FOLDER_RETENTIONS), own: z.boolean() })

const FolderPaths = z.array(z.string().startsWith('/')).max(1000)
export const FolderSelection = z.object({ everything: z.boolean(), only: FolderPaths, except: FolderPaths })

export const FolderConfig = z.object({
  id: z.string().regex(/^[a-z0-9]{16,64}$/),
  name: z.string(),
  topic: z.string(),
  path: z.string().nullable(),
  mode: z.enum(FOLDER_MODES),
  paused: z.boolean(),
  writers: z.array(z.string().regex(/^[0-9a-f]{64}$/)),
  // State files written before folders had a history setting load with the default.
  history: FolderHistory.default(() => ({ ...DEFAULT_HISTORY })),
  // What this device keeps on its disk (see selection); this device's alone, never sent to peers.
  selection: FolderSelection.default(() => ({ ...EVERYTHING }))
})

export type FolderHistory = z.infer<typeof FolderHistory>
export type FolderConfig = z.infer<typeof FolderConfig>
