// An electron package as npm leaves it (package.json, install.js, checksums,
// no binary) in a temp dir, and a loopback mirror that serves, refuses or is
// closed. The real node_modules/electron and the user's download cache are
// never touched, and nothing leaves 127.0.0.1.
import crypto from 'crypto'
import fs from 'fs/promises'
import http from 'http'
import net from 'net'
import os from 'os'
import path from 'path'
import zlib from 'zlib'
import { execFile } from 'child_process'

export const ROOT = path.resolve(import.meta.dirname, '../../..')
const REAL = path.join(ROOT, 'node_modules', 'electron')
const TSX = path.join(ROOT, 'node_modules/tsx/dist/cli.mjs')

export const BINARY = process.platform === 'win32' ? 'electron.exe' : process.platform === 'darwin' ? 'Electron.app/Contents/MacOS/Electron' : 'electron'

export async function electronVersion(): Promise<string> {
  return (JSON.parse(await fs.readFile(path.join(REAL, 'package.json'), 'utf8')) as { version: string }).version
}

export function zipName(version: string): string {
  return `electron-v${version}-${process.platform}-${process.arch}.zip`
}

// tmp/electron is the package; tmp/node_modules lets its install.js find @electron/get and the unzipper.
export async function fakeElectronPackage(zip: Buffer | null): Promise<{ root: string; packageDir: string; cache: string }> {
  const root = await fs.mkdtemp(path.join(os.tmpdir(), 'hf-electron-'))
  const packageDir = path.join(root, 'electron')
  await fs.mkdir(packageDir)
  await fs.symlink(path.join(ROOT, 'node_modules'), path.join(root, 'node_modules'), 'junction')
  for (const file of ['package.json', 'install.js']) await fs.copyFile(path.join(REAL, file), path.join(packageDir, file))
  const checksums = zip === null ? {} : { [zipName(await electronVersion())]: crypto.createHash('sha256').update(zip).digest('hex') }
  await fs.writeFile(path.join(packageDir, 'checksums.json'), JSON.stringify(checksums))
  const cache = path.join(root, 'cache')
  return { root, packageDir, cache }
}

// The environment a test runs the launcher in: no electron setting of this machine or of npm leaks in.
export function cleanEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {}
  for (const [key, value] of Object.entries(process.env)) if (!/electron/i.test(key)) env[key] = value
  return { ...env, ELECTRON_GET_NO_PROGRESS: '1', ...extra }
}

export interface Run {
  code: number | null
  stdout: string
  stderr: string
}

export function runTs(script: string, args: string[], env: NodeJS.ProcessEnv): Promise<Run> {
  return new Promise((resolve) => {
    execFile(process.execPath, [TSX, script, ...args], { env, timeout: 30_000 }, (err, stdout, stderr) =>
      resolve({ code: err === null ? 0 : typeof err.code === 'number' ? err.code : null, stdout, stderr })
    )
  })
}

export async function closedPort(): Promise<number> {
  const server = net.createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as net.AddressInfo
  await new Promise<void>((resolve) => server.close(() => resolve()))
  return port
}

// A mirror on loopback: serves `files` by name, answers 403 to everything else, and records what was asked.
export async function loopbackMirror(files: Record<string, Buffer>): Promise<{ url: string; requests: string[]; close(): Promise<void> }> {
  const requests: string[] = []
  const server = http.createServer((req, res) => {
    requests.push(req.url ?? '')
    const body = files[path.basename(req.url ?? '')]
    if (body === undefined) {
      res.writeHead(403).end()
      return
    }
    res.writeHead(200, { 'content-length': body.length }).end(body)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as net.AddressInfo
  return {
    url: `http://127.0.0.1:${port}/`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      })
  }
}

// A zip with stored (uncompressed) entries, made here so the test needs no zip tool.
export function storedZip(entries: Record<string, string>): Buffer {
  const locals: Buffer[] = []
  const centrals: Buffer[] = []
  let offset = 0
  for (const [name, text] of Object.entries(entries)) {
    const data = Buffer.from(text)
    const nameBytes = Buffer.from(name)
    const crc = zlib.crc32(data)
    const local = Buffer.alloc(30)
    local.writeUInt32LE(0x04034b50, 0)
    local.writeUInt16LE(20, 4)
    local.writeUInt32LE(crc, 14)
    local.writeUInt32LE(data.length, 18)
    local.writeUInt32LE(data.length, 22)
    local.writeUInt16LE(nameBytes.length, 26)
    const central = Buffer.alloc(46)
    central.writeUInt32LE(0x02014b50, 0)
    central.writeUInt16LE((3 << 8) | 20, 4) // made on Unix, so the mode below counts
    central.writeUInt16LE(20, 6)
    central.writeUInt32LE(crc, 16)
    central.writeUInt32LE(data.length, 20)
    central.writeUInt32LE(data.length, 24)
    central.writeUInt16LE(nameBytes.length, 28)
    central.writeUInt32LE((0o100755 << 16) >>> 0, 38)
    central.writeUInt32LE(offset, 42)
    locals.push(local, nameBytes, data)
    centrals.push(central, nameBytes)
    offset += local.length + nameBytes.length + data.length
  }
  const centralSize = centrals.reduce((sum, part) => sum + part.length, 0)
  const end = Buffer.alloc(22)
  end.writeUInt32LE(0x06054b50, 0)
  end.writeUInt16LE(Object.keys(entries).length, 8)
  end.writeUInt16LE(Object.keys(entries).length, 10)
  end.writeUInt32LE(centralSize, 12)
  end.writeUInt32LE(offset, 16)
  return Buffer.concat([...locals, ...centrals, end])
}
