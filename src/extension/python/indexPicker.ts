// "Choose Package Index (Mirror)": PyPI, a well-known mainland-China mirror, or a URL of the user's own, kept in
// `aiOnramp.python.indexUrl` and used as pip's primary index (`--index-url`) on every install AI Onramp runs.
import * as vscode from 'vscode';
import { t } from '../common/l10n';
import type { Services } from '../common/services';
import { DEFAULT_INDEX_URL, KNOWN_INDEXES, type KnownIndex } from './indexes';
import { redactIndexUrl, validIndexUrl } from './pip';

export const INDEX_URL_SETTING = 'python.indexUrl';

/** The configured index, or undefined for pip's default (also when the setting holds something unusable). */
export function configuredIndexUrl(services?: Services): string | undefined {
  const raw = vscode.workspace.getConfiguration('aiOnramp').get<string>(INDEX_URL_SETTING, '');
  if (!raw.trim()) return undefined;
  const url = validIndexUrl(raw);
  if (!url) services?.log.warn(`pip: ignoring aiOnramp.python.indexUrl "${raw}": not an http(s) or file URL`);
  return url;
}

/** The index as messages name it. */
export function indexLabel(url: string | undefined): string {
  return url ? redactIndexUrl(url) : t("{0} (pip's default)", DEFAULT_INDEX_URL);
}

function knownLabel(id: KnownIndex['id']): string {
  switch (id) {
    case 'pypi':
      return t("PyPI (pip's default)");
    case 'tuna':
      return t('Tsinghua University TUNA mirror');
    case 'aliyun':
      return t('Alibaba Cloud (Aliyun) mirror');
    case 'ustc':
      return t('USTC mirror');
  }
}

/**
 * Asks for the index and saves it (user settings). `args.id` picks a known one without asking (walkthrough
 * buttons); a custom URL is only ever typed by the user. Returns the URL chosen ('' for pip's default), or
 * undefined when cancelled.
 */
export async function pickPackageIndex(services: Services, rawArgs?: unknown): Promise<string | undefined> {
  const argId =
    typeof rawArgs === 'object' && rawArgs !== null ? (rawArgs as { id?: unknown }).id : undefined;
  const current = configuredIndexUrl(services) ?? '';
  let chosen: string | undefined;
  const known = KNOWN_INDEXES.find((k) => k.id === argId);
  if (known) chosen = known.id === 'pypi' ? '' : known.url;
  else {
    const custom = t('Another index (URL)…');
    const items = [
      ...KNOWN_INDEXES.map((k) => {
        const url = k.id === 'pypi' ? '' : k.url;
        return {
          label: knownLabel(k.id),
          description: k.url,
          detail: url === current ? t('Used now') : undefined,
          url,
        };
      }),
      {
        label: custom,
        description: t('a PEP 503 "simple" index: http(s):// or file://'),
        detail:
          current && !KNOWN_INDEXES.some((k) => k.url === current)
            ? t('Used now: {0}', redactIndexUrl(current))
            : undefined,
        url: undefined as string | undefined,
      },
    ];
    const picked = await vscode.window.showQuickPick(items, {
      title: t('Package index for pip'),
      placeHolder: t('Where pip downloads packages from: a mirror near you is faster'),
      ignoreFocusOut: true,
    });
    if (!picked) return undefined;
    if (picked.url !== undefined) chosen = picked.url;
    else {
      const typed = await vscode.window.showInputBox({
        title: t('Package index URL'),
        prompt: t('The URL of a PEP 503 "simple" index, e.g. https://mirror.example/pypi/simple'),
        value: current,
        ignoreFocusOut: true,
        validateInput: (v) => (validIndexUrl(v) ? undefined : t('Type an http://, https:// or file:// URL.')),
      });
      if (typed === undefined) return undefined;
      chosen = validIndexUrl(typed);
      if (!chosen) return undefined;
    }
  }
  await vscode.workspace
    .getConfiguration('aiOnramp')
    .update(INDEX_URL_SETTING, chosen, vscode.ConfigurationTarget.Global);
  services.log.info(`pip: package index set to ${chosen ? redactIndexUrl(chosen) : "pip's default"}`);
  return chosen;
}
