// `python -m pip install -r requirements.txt` with its output parsed into steps a progress notification can show.
import { run, type Logger, pythonEnv } from './process';
import { compareVersions } from './versions';

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

/** Reads one line of pip's output; undefined for lines that change nothing a user sees. */
export function parsePipLine(raw: string): PipEvent | undefined {
  const line = raw.trim();
  let m: RegExpExecArray | null;
  if ((m = /^Collecting (\S+)/.exec(line))) return { kind: 'collecting', name: m[1] };
  if ((m = /^Processing (.+?)(?: \(from .*\))?$/.exec(line))) {
    return { kind: 'collecting', name: m[1].split(/[\\/]/).pop() ?? m[1] };
  }
  if ((m = /^Downloading (\S+)(?: \(([^)]+)\))?/.exec(line))) {
    return { kind: 'downloading', file: m[1].split('/').pop() ?? m[1], size: m[2] };
  }
  if ((m = /^Progress (\d+) of (\d+)$/.exec(line))) return { kind: 'progress', done: +m[1], total: +m[2] };
  if ((m = /^Building wheels? for (\S+)/.exec(line))) return { kind: 'building', name: m[1] };
  if ((m = /^Installing collected packages: (.+)$/.exec(line))) {
    return { kind: 'installing', names: m[1].split(/,\s*/).filter(Boolean) };
  }
  if ((m = /^Successfully installed (.+)$/.exec(line))) {
    return { kind: 'installed', names: m[1].split(/\s+/).filter(Boolean) };
  }
  if ((m = /^WARNING: Retrying \(Retry\(total=(\d+)/.exec(line)))
    return { kind: 'retrying', triesLeft: +m[1] };
  if ((m = /^ERROR: (.+)$/.exec(line))) return { kind: 'error', message: m[1] };
  return undefined;
}

/** `--progress-bar raw` prints machine-readable download progress; pip before 24.1 rejects the option. */
export function supportsRawProgress(pipVersion: string | null | undefined): boolean {
  return !!pipVersion && compareVersions(pipVersion, '24.1') >= 0;
}

/** pip's version in an interpreter, from `python -m pip --version` ("pip 24.2 from … (python 3.13)"). */
export async function pipVersion(python: string): Promise<string | undefined> {
  const r = await run(python, ['-m', 'pip', '--version'], { env: pythonEnv(), timeoutMs: 30_000 });
  return r.code === 0 ? /^pip (\S+)/.exec(r.stdout.trim())?.[1] : undefined;
}

export interface PipInstallResult {
  readonly ok: boolean;
  readonly cancelled: boolean;
  readonly exitCode: number | null;
  /** pip's `ERROR:` lines, word for word: what the error message shows. */
  readonly errors: readonly string[];
  /** Every line pip printed (also streamed to the log). */
  readonly output: readonly string[];
  readonly installed: readonly string[];
  readonly pid?: number;
  readonly durationMs: number;
}

/**
 * Runs `python -m pip install -r <requirementsFile> [...extraArgs]` in `cwd`. `extraArgs` must already be
 * validated by the caller (they go to pip as separate arguments, never through a shell).
 */
export async function pipInstallRequirements(options: {
  readonly python: string;
  readonly cwd: string;
  readonly requirementsFile: string;
  readonly extraArgs?: readonly string[];
  readonly log?: Logger;
  readonly signal?: AbortSignal;
  readonly onEvent?: (event: PipEvent) => void;
  readonly onSpawn?: (pid: number) => void;
}): Promise<PipInstallResult> {
  const { log } = options;
  const version = await pipVersion(options.python);
  const args = ['-m', 'pip', 'install', '-r', options.requirementsFile];
  if (supportsRawProgress(version)) args.push('--progress-bar', 'raw');
  args.push(...(options.extraArgs ?? []));
  log?.info(`pip ${version ?? '(version unknown)'}: ${options.python} ${args.join(' ')}`);
  const output: string[] = [];
  const errors: string[] = [];
  let installed: readonly string[] = [];
  const result = await run(options.python, args, {
    cwd: options.cwd,
    env: pythonEnv(),
    signal: options.signal,
    onSpawn: options.onSpawn,
    onLine: (line, stream) => {
      output.push(line);
      const event = parsePipLine(line);
      if (event?.kind !== 'progress') {
        if (stream === 'stderr' || event?.kind === 'error') log?.warn(`pip: ${line}`);
        else log?.info(`pip: ${line}`);
      }
      if (event?.kind === 'error') errors.push(event.message);
      if (event?.kind === 'installed') installed = event.names;
      if (event) options.onEvent?.(event);
    },
  });
  if (result.spawnError) errors.push(result.spawnError.message);
  const ok = result.code === 0 && !result.cancelled;
  const summary = result.cancelled ? 'cancelled' : ok ? 'done' : `failed (exit code ${result.code})`;
  const level = ok ? 'info' : result.cancelled ? 'warn' : 'error';
  log?.[level](`pip: ${summary} in ${result.durationMs} ms`);
  return {
    ok,
    cancelled: result.cancelled,
    exitCode: result.code,
    errors,
    output,
    installed,
    pid: result.pid,
    durationMs: result.durationMs,
  };
}

/**
 * Extra pip arguments that callers (host tests, other extensions) may pass through command arguments: only
 * options that keep an install local, so a command link cannot point pip at another package index.
 * `--find-links` must name an absolute local folder.
 */
export function validatePipArgs(
  raw: unknown,
): { readonly ok: true; readonly args: string[] } | { readonly ok: false; readonly reason: string } {
  if (raw === undefined) return { ok: true, args: [] };
  if (!Array.isArray(raw) || raw.length > 16)
    return { ok: false, reason: 'requirementsArgs must be an array of at most 16 strings' };
  const flags = new Set(['--no-index', '--no-build-isolation', '--no-cache-dir', '--no-deps']);
  const args: string[] = [];
  for (let i = 0; i < raw.length; i++) {
    const a: unknown = raw[i];
    if (typeof a !== 'string' || a.length > 1000 || a.includes('\0')) {
      return { ok: false, reason: `requirementsArgs[${i}] is not a plain string` };
    }
    if (flags.has(a)) {
      args.push(a);
      continue;
    }
    let dir: unknown;
    if (a === '--find-links' || a === '-f') dir = raw[++i];
    else if (a.startsWith('--find-links=')) dir = a.slice('--find-links='.length);
    else return { ok: false, reason: `requirementsArgs: "${a}" is not allowed` };
    if (
      typeof dir !== 'string' ||
      dir.includes('\0') ||
      !isAbsolutePath(dir) ||
      /^[a-z][a-z0-9+.-]+:\/\//i.test(dir)
    ) {
      return { ok: false, reason: 'requirementsArgs: --find-links needs an absolute local folder' };
    }
    args.push('--find-links', dir);
  }
  return { ok: true, args };
}

function isAbsolutePath(p: string): boolean {
  return p.startsWith('/') || /^[a-zA-Z]:[\\/]/.test(p);
}
