// Settings of the desktop shell (the tray, starting at login), which a browser page does not have.
import type { HyperfoldBridge, ShellSettings } from '../../../preload/bridge'
import { messageOf } from '../api/client'

export class DesktopSettings {
  readonly #shell: HyperfoldBridge['shell']
  #settings = $state.raw<ShellSettings | null>(null)
  #error = $state<string | null>(null)

  constructor(shell: HyperfoldBridge['shell']) {
    this.#shell = shell
  }

  get settings(): ShellSettings | null {
    return this.#settings
  }
  get error(): string | null {
    return this.#error
  }

  async load(): Promise<void> {
    await this.#apply(() => this.#shell.settings())
  }

  async update(patch: Partial<ShellSettings>): Promise<void> {
    await this.#apply(() => this.#shell.updateSettings(patch))
  }

  async #apply(work: () => Promise<ShellSettings>): Promise<void> {
    try {
      this.#settings = await work()
      this.#error = null
    } catch (err) {
      this.#error = messageOf(err)
    }
  }
}
