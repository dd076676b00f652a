// What a scenario needs from a sync product, so that Hyperfold and Syncthing
// run the very same scenarios. A device is one running process with its own
// state directory; it is driven only through the product's own CLI/HTTP API.

export interface FolderCount {
  files: number
  bytes: number
}

export interface SyncProgress {
  bytesDone: number
  bytesTotal: number
}

export interface Device {
  readonly pid: number
  // How the product names this device to its peers (the key of `wire()`).
  readonly id: string
  // The product's own data: Hyperfold's data dir, Syncthing's home (config and database).
  readonly stateDir: string
  // Shares a folder of this device with its peer; resolves once it is indexed here and holds `expect`.
  share(dir: string, name: string, expect: FolderCount, timeoutMs: number): Promise<void>
  // Resolves once the peer's folder `name` is offered to this device with the given counts (null: any).
  waitOffered(name: string, expect: FolderCount | null, timeoutMs: number): Promise<void>
  // Starts taking the peer's folder `name` into `dir` (returns as soon as the product has accepted it).
  syncFrom(name: string, dir: string): Promise<void>
  // Resolves once the product says the folder is in sync here and holds `expect`.
  waitSynced(name: string, expect: FolderCount, timeoutMs: number): Promise<WaitReport>
  // What the product reports of a running sync, for the progress line.
  progress(name: string): Promise<SyncProgress>
  // Re-reads an unchanged folder from disk; resolves when the product is done.
  rescan(name: string): Promise<void>
  // Resolves once this device has nothing left to do on the folder.
  settle(name: string): Promise<void>
  // Resolves once this device is connected to the device `id`.
  waitConnected(id: string, timeoutMs?: number): Promise<void>
  // The product's own byte counters of each connection it has now, by peer id.
  wire(): Promise<Map<string, WireCounter>>
  // Stops the process and keeps its state: the device is offline until `restart`.
  stop(): Promise<void>
  // A new process on the same state, as after a reboot.
  restart(): Promise<void>
  close(): Promise<void>
  // A product that keeps every version of a file (Syncthing keeps none made elsewhere): oldest first.
  listVersions?(folder: string, file: string): Promise<VersionInfo[]>
  // Writes version `version` back into the folder as the file's newest version.
  restoreVersion?(folder: string, file: string, version: number): Promise<void>
}

export interface VersionInfo {
  version: number
  device: string
  time: string
  size: number
  deleted: boolean
}

export interface WireCounter {
  bytesIn: number
  bytesOut: number
  // When the connection began: a new one starts its counters at 0.
  since: string
}

export interface WaitReport {
  // Times the product said "in sync" while it did not hold the expected files yet.
  earlyReturns: number
}

export interface Product {
  readonly name: string
  version(): Promise<string>
  // Two fresh devices that know each other and are connected.
  startPair(workDir: string): Promise<[Device, Device]>
  // `n` fresh devices (a, b, c, ...), each knowing and connected to every other.
  startDevices(workDir: string, n: number): Promise<Device[]>
  // A fresh device alone (scenario 6).
  startDevice(workDir: string): Promise<Device>
  // Fresh devices each time: how long from "join" (Hyperfold: `topic join`;
  // Syncthing: adding the other device) until the peer is listed as connected.
  timeJoin(workDir: string): Promise<number>
  close(): Promise<void>
}
