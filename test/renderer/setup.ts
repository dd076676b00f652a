// Commands here run Argon2 and DHT announces on a busy 2-core machine: give the
// queries that wait for what they cause the time the integration tests allow.
import { configure } from '@testing-library/svelte'

configure({ asyncUtilTimeout: 20_000 })
