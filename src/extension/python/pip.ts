// `python -m pip install -r requirements.txt` with its output parsed into steps a progress notification can show.
import { run, type Logger, pythonEnv } from './process';
import { parseUvLine, uvConnectionError, uvEnv, uvPipInstallArgs, type UvTool } from './uv';
import type { PipEvent } from './installEvents';
import { compareVersions } from './versions';

export type { PipEvent } from './installEvents';

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
  return (await findPip(python)).version;
}

/**
 * Runs `python -m pip --version`: the version, or why pip cannot run there (no pip module in the venv, or an
 * interpreter that does not start), in the words of the failing program.
 */
export async function findPip(
  python: string,
): Promise<{ readonly version?: string; readonly problem?: PipProblem; readonly detail?: string }> {
  const r = await run(python, ['-m', 'pip', '--version'], { env: pythonEnv(), timeoutMs: 30_000 });
  const version = r.code === 0 ? /^pip (\S+)/.exec(r.stdout.trim())?.[1] : undefined;
  if (version) return { version };
  const said = (r.stderr || r.stdout).trim().split(/\r?\n/).filter(Boolean).pop() ?? '';
  if (/No module named pip\b/.test(said)) return { problem: 'noPip', detail: said };
  if (r.spawnError || r.code === 126 || r.code === 127 || r.code === null) {
    const detail = r.spawnError?.message ?? (said || `exit code ${r.code}`);
    return { problem: 'pythonDoesNotRun', detail };
  }
  return {};
}

/**
 * Why an install failed before or around pip's own resolution: no pip in the venv, a venv Python that does not
 * run, or a package index that could not be reached (pip retried, then said "from versions: none").
 */
export type PipProblem = 'noPip' | 'pythonDoesNotRun' | 'indexUnreachable';

/**
 * The network error in one of pip's retry warnings ("WARNING: Retrying (Retry(total=4, …)) after connection
 * broken by 'NewConnectionError(…: Failed to establish a new connection: [Errno 111] Connection refused')':
 * /simple/x/"), as the short phrase the message shows; undefined for other lines.
 */
export function connectionError(line: string): string | undefined {
  const m = /^WARNING: Retrying \(.*?\) after connection broken by '(.*)': \S*\s*$/.exec(line.trim());
  if (!m) return undefined;
  const inner = m[1];
  const known =
    /(Failed to establish a new connection: [^'")]+|Read timed out\.?(?: \([^)]*\))?|Connection to \S+ timed out\.?(?: \([^)]*\))?|\[Errno -?\d+\] [^'")]+|Connection refused|Connection reset by peer|certificate verify failed[^'")]*)/.exec(
      inner,
    );
  return (known?.[1] ?? inner).trim();
}

/** `aiOnramp.python.indexUrl`: an http(s) or file URL without spaces; undefined when it is not one. */
export function validIndexUrl(raw: unknown): string | undefined {
  if (typeof raw !== 'string') return undefined;
  const url = raw.trim();
  if (!url || url.length > 2000 || /\s/.test(url)) return undefined;
  try {
    const parsed = new URL(url);
    return ['http:', 'https:', 'file:'].includes(parsed.protocol) ? url : undefined;
  } catch {
    return undefined;
  }
}

/** The URL as it may be shown and logged: a password in it (a private mirror's) replaced by ***. */
export function redactIndexUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (!parsed.password) return url;
    parsed.password = '***';
    return parsed.toString();
  } catch {
    return url;
  }
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
  /** Set when the cause is known to be outside the requirements (see PipProblem). */
  readonly problem?: PipProblem;
  /** The words that go with `problem`: pip's or the interpreter's, or the network error. */
  readonly problemDetail?: string;
  /** The `--index-url` this install used; absent when pip used its default (or its own configuration). */
  readonly indexUrl?: string;
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
  /** The primary package index (`--index-url`), already checked with validIndexUrl; absent: pip's own. */
  readonly indexUrl?: string;
  /** Install with `uv pip install` (see src/python/uv.ts) instead of pip. */
  readonly uv?: UvTool;
  readonly log?: Logger;
  readonly signal?: AbortSignal;
  readonly onEvent?: (event: PipEvent) => void;
  readonly onSpawn?: (pid: number) => void;
}): Promise<PipInstallResult> {
  if (options.uv) return uvInstallRequirements({ ...options, uv: options.uv });
  const { log } = options;
  const started = Date.now();
  const found = await findPip(options.python);
  if (found.problem) {
    log?.error(`pip: cannot run pip with ${options.python}: ${found.detail ?? found.problem}`);
    return {
      ok: false,
      cancelled: false,
      exitCode: null,
      errors: found.detail ? [found.detail] : [],
      output: [],
      installed: [],
      problem: found.problem,
      problemDetail: found.detail,
      durationMs: Date.now() - started,
    };
  }
  const version = found.version;
  const args = ['-m', 'pip', 'install', '-r', options.requirementsFile];
  if (supportsRawProgress(version)) args.push('--progress-bar', 'raw');
  if (options.indexUrl) args.push('--index-url', options.indexUrl);
  args.push(...(options.extraArgs ?? []));
  const shown = options.indexUrl ? args.map((a) => (a === options.indexUrl ? redactIndexUrl(a) : a)) : args;
  log?.info(`pip ${version ?? '(version unknown)'}: ${options.python} ${shown.join(' ')}`);
  const output: string[] = [];
  const errors: string[] = [];
  const stderrLines: string[] = [];
  let networkError: string | undefined;
  let installed: readonly string[] = [];
  const result = await run(options.python, args, {
    cwd: options.cwd,
    env: pythonEnv(),
    signal: options.signal,
    onSpawn: options.onSpawn,
    onLine: (line, stream) => {
      output.push(line);
      if (stream === 'stderr' && line.trim()) stderrLines.push(line.trim());
      networkError = connectionError(line) ?? networkError;
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
  return installResult('pip', result, { errors, output, installed, networkError, stderrLines }, options);
}

/** What pip and uv both end with: the result and its closing log line. */
function installResult(
  tool: 'pip' | 'uv pip',
  result: Awaited<ReturnType<typeof run>>,
  seen: {
    errors: string[];
    output: string[];
    installed: readonly string[];
    networkError: string | undefined;
    stderrLines?: readonly string[];
  },
  options: { readonly indexUrl?: string; readonly log?: Logger },
): PipInstallResult {
  const { errors, networkError, stderrLines = [] } = seen;
  if (result.spawnError) errors.push(result.spawnError.message);
  const ok = result.code === 0 && !result.cancelled;
  // No "ERROR:" line (a traceback, an interpreter message): the last thing it said on stderr is the reason.
  if (!ok && !result.cancelled && errors.length === 0 && stderrLines.length > 0)
    errors.push(stderrLines[stderrLines.length - 1]);
  // The index was retried and then nothing found: the index, not the package, is the problem.
  const problem: PipProblem | undefined =
    !ok && !result.cancelled && networkError !== undefined ? 'indexUnreachable' : undefined;
  const summary = result.cancelled ? 'cancelled' : ok ? 'done' : `failed (exit code ${result.code})`;
  const level = ok ? 'info' : result.cancelled ? 'warn' : 'error';
  options.log?.[level](`${tool}: ${summary} in ${result.durationMs} ms`);
  return {
    ok,
    cancelled: result.cancelled,
    exitCode: result.code,
    errors,
    output: seen.output,
    installed: seen.installed,
    problem,
    problemDetail: problem ? networkError : undefined,
    indexUrl: options.indexUrl,
    pid: result.pid,
    durationMs: result.durationMs,
  };
}

/** `uv pip install -r …` into the venv: the same result shape, events and log as pip's. */
async function uvInstallRequirements(options: Parameters<typeof pipInstallRequirements>[0] & { uv: UvTool }) {
  const { log, uv } = options;
  const args = uvPipInstallArgs({
    venvPython: options.python,
    requirementsFile: options.requirementsFile,
    indexUrl: options.indexUrl,
    extraArgs: options.extraArgs,
  });
  const shown = options.indexUrl ? args.map((a) => (a === options.indexUrl ? redactIndexUrl(a) : a)) : args;
  log?.info(`pip (uv ${uv.version}): ${uv.path} ${shown.join(' ')}`);
  const output: string[] = [];
  const errors: string[] = [];
  const installed: string[] = [];
  let networkError: string | undefined;
  const result = await run(uv.path, args, {
    cwd: options.cwd,
    env: uvEnv(),
    signal: options.signal,
    onSpawn: options.onSpawn,
    onLine: (line) => {
      output.push(line);
      networkError = uvConnectionError(line) ?? networkError;
      const event = parseUvLine(line);
      if (event?.kind === 'error') {
        errors.push(event.message);
        log?.warn(`uv: ${line}`);
      } else log?.info(`uv: ${line}`);
      if (event?.kind === 'installed') installed.push(...event.names);
      if (event) options.onEvent?.(event);
    },
  });
  return installResult('uv pip', result, { errors, output, installed, networkError }, options);
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
