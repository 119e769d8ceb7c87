import * as vscode from 'vscode';
import { defaultChartStrings } from '../../shared/l10n/charts';
import { INSIDE_STRINGS, INSIDE_STRING_PREFIX } from '../../shared/l10n/inside';
import { PLAYGROUND_STRINGS, STRING_PREFIX } from '../../shared/l10n/playground';
import { EXAMPLES_STRINGS, EXAMPLES_STRING_PREFIX } from '../../shared/l10n/examples';
import { STRINGS } from '../../shared/l10n/training';

/**
 * The panel's strings, translated on the host (`vscode.l10n.t`, keyed by the English text) and injected into
 * the page; chart strings are prefixed `chart.`, the playground's `playground.`, Your examples' `examples.`, the inside views' `inside.`.
 */
export function translatedStrings(): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [id, english] of Object.entries(STRINGS)) out[id] = vscode.l10n.t(english);
  for (const [id, english] of Object.entries(defaultChartStrings))
    out[`chart.${id}`] = vscode.l10n.t(english);
  for (const [id, english] of Object.entries(PLAYGROUND_STRINGS)) {
    out[STRING_PREFIX + id] = vscode.l10n.t(english);
  }
  for (const [id, english] of Object.entries(EXAMPLES_STRINGS)) {
    out[EXAMPLES_STRING_PREFIX + id] = vscode.l10n.t(english);
  }
  for (const [id, english] of Object.entries(INSIDE_STRINGS)) {
    out[INSIDE_STRING_PREFIX + id] = vscode.l10n.t(english);
  }
  return out;
}
