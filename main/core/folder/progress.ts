// Files and bytes done of a pull, and a rate over the whole pull so far.
import type { FolderProgress } from '../../../contract/types'

export class Progress {
  private readonly started = Date.now()
  private filesDone = 0
  private bytesDone = 0
  private readonly filesTotal: number
  private readonly bytesTotal: number

  constructor(filesTotal: number, bytesTotal: number) {
    this.filesTotal = filesTotal
    this.bytesTotal = bytesTotal
  }

  add(bytes: number): void {
    this.filesDone++
    this.bytesDone += bytes
  }

  snapshot(): FolderProgress {
    const seconds = Math.max((Date.now() - this.started) / 1000, 0.001)
    return {
      filesDone: this.filesDone,
      filesTotal: this.filesTotal,
      bytesDone: this.bytesDone,
      bytesTotal: this.bytesTotal,
      bytesPerSecond: Math.round(this.bytesDone / seconds)
    }
  }
}
