// The desktop app's preload adds window.hyperfold; a browser page has none.
import type { HyperfoldBridge } from '../../preload/bridge'

declare global {
  interface Window {
    hyperfold?: HyperfoldBridge
  }
}

export {}
