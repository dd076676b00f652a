// Which tray image shows which state: one per state, for light and dark
// panels, at 1x and 2x (Electron picks the @2x file on a high-density screen).
export const TRAY_STATES = ['idle', 'syncing', 'paused', 'error'] as const
export type TrayIconState = (typeof TRAY_STATES)[number]
export const TRAY_THEMES = ['light', 'dark'] as const
export type TrayTheme = (typeof TRAY_THEMES)[number]

// Relative to assets/. A dark panel takes the light-ink icon and the other way round.
export function trayIconFile(state: TrayIconState, theme: TrayTheme, scale: 1 | 2): string {
  return `tray/${state}-${theme}${scale === 2 ? '@2x' : ''}.png`
}
