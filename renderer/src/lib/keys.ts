// Escape closes what it is pressed in (an inline form, a side panel), as in any dialog.
export function closeOnEscape(close: () => void): (element: HTMLElement) => () => void {
  return (element) => {
    const onkeydown = (event: KeyboardEvent) => {
      if (event.key !== 'Escape' || event.defaultPrevented) return
      event.preventDefault()
      close()
    }
    element.addEventListener('keydown', onkeydown)
    return () => element.removeEventListener('keydown', onkeydown)
  }
}
