// Runs in the sandboxed renderer before the page: exposes the typed API and
// nothing else (no ipcRenderer, no Node) to the page's world.
import { contextBridge, ipcRenderer } from 'electron'
import { buildBridge } from './bridge'

contextBridge.exposeInMainWorld('hyperfold', buildBridge(ipcRenderer))
