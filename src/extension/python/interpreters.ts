// Finds the Python interpreters on this machine and probes each one.
import { constants } from 'node:fs';
import { access, realpath, stat } from 'node:fs/promises';
import * as path from 'node:path';
import { probeInterpreter, type ProbeFailure, type ProbeInfo } from './probe';
import { classifyVersion, type VersionStatus } from './versions';

/** Where a candidate came from, in the order they are tried. */
export type CandidateSource = 'pythonExtension' | 'setting' | 'path';

export interface Candidate {
  readonly source: CandidateSource;
  /** What is run: an absolute path, or a name looked up on PATH. */
  readonly command: string;
  /** Leading arguments, e.g. `-3` for the Windows `py` launcher. */
  readonly args: readonly string[];
}

export type ProbedCandidate =
  | (Candidate & {
      readonly ok: true;
      readonly resolvedPath: string;
      readonly info: ProbeInfo;
      readonly versionStatus: VersionStatus;
      /** Can make a venv with pip in it: `venv` and `ensurepip` are both there. */
      readonly canCreateVenv: boolean;
    })
  | (Candidate & {
      readonly ok: false;
      readonly resolvedPath?: string;
      readonly failure: ProbeFailure | { readonly code: 'storeAlias'; readonly detail: string };
    });

export type UsableInterpreter = Extract<ProbedCandidate, { ok: true }>;

/** The candidates to try, most specific first; duplicates are removed after probing. */
export function interpreterCandidates(options: {
  readonly platform: NodeJS.Platform;
  readonly pythonExtensionPath?: string;
  readonly settingPath?: string;
}): Candidate[] {
  const out: Candidate[] = [];
  if (options.pythonExtensionPath) {
    out.push({ source: 'pythonExtension', command: options.pythonExtensionPath, args: [] });
  }
  const setting = options.settingPath?.trim();
  if (setting) out.push({ source: 'setting', command: setting, args: [] });
  if (options.platform === 'win32') out.push({ source: 'path', command: 'py', args: ['-3'] });
  out.push({ source: 'path', command: 'python3', args: [] }, { source: 'path', command: 'python', args: [] });
  return out;
}

/** `which`: the first executable file called `name` on PATH (with PATHEXT on Windows). */
export async function resolveOnPath(
  name: string,
  env: NodeJS.ProcessEnv = process.env,
  platform: NodeJS.Platform = process.platform,
): Promise<string | undefined> {
  if (path.isAbsolute(name) || name.includes('/') || (platform === 'win32' && name.includes('\\'))) {
    return (await isExecutableFile(name, platform)) ? name : undefined;
  }
  const pathVar = (platform === 'win32' ? (env.Path ?? env.PATH) : env.PATH) ?? '';
  const sep = platform === 'win32' ? ';' : ':';
  const exts =
    platform === 'win32' ? (env.PATHEXT ?? '.EXE;.CMD;.BAT;.COM').split(';').filter(Boolean) : [''];
  for (const dir of pathVar.split(sep)) {
    if (!dir) continue;
    for (const ext of exts) {
      const candidate = path.join(dir.replace(/^"(.*)"$/, '$1'), name + ext.toLowerCase());
      if (await isExecutableFile(candidate, platform)) return candidate;
    }
  }
  return undefined;
}

async function isExecutableFile(file: string, platform: NodeJS.Platform): Promise<boolean> {
  try {
    const s = await stat(file);
    if (!s.isFile()) return false;
    if (platform !== 'win32') await access(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * The Microsoft Store "app execution alias": `python.exe` under `…\Microsoft\WindowsApps\` that opens the Store
 * (or prints "Python was not found") when no Store Python is installed. A Store Python that is installed lives
 * there too, so the alias is only blamed when running it fails.
 */
export function isWindowsStoreAliasPath(file: string): boolean {
  return /[\\/]Microsoft[\\/]WindowsApps[\\/]/i.test(file);
}

export async function probeCandidate(
  candidate: Candidate,
  env: NodeJS.ProcessEnv = process.env,
): Promise<ProbedCandidate> {
  const resolvedPath = await resolveOnPath(candidate.command, env);
  if (!resolvedPath) {
    return { ...candidate, ok: false, failure: { code: 'notFound', detail: candidate.command } };
  }
  // Run the resolved file itself: no PATH search (or `spawn UNKNOWN`) at spawn time.
  const result = await probeInterpreter(resolvedPath, candidate.args);
  if (!result.ok) {
    const failure =
      isWindowsStoreAliasPath(resolvedPath) && result.failure.code !== 'timeout'
        ? { code: 'storeAlias' as const, detail: result.failure.detail }
        : result.failure;
    return { ...candidate, ok: false, resolvedPath, failure };
  }
  const { info } = result;
  return {
    ...candidate,
    ok: true,
    resolvedPath,
    info,
    versionStatus: classifyVersion(info.version),
    canCreateVenv: info.version[0] >= 3 && info.modules.venv && info.modules.ensurepip,
  };
}

/** Probes every candidate (in parallel) and drops later ones that turn out to be the same interpreter. */
export async function findInterpreters(candidates: readonly Candidate[]): Promise<ProbedCandidate[]> {
  const probed = await Promise.all(candidates.map((c) => probeCandidate(c)));
  const seen = new Set<string>();
  const out: ProbedCandidate[] = [];
  for (const p of probed) {
    if (p.ok) {
      // A venv's python links to its base interpreter: the prefix tells them apart.
      const key = `${p.info.prefix}\0${await realpath(p.info.executable).catch(() => p.info.executable)}`;
      if (seen.has(key)) continue;
      seen.add(key);
    }
    out.push(p);
  }
  return out;
}

/**
 * The interpreter to use. One the user picked (the Python extension's, or the setting) wins if it is a Python 3,
 * even when it lacks something: the report then says what. Otherwise the first from PATH that can make a venv,
 * preferring the supported version range; then the first Python 3 at all.
 */
export function chooseInterpreter(found: readonly ProbedCandidate[]): UsableInterpreter | undefined {
  const usable = found.filter((p): p is UsableInterpreter => p.ok && p.info.version[0] >= 3);
  return (
    usable.find((p) => p.source !== 'path') ??
    usable.find((p) => p.canCreateVenv && p.versionStatus === 'ok') ??
    usable.find((p) => p.canCreateVenv) ??
    usable[0]
  );
}
