// Which Python versions the AI templates can install TensorFlow on. A version outside the range gets a warning
// naming the range, never a refusal: PyTorch and the data-science template may still work.

/**
 * Oldest Python that `pip install tensorflow` still finds a release for: TensorFlow 2.20 supports 3.9–3.13;
 * TensorFlow 2.21 (2026) dropped 3.9, where pip then picks 2.20.
 */
export const OLDEST_SUPPORTED_PYTHON = [3, 9] as const;
/**
 * Newest Python with TensorFlow wheels as of late 2026 (TensorFlow 2.20 added 3.13; no release ships 3.14
 * wheels yet). Raise this when a TensorFlow release adds one.
 */
export const NEWEST_SUPPORTED_PYTHON = [3, 13] as const;
/** What the install hints suggest when nothing is installed: well inside the range, and widely packaged. */
export const RECOMMENDED_PYTHON = '3.12';

export type VersionStatus = 'ok' | 'python2' | 'tooOld' | 'tooNew';

export function classifyVersion(
  version: readonly [number, number, number] | readonly number[],
): VersionStatus {
  const [major, minor] = version;
  if (major < 3) return 'python2';
  const key = major * 1000 + minor;
  if (key < OLDEST_SUPPORTED_PYTHON[0] * 1000 + OLDEST_SUPPORTED_PYTHON[1]) return 'tooOld';
  if (key > NEWEST_SUPPORTED_PYTHON[0] * 1000 + NEWEST_SUPPORTED_PYTHON[1]) return 'tooNew';
  return 'ok';
}

export function supportedRangeText(): string {
  return `${OLDEST_SUPPORTED_PYTHON.join('.')}–${NEWEST_SUPPORTED_PYTHON.join('.')}`;
}

/** Compares dotted versions such as pip's "24.1.2"; non-numeric parts count as 0. */
export function compareVersions(a: string, b: string): number {
  const pa = a.split('.').map((p) => parseInt(p, 10) || 0);
  const pb = b.split('.').map((p) => parseInt(p, 10) || 0);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}
