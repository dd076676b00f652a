// Moves keyboard focus to a view's heading when the view appears, so keyboard
// and screen-reader users land where the change happened, not on <body>.
export function focusOnMount(element: HTMLElement): void {
  element.focus({ preventScroll: true })
}

// Puts focus back on a control that reappears after a form or question it opened is closed.
export function focusIf(condition: boolean): (element: HTMLElement) => void {
  return (element) => {
    if (condition) element.focus({ preventScroll: true })
  }
}
