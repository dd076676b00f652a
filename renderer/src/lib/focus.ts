// Moves keyboard focus to a view's heading when the view appears, so keyboard
// and screen-reader users land where the change happened, not on <body>.
export function focusOnMount(element: HTMLElement): void {
  element.focus({ preventScroll: true })
}
