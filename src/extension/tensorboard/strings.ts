import * as vscode from 'vscode';
import { defaultChartStrings } from '../../shared/l10n/charts';
import { TENSORBOARD_STRINGS } from '../../shared/l10n/tensorboard';

/** The TensorBoard-logs page's strings, translated on the host (`vscode.l10n.t`, keyed by the English text). */
export function translatedStrings(): { page: Record<string, string>; charts: Record<string, string> } {
  const translate = (strings: Readonly<Record<string, string>>) =>
    Object.fromEntries(Object.entries(strings).map(([id, english]) => [id, vscode.l10n.t(english)]));
  return { page: translate(TENSORBOARD_STRINGS), charts: translate({ ...defaultChartStrings }) };
}
