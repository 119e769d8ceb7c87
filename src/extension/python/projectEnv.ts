// A project's environment: `.venv` made (or reused) with a chosen interpreter, then its requirements installed.
// Shared by "New AI Project" and "Create Virtual Environment Here".
import { constants } from 'node:fs';
import { access, stat } from 'node:fs/promises';
import * as path from 'node:path';
import { pipInstallRequirements, type PipEvent, type PipInstallResult } from './pip';
import type { Logger } from './process';
import type { UvTool } from './uv';
import { probeInterpreter, type ProbeInfo } from './probe';
import {
  createVenv,
  inspectVenv,
  probeVenv,
  removeVenvParts,
  VENV_DIR_NAME,
  type ExistingVenv,
  type VenvFailure,
} from './venv';

/** What to do with a `.venv` that is already there; the UI asks, command arguments may say. */
export type ExistingVenvChoice = 'use' | 'recreate' | 'cancel';

export type EnvFailure =
  | VenvFailure
  | { readonly code: 'pythonUnusable'; readonly output: string }
  | { readonly code: 'noVenvModule'; readonly version: readonly number[]; readonly output: string }
  /**
   * A `.venv` is there and the choice was "cancel", or "use"/"recreate" for something that is not a venv (a file,
   * or a folder without `pyvenv.cfg`: never deleted).
   */
  | { readonly code: 'existingVenv'; readonly existing: ExistingVenv['kind']; readonly output: string }
  /** The `.venv` is a venv whose Python does not run, and the choice was "use". */
  | { readonly code: 'brokenVenv'; readonly python: string; readonly output: string }
  /** The project folder is not there (or is a file). */
  | { readonly code: 'folderMissing'; readonly folder: string; readonly output: string }
  /** The project folder cannot be written to (permissions, a read-only disk). */
  | { readonly code: 'folderNotWritable'; readonly folder: string; readonly output: string };

export type ProgressStep =
  | { readonly stage: 'checkPython' }
  | { readonly stage: 'venv' }
  | { readonly stage: 'install'; readonly event?: PipEvent };

export interface EnvResult {
  readonly venv:
    | { readonly status: 'created' | 'reused'; readonly python: string; readonly durationMs: number }
    | {
        readonly status: 'failed';
        readonly failure: EnvFailure;
        readonly removedPartial: boolean;
        readonly durationMs: number;
      };
  /** Absent when the venv step failed or there is no requirements file. */
  readonly install?: PipInstallResult;
  /** What the base interpreter reported (absent when it could not be run). */
  readonly base?: ProbeInfo;
}

export async function setUpEnvironment(options: {
  readonly projectDir: string;
  /** The base interpreter that makes the venv (absolute path). */
  readonly python: string;
  readonly existingVenv: ExistingVenvChoice;
  /** The base interpreter's probe when the caller already ran it (a hanging Python costs its timeout once). */
  readonly baseInfo?: ProbeInfo;
  /** The primary package index for pip (see validIndexUrl); absent: pip's own. */
  readonly indexUrl?: string;
  /** uv, when found and not turned off: it makes the venv and installs the requirements. */
  readonly uv?: UvTool;
  /** Relative to projectDir; skipped when the file does not exist. */
  readonly requirementsFile?: string;
  /** Already validated extra arguments for pip (see validatePipArgs). */
  readonly pipArgs?: readonly string[];
  readonly log?: Logger;
  readonly signal?: AbortSignal;
  readonly onProgress?: (step: ProgressStep) => void;
  readonly onPipSpawn?: (pid: number) => void;
}): Promise<EnvResult> {
  const { projectDir, log } = options;
  const venvDir = path.join(projectDir, VENV_DIR_NAME);
  const fail = (
    failure: EnvFailure,
    base?: ProbeInfo,
    removedPartial = false,
    durationMs = 0,
  ): EnvResult => ({
    venv: { status: 'failed', failure, removedPartial, durationMs },
    base,
  });

  const folderState = await stat(projectDir).catch((e: NodeJS.ErrnoException) => e);
  if (folderState instanceof Error || !folderState.isDirectory()) {
    const output = folderState instanceof Error ? folderState.message : `${projectDir} is a file`;
    log?.error(`venv: no folder ${projectDir}: ${output}`);
    return fail({ code: 'folderMissing', folder: projectDir, output });
  }
  // Only a venv that is going to be used needs its Python run; "recreate" and "cancel" read the folder only.
  let existing = await inspectVenv(venvDir);
  if (existing.kind === 'venv' && options.existingVenv === 'use')
    existing = (await probeVenv(venvDir)).existing;
  let venvPython: string | undefined;
  let venvStatus: 'created' | 'reused' = 'created';
  let venvMs = 0;
  let base: ProbeInfo | undefined;
  if (existing.kind !== 'absent' && options.existingVenv === 'cancel') {
    return fail({ code: 'existingVenv', existing: existing.kind, output: '' });
  }
  // A file, or a folder without pyvenv.cfg, is someone's own: neither used nor deleted.
  if (existing.kind === 'file' || existing.kind === 'folder') {
    log?.error(`venv: ${venvDir} is not a virtual environment (${existing.kind}); left as it is`);
    return fail({ code: 'existingVenv', existing: existing.kind, output: '' });
  }
  if (existing.kind === 'broken' && options.existingVenv === 'use') {
    log?.error(`venv: ${venvDir} is broken: ${existing.detail}`);
    return fail({ code: 'brokenVenv', python: existing.python, output: existing.detail });
  }
  if (existing.kind === 'venv' && options.existingVenv === 'use') {
    venvPython = existing.python;
    venvStatus = 'reused';
    log?.info(`venv: using the existing ${venvDir}`);
  } else {
    const writable = await access(projectDir, constants.W_OK).catch((e: NodeJS.ErrnoException) => e);
    if (writable instanceof Error) {
      log?.error(`venv: cannot write in ${projectDir}: ${writable.message}`);
      return fail({ code: 'folderNotWritable', folder: projectDir, output: writable.message });
    }
    // Check the interpreter before touching anything: a missing ensurepip must not cost the user a .venv.
    options.onProgress?.({ stage: 'checkPython' });
    if (options.baseInfo) base = options.baseInfo;
    else {
      const probe = await probeInterpreter(options.python);
      if (!probe.ok) {
        log?.error(`venv: ${options.python} does not run: ${probe.failure.detail}`);
        return fail({ code: 'pythonUnusable', output: probe.failure.detail });
      }
      base = probe.info;
    }
    // uv makes venvs without the venv and ensurepip modules (it only needs the interpreter).
    if (base.version[0] < 3 || (!base.modules.venv && !options.uv)) {
      log?.error(`venv: ${options.python} (Python ${base.version.join('.')}) has no venv module`);
      return fail({ code: 'noVenvModule', version: base.version, output: '' }, base);
    }
    if (!base.modules.ensurepip && !options.uv) {
      log?.error(
        `venv: ${options.python} (Python ${base.version.join('.')}) has no ensurepip; nothing created`,
      );
      return fail({ code: 'noEnsurepip', output: '' }, base);
    }
    let intoKeptFolder = false;
    if (existing.kind !== 'absent') {
      const kept = await removeVenvParts(venvDir);
      intoKeptFolder = kept.length > 0;
      log?.info(
        `venv: removed the existing ${existing.kind} venv at ${venvDir} to recreate it` +
          (kept.length ? `; kept ${kept.join(', ')}` : ''),
      );
    }
    options.onProgress?.({ stage: 'venv' });
    const made = await createVenv({
      python: options.python,
      venvDir,
      intoKeptFolder,
      uv: options.uv,
      log,
      signal: options.signal,
    });
    if (!made.ok) return fail(made.failure, base, made.removedPartial, made.durationMs);
    venvPython = made.python;
    venvMs = made.durationMs;
  }

  const venv = { status: venvStatus, python: venvPython, durationMs: venvMs };
  if (!options.requirementsFile) return { venv, base };
  const requirements = path.join(projectDir, options.requirementsFile);
  if (!(await stat(requirements).catch(() => undefined))?.isFile()) {
    log?.info(`pip: no ${options.requirementsFile} in ${projectDir}; nothing to install`);
    return { venv, base };
  }
  options.onProgress?.({ stage: 'install' });
  const install = await pipInstallRequirements({
    python: venvPython,
    cwd: projectDir,
    requirementsFile: options.requirementsFile,
    extraArgs: options.pipArgs,
    indexUrl: options.indexUrl,
    uv: options.uv,
    log,
    signal: options.signal,
    onSpawn: options.onPipSpawn,
    onEvent: (event) => options.onProgress?.({ stage: 'install', event }),
  });
  return { venv, install, base };
}
