/**
 * Every user-facing string of the TensorBoard-logs page, in English. The host translates each with
 * `vscode.l10n.t` (Chinese in l10n/bundle.l10n.zh-cn.json, keyed by the English text) and embeds the
 * result in the page; ids the host did not send fall back to English. Pure: the host imports it too.
 */
export const TENSORBOARD_STRINGS = {
  heading: 'TensorBoard logs',
  /** `{0}`: the log folder. */
  folder: 'Log folder: {0}',
  /** `{0}`: runs, `{1}`: tags. */
  summary: '{0} runs, {1} tags',
  waiting: 'No scalars in this folder yet. Charts appear as soon as a training run writes its first values.',
  tagGroups: 'Tag groups',
  warnings: 'Some event files could not be read to the end:',
} as const;

export type TensorBoardStrings = { [K in keyof typeof TENSORBOARD_STRINGS]: string };

/** `{0}`-style placeholders filled in order. */
export function format(template: string, ...args: (string | number)[]): string {
  return template.replace(/\{(\d+)\}/g, (m, i: string) =>
    args[Number(i)] !== undefined ? String(args[Number(i)]) : m,
  );
}
