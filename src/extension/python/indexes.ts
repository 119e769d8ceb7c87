// The package indexes the mirror picker offers, and how the configured one is named in messages and READMEs.
// No vscode here: the scaffold's README text and the unit tests read it too.

export interface KnownIndex {
  readonly id: 'pypi' | 'tuna' | 'aliyun' | 'ustc';
  readonly url: string;
}

/** PyPI first (pip's default), then the well-known mainland-China mirrors of it. */
export const KNOWN_INDEXES: readonly KnownIndex[] = [
  { id: 'pypi', url: 'https://pypi.org/simple' },
  { id: 'tuna', url: 'https://pypi.tuna.tsinghua.edu.cn/simple' },
  { id: 'aliyun', url: 'https://mirrors.aliyun.com/pypi/simple/' },
  { id: 'ustc', url: 'https://pypi.mirrors.ustc.edu.cn/simple/' },
];

/** pip's own default, used in messages when no mirror is set. */
export const DEFAULT_INDEX_URL = KNOWN_INDEXES[0].url;

/**
 * The `pip install` line a README shows for `requirements.txt`: with `-i <url>` when a mirror is set, so the
 * project reinstalls from the same index the extension used.
 */
export function pipInstallCommand(indexUrl: string | undefined, python = 'python'): string {
  const index = indexUrl && indexUrl !== DEFAULT_INDEX_URL ? ` -i ${indexUrl}` : '';
  return `${python} -m pip install -r requirements.txt${index}`;
}
