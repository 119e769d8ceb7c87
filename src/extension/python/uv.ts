// uv (https://docs.astral.sh/uv/) when it is on PATH or configured: `uv venv` and `uv pip install` instead of
// `python -m venv` and pip, many times faster on a large install. Same progress, cancel, log and rollback: the
// commands run through the same process layer, and their output is read into the same events as pip's.
import { resolveOnPath } from './interpreters';
import type { PipEvent } from './installEvents';
import { pythonEnv, run } from './process';

export interface UvTool {
  /** The uv executable (absolute path). */
  readonly path: string;
  /** e.g. "0.5.11". */
  readonly version: string;
}

/** `uv --version` prints "uv 0.5.11 (c4d0caaee 2024-12-19)". */
export function parseUvVersion(stdout: string): string | undefined {
  return /^uv (\d+\.\d+\.\d+\S*)/.exec(stdout.trim())?.[1];
}

/** uv at `configured` (a path), else on PATH; undefined when there is none or it does not run. */
export async function findUv(
  configured: string | undefined,
  env: NodeJS.ProcessEnv = process.env,
): Promise<UvTool | undefined> {
  const file = await resolveOnPath(configured?.trim() || 'uv', env);
  if (!file) return undefined;
  const r = await run(file, ['--version'], { env, timeoutMs: 10_000 });
  const version = r.code === 0 ? parseUvVersion(r.stdout) : undefined;
  return version ? { path: file, version } : undefined;
}

/**
 * `uv venv` with the chosen base interpreter. Without `--seed`: seeding pip downloads it, and a venv made by uv
 * is installed into with `uv pip` (a later plain-pip install says "no pip" and gives the ensurepip command).
 */
export function uvVenvArgs(python: string, venvDir: string): string[] {
  return ['venv', '--no-config', '--python', python, venvDir];
}

/**
 * `uv pip install` into the venv's interpreter. pip's local-install flags (see validatePipArgs) map one to one,
 * except `--no-cache-dir`, which uv calls `--no-cache`.
 */
export function uvPipInstallArgs(options: {
  readonly venvPython: string;
  readonly requirementsFile: string;
  readonly indexUrl?: string;
  readonly extraArgs?: readonly string[];
}): string[] {
  const extra = (options.extraArgs ?? []).map((a) => (a === '--no-cache-dir' ? '--no-cache' : a));
  return [
    'pip',
    'install',
    '--no-config',
    '--python',
    options.venvPython,
    '-r',
    options.requirementsFile,
    ...(options.indexUrl ? ['--index-url', options.indexUrl] : []),
    ...extra,
  ];
}

/** The environment for uv: never prompts, plain output (no colours or spinners to parse). */
export function uvEnv(base: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  return { ...pythonEnv(base), NO_COLOR: '1', UV_NO_PROGRESS: '1' };
}

/**
 * One line of `uv pip install` output as pip's events: " + onramp-hello==1.0.0" is one package installed
 * (reported in pip's "name-version" form), "error: …" and "× …" are errors.
 */
export function parseUvLine(raw: string): PipEvent | undefined {
  const line = raw.trim();
  let m: RegExpExecArray | null;
  if ((m = /^\+ (\S+?)==(\S+)/.exec(line))) return { kind: 'installed', names: [`${m[1]}-${m[2]}`] };
  if ((m = /^(?:error|×):? (.+)$/.exec(line))) return { kind: 'error', message: m[1] };
  return undefined;
}

/** uv's network failure ("Caused by: … Connection refused (os error 111)") as the phrase a message shows. */
export function uvConnectionError(raw: string): string | undefined {
  const m =
    /^Caused by: (.*(?:Connection refused|timed out|error trying to connect|dns error|failed to lookup address).*)$/i.exec(
      raw.trim(),
    );
  return m?.[1];
}
