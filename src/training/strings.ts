import * as vscode from 'vscode';
import { defaultChartStrings } from '../webview/charts/strings';
import { PLAYGROUND_STRINGS, STRING_PREFIX } from '../webview/playground/strings';
import { STRINGS } from '../webview/training/strings';

/**
 * The panel's strings, translated on the host (`vscode.l10n.t`, keyed by the English text) and injected into
 * the page; chart strings are prefixed `chart.`.
 */
export function translatedStrings(): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [id, english] of Object.entries(STRINGS)) out[id] = vscode.l10n.t(english);
  for (const [id, english] of Object.entries(defaultChartStrings))
    out[`chart.${id}`] = vscode.l10n.t(english);
  for (const [id, english] of Object.entries(PLAYGROUND_STRINGS)) {
    out[STRING_PREFIX + id] = vscode.l10n.t(english);
  }
  return out;
}
