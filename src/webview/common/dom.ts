/**
 * Creates an element: the one DOM helper every page builds its small DOM with (the training panel's view, the
 * playground, the tab strip, the charts, the TensorBoard page). The second argument is either attributes or,
 * for the common case, just a class name; children are nodes or text (undefined ones are skipped, so an
 * optional label can be passed as it is).
 */
type Child = Node | string | undefined;
type Attributes = Record<string, string> | string | undefined;

export function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs?: Attributes,
  ...children: Child[]
): HTMLElementTagNameMap[K];
/** A custom element (e.g. `vscode-progress-bar`). */
export function el(tag: string, attrs?: Attributes, ...children: Child[]): HTMLElement;
export function el(tag: string, attrs: Attributes = {}, ...children: Child[]): HTMLElement {
  const e = document.createElement(tag);
  if (typeof attrs === 'string') {
    if (attrs) e.className = attrs;
  } else {
    for (const [k, v] of Object.entries(attrs ?? {})) e.setAttribute(k, v);
  }
  for (const child of children) if (child !== undefined) e.append(child);
  return e;
}
