// Commands here run Argon2 and DHT announces on a busy 2-core machine: give the
// queries that wait for what they cause the time the integration tests allow.
import { configure } from '@testing-library/svelte'

configure({ asyncUtilTimeout: 20_000 })

// The page has no server behind it here: a fetch of its own address (a web
// preview reading the file route) is refused at once, never sent to whatever
// listens on the test DOM's default localhost:3000. Tests that read files
// route the desktop's file scheme to a real node (helpers/file-scheme.ts).
globalThis.fetch = async (input: RequestInfo | URL) => {
  throw new TypeError(`Failed to fetch ${input instanceof Request ? input.url : String(input)}: no server in this test`)
}
