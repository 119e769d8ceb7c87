/**
 * A `vscode-button` (VS Code's own button, from @vscode-elements) with a codicon and a click handler that
 * a disabled button ignores: the buttons of the playground and of Your examples.
 */
import '@vscode-elements/elements/dist/vscode-button/index.js';
import { el } from './dom';

export type Button = HTMLElement & { disabled: boolean };

/** `secondary` (the default) is the quieter look; the one main action of a section is primary. */
export function button(
  id: string,
  icon: string,
  label: string,
  onClick: () => void,
  secondary = true,
): Button {
  const b = el(
    'vscode-button',
    { id, icon, ...(secondary ? { secondary: '' } : {}) },
    label,
  ) as unknown as Button;
  b.addEventListener('click', () => {
    if (!b.disabled) onClick();
  });
  return b;
}
