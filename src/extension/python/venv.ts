// Making a virtual environment with `python -m venv`, and never leaving a half-made one behind.
import { lstat, readdir, readFile, rm, stat } from 'node:fs/promises';
import * as path from 'node:path';
import { probeInterpreter, type ProbeInfo } from './probe';
import { run, type Logger, pythonEnv } from './process';
import { uvEnv, uvVenvArgs, type UvTool } from './uv';

export const VENV_DIR_NAME = '.venv';

/** The venv's interpreter: `bin/python` on POSIX, `Scripts\python.exe` on Windows. */
export function venvPythonPath(venvDir: string, platform: NodeJS.Platform = process.platform): string {
  return platform === 'win32'
    ? path.win32.join(venvDir, 'Scripts', 'python.exe')
    : path.posix.join(venvDir, 'bin', 'python');
}

export type ExistingVenv =
  | { readonly kind: 'absent' }
  /** A file (or link to one) where the folder should be: not a venv, never deleted. */
  | { readonly kind: 'file' }
  /** A folder without `pyvenv.cfg`: not a venv (someone's own files), never deleted. */
  | { readonly kind: 'folder' }
  /** A venv (`pyvenv.cfg`) whose interpreter is missing, a dangling link, or does not run. */
  | { readonly kind: 'broken'; readonly python: string; readonly detail: string }
  | { readonly kind: 'venv'; readonly python: string; readonly home?: string; readonly version?: string };

/** What is at `venvDir` now; reads only the file system (see probeVenv for whether its Python runs). */
export async function inspectVenv(
  venvDir: string,
  platform: NodeJS.Platform = process.platform,
): Promise<ExistingVenv> {
  try {
    await lstat(venvDir);
  } catch {
    return { kind: 'absent' };
  }
  const s = await stat(venvDir).catch(() => undefined);
  if (!s?.isDirectory()) return { kind: 'file' };
  let cfg: string;
  try {
    cfg = await readFile(path.join(venvDir, 'pyvenv.cfg'), 'utf8');
  } catch {
    return { kind: 'folder' };
  }
  const python = venvPythonPath(venvDir, platform);
  const link = await lstat(python).catch(() => undefined);
  const p = await stat(python).catch(() => undefined);
  if (!p?.isFile()) {
    const detail = link?.isSymbolicLink()
      ? `${python} is a link to something that is not there`
      : `${python} is missing`;
    return { kind: 'broken', python, detail };
  }
  const field = (name: string): string | undefined =>
    new RegExp(`^\\s*${name}\\s*=\\s*(.*?)\\s*$`, 'm').exec(cfg)?.[1];
  return { kind: 'venv', python, home: field('home'), version: field('version') ?? field('version_info') };
}

/**
 * `inspectVenv`, then a run of the venv's interpreter: a venv whose Python exits 127 (its base interpreter was
 * removed or upgraded away) is `broken`, not ready. `probe` is the venv Python's probe when it ran.
 */
export async function probeVenv(
  venvDir: string,
): Promise<{ readonly existing: ExistingVenv; readonly probe?: ProbeInfo }> {
  const existing = await inspectVenv(venvDir);
  if (existing.kind !== 'venv') return { existing };
  const probe = await probeInterpreter(existing.python);
  if (probe.ok) return { existing, probe: probe.info };
  return {
    existing: { kind: 'broken', python: existing.python, detail: probe.failure.detail },
  };
}

/**
 * What `python -m venv` (and pip installing into it) makes at the top of a venv folder; "recreate" removes
 * only these, so a user's own file kept in `.venv` survives. `share` and `etc` hold packages' data files.
 */
export const VENV_PARTS: readonly string[] = [
  'pyvenv.cfg',
  'bin',
  'Scripts',
  'lib',
  'lib64',
  'Lib',
  'include',
  'Include',
  'share',
  'etc',
  '.gitignore',
];

/**
 * Removes the parts of a venv (never anything else) from `venvDir`, and the folder itself once it is empty.
 * Returns what was kept. Only for a venv (`pyvenv.cfg`), broken or not: callers refuse other folders.
 */
export async function removeVenvParts(venvDir: string): Promise<string[]> {
  for (const part of VENV_PARTS) {
    await rm(path.join(venvDir, part), { recursive: true, force: true, maxRetries: 3 });
  }
  const kept = await readdir(venvDir).catch(() => [] as string[]);
  if (kept.length === 0) await rm(venvDir, { recursive: true, force: true, maxRetries: 3 });
  return kept.sort();
}

export type VenvFailure =
  /** The base interpreter has no `ensurepip` (Debian/Ubuntu without `python3.X-venv`). */
  | { readonly code: 'noEnsurepip'; readonly aptPackage?: string; readonly output: string }
  | { readonly code: 'failed'; readonly exitCode: number | null; readonly output: string }
  | { readonly code: 'cancelled'; readonly output: string };

export type CreateVenvResult =
  | { readonly ok: true; readonly venvDir: string; readonly python: string; readonly durationMs: number }
  | {
      readonly ok: false;
      readonly failure: VenvFailure;
      /** Whether the half-made folder was removed (it always is when this call created it). */
      readonly removedPartial: boolean;
      readonly durationMs: number;
    };

/** Debian's own venv message names the package, e.g. "apt install python3.11-venv". */
export function parseEnsurepipMissing(output: string): { aptPackage?: string } | undefined {
  if (!/ensurepip is not\s+available|No module named ensurepip/i.test(output)) return undefined;
  const apt = /apt(?:-get)? install (python3(?:\.\d+)?-venv)/.exec(output);
  return { aptPackage: apt?.[1] };
}

/**
 * Runs `python -m venv <venvDir>`. The folder must not exist (the caller asks the user first and removes it
 * for "recreate"). Whatever this call created is removed again if it fails or is cancelled.
 */
export async function createVenv(options: {
  readonly python: string;
  readonly pythonArgs?: readonly string[];
  readonly venvDir: string;
  /** `venvDir` is a folder of the user's files that "recreate" kept; on failure only the venv's parts go. */
  readonly intoKeptFolder?: boolean;
  /** Make it with `uv venv` (see src/python/uv.ts) instead of `python -m venv`. */
  readonly uv?: UvTool;
  readonly log?: Logger;
  readonly signal?: AbortSignal;
}): Promise<CreateVenvResult> {
  const { python, venvDir, log } = options;
  const before = await inspectVenv(venvDir);
  // A folder without pyvenv.cfg is allowed only when it holds what "recreate" kept (a user's own files).
  if (before.kind !== 'absent' && !(before.kind === 'folder' && options.intoKeptFolder)) {
    throw new Error(`refusing to create a venv over an existing ${before.kind}: ${venvDir}`);
  }
  const { uv } = options;
  const [command, args] = uv
    ? [uv.path, uvVenvArgs(python, venvDir)]
    : [python, [...(options.pythonArgs ?? []), '-m', 'venv', venvDir]];
  log?.info(
    uv ? `venv: uv ${uv.version}: ${command} ${args.join(' ')}` : `venv: ${python} -m venv ${venvDir}`,
  );
  const result = await run(command, args, {
    cwd: path.dirname(venvDir),
    env: uv ? uvEnv() : pythonEnv(),
    signal: options.signal,
    onLine: (line) => log?.info(`venv: ${line}`),
  });
  const output = (result.stdout + result.stderr).trim();
  const venvPython = venvPythonPath(venvDir);
  if (result.code === 0 && !result.cancelled) {
    const made = await inspectVenv(venvDir);
    if (made.kind === 'venv') {
      log?.info(`venv: created in ${result.durationMs} ms`);
      return { ok: true, venvDir, python: venvPython, durationMs: result.durationMs };
    }
  }
  let failure: VenvFailure;
  if (result.cancelled) failure = { code: 'cancelled', output };
  else {
    const missing = parseEnsurepipMissing(output);
    failure = missing
      ? { code: 'noEnsurepip', aptPackage: missing.aptPackage, output }
      : { code: 'failed', exitCode: result.code, output: output || (result.spawnError?.message ?? '') };
  }
  let removedPartial = false;
  try {
    if (before.kind === 'absent') await rm(venvDir, { recursive: true, force: true, maxRetries: 3 });
    else await removeVenvParts(venvDir);
    removedPartial = true;
  } catch (e) {
    log?.error(`venv: could not remove the half-made ${venvDir}: ${String(e)}`);
  }
  log?.[failure.code === 'cancelled' ? 'warn' : 'error'](
    `venv: ${failure.code} after ${result.durationMs} ms; half-made folder removed: ${removedPartial}`,
  );
  return { ok: false, failure, removedPartial, durationMs: result.durationMs };
}
