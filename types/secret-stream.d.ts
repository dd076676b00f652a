declare module '@hyperswarm/secret-stream' {
  import type { Duplex } from 'stream'
  import type { KeyPair } from 'hyperdht'
  class NoiseSecretStream extends Duplex {
    constructor(isInitiator: boolean, rawStream?: Duplex, opts?: { keyPair?: KeyPair; remotePublicKey?: Buffer })
    readonly isInitiator: boolean
    publicKey: Buffer
    remotePublicKey: Buffer
    handshakeHash: Buffer
    opened: Promise<boolean>
    rawStream: Duplex | null
    rawBytesRead: number
    rawBytesWritten: number
    setKeepAlive(ms: number): void
    setTimeout(ms: number): void // destroys the stream once nothing came in for ms
  }
  export default NoiseSecretStream
}
