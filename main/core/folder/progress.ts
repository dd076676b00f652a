// Files and bytes done of a pull, and a rate over the whole pull so far.
import type { FolderProgress } from '../../../contract/types'

export class Progress {
  private readonly started = Date.now()
  private filesDone = 0
  private bytesDone = 0
  private bytesMoving = 0 // of files not yet whole
  private readonly filesTotal: number
  private readonly bytesTotal: number

  constructor(filesTotal: number, bytesTotal: number) {
    this.filesTotal = filesTotal
    this.bytesTotal = bytesTotal
  }

  add(bytes: number): void {
    this.filesDone++
    this.bytesDone += bytes
    this.bytesMoving = Math.max(0, this.bytesMoving - bytes)
  }

  moving(bytes: number): void {
    this.bytesMoving += bytes
  }

  snapshot(): FolderProgress {
    const seconds = Math.max((Date.now() - this.started) / 1000, 0.001)
    const bytesDone = Math.min(this.bytesTotal, this.bytesDone + this.bytesMoving)
    return {
      filesDone: this.filesDone,
      filesTotal: this.filesTotal,
      bytesDone,
      bytesTotal: this.bytesTotal,
      bytesPerSecond: Math.round(bytesDone / seconds)
    }
  }
}
