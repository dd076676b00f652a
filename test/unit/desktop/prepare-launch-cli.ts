// The launcher's first step against a given electron package dir, as a
// process of its own: @electron/get reads its mirror and cache from the
// process environment, so each test gets a fresh one.
import { prepareLaunch } from '../../../main/electron/prepare-launch'

const check = await prepareLaunch(process.argv[2] ?? null, process.platform, process.env, process.stderr)
if (check.ok) process.stdout.write(`${check.electron}\n`)
else process.stderr.write(`${check.reason}\n`)
process.exitCode = check.ok ? 0 : 1
