// How a long-running command (serve, testnet, demo) learns it is to stop.

// Listens from the call on, so call it before anything is announced: whoever
// reads the ready line may signal at once, and a signal that finds no handler
// ends the process on the spot, with no goodbye to peers and no clean close.
export function untilSignal(): Promise<void> {
  return new Promise<void>((resolve) => {
    process.once('SIGINT', () => resolve())
    process.once('SIGTERM', () => resolve())
  })
}
