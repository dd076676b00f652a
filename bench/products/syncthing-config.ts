// Syncthing's config.xml, made loopback-only before Syncthing ever starts:
// `syncthing generate` writes a config that announces globally and locally,
// uses relays, NAT-PMP/UPnP, STUN, usage and crash reports and upgrades.
// All of that is switched off here, it listens on tcp://127.0.0.1:<port> only,
// the GUI/REST API is on 127.0.0.1:<port> with a known key, and the other
// device is added with an explicit tcp://127.0.0.1:<port> address.
import fs from 'fs/promises'
import path from 'path'

export interface LoopbackConfig {
  listenPort: number
  guiPort: number
  apiKey: string
  // Folders added later take this watcher delay (the default is 10 s).
  fsWatcherDelayS: number
  peers: { id: string; name: string; port: number }[]
}

const OPTIONS: Record<string, string> = {
  globalAnnounceEnabled: 'false',
  localAnnounceEnabled: 'false',
  relaysEnabled: 'false',
  natEnabled: 'false',
  urAccepted: '-1',
  crashReportingEnabled: 'false',
  autoUpgradeIntervalH: '0',
  startBrowser: 'false',
  announceLANAddresses: 'false',
  // 0 switches STUN off.
  stunKeepaliveStartS: '0',
  // Syncthing lowers its own CPU priority by default; Hyperfold does not, and the box is shared.
  setLowPriority: 'false'
}

export async function writeLoopbackConfig(home: string, opts: LoopbackConfig): Promise<void> {
  const file = path.join(home, 'config.xml')
  let xml = await fs.readFile(file, 'utf8')
  for (const [name, value] of Object.entries(OPTIONS)) xml = setElement(xml, name, value)
  xml = setElement(xml, 'listenAddress', `tcp://127.0.0.1:${opts.listenPort}`)
  xml = replaceOnce(xml, /<gui [^>]*>[\s\S]*?<\/gui>/, guiElement(opts))
  // This device's own entry: not dialled, but nothing in the device list may say "dynamic".
  xml = replaceOnce(xml, /<address>dynamic<\/address>/, `<address>tcp://127.0.0.1:${opts.listenPort}</address>`)
  xml = replaceOnce(xml, /fsWatcherDelayS="\d+"/, `fsWatcherDelayS="${opts.fsWatcherDelayS}"`)
  const devices = opts.peers.map(deviceElement).join('')
  xml = replaceOnce(xml, /(<\/device>\s*)(<gui )/, `$1${devices}$2`)
  checkLoopbackOnly(xml)
  await fs.writeFile(file, xml)
}

function guiElement(opts: LoopbackConfig): string {
  return (
    `<gui enabled="true" tls="false" debugging="false">\n` +
    `        <address>127.0.0.1:${opts.guiPort}</address>\n` +
    `        <apikey>${opts.apiKey}</apikey>\n` +
    `        <theme>default</theme>\n` +
    `        <insecureSkipHostcheck>false</insecureSkipHostcheck>\n` +
    `    </gui>`
  )
}

export function deviceElement(peer: { id: string; name: string; port: number }): string {
  return (
    `<device id="${peer.id}" name="${peer.name}" compression="metadata" introducer="false" skipIntroductionRemovals="false" introducedBy="">\n` +
    `        <address>tcp://127.0.0.1:${peer.port}</address>\n` +
    `        <paused>false</paused>\n` +
    `        <autoAcceptFolders>false</autoAcceptFolders>\n` +
    `    </device>\n    `
  )
}

function setElement(xml: string, name: string, value: string): string {
  return replaceOnce(xml, new RegExp(`<${name}>[^<]*</${name}>`), `<${name}>${value}</${name}>`)
}

function replaceOnce(xml: string, pattern: RegExp, replacement: string): string {
  if (!pattern.test(xml)) throw new Error(`syncthing config.xml: ${pattern} not found; refusing to start Syncthing with an unknown config`)
  return xml.replace(pattern, replacement)
}

// A last look before Syncthing may start: nothing in the config points off this machine.
function checkLoopbackOnly(xml: string): void {
  const bad: string[] = []
  for (const [name, value] of Object.entries(OPTIONS)) if (!xml.includes(`<${name}>${value}</${name}>`)) bad.push(name)
  for (const m of xml.matchAll(/<listenAddress>([^<]*)<\/listenAddress>/g)) if (!m[1]!.startsWith('tcp://127.0.0.1:')) bad.push(`listen ${m[1]}`)
  const devices = xml.slice(0, xml.indexOf('<gui ')).matchAll(/<address>([^<]*)<\/address>/g)
  for (const m of devices) if (!m[1]!.startsWith('tcp://127.0.0.1:')) bad.push(`device address ${m[1]}`)
  if (bad.length > 0) throw new Error(`syncthing config.xml is not loopback-only: ${bad.join(', ')}`)
}
