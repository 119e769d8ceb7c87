// What an installer run reports as it goes, one event a line of output: pip's lines (pip.ts) and uv's
// (uv.ts) both parse to these, so the progress notification shows one kind of step whichever tool runs.
export type PipEvent =
  | { readonly kind: 'collecting'; readonly name: string }
  | { readonly kind: 'downloading'; readonly file: string; readonly size?: string }
  /** From `--progress-bar raw` (pip ≥ 24.1): bytes done of total for the current download. */
  | { readonly kind: 'progress'; readonly done: number; readonly total: number }
  | { readonly kind: 'building'; readonly name: string }
  | { readonly kind: 'installing'; readonly names: readonly string[] }
  | { readonly kind: 'installed'; readonly names: readonly string[] }
  /** pip cannot reach the index (offline, proxy) and retries, which otherwise looks like a hang. */
  | { readonly kind: 'retrying'; readonly triesLeft: number }
  | { readonly kind: 'error'; readonly message: string };
