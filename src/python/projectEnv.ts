// A project's environment: `.venv` made (or reused) with a chosen interpreter, then its requirements installed.
// Shared by "New AI Project" and "Create Virtual Environment Here".
import { stat } from 'node:fs/promises';
import * as path from 'node:path';
import { pipInstallRequirements, type PipEvent, type PipInstallResult } from './pip';
import type { Logger } from './process';
import { probeInterpreter, type ProbeInfo } from './probe';
import {
  createVenv,
  inspectVenv,
  removeVenv,
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
  /** A `.venv` is there and the choice was "cancel" (or "use" for something that is not a venv). */
  | { readonly code: 'existingVenv'; readonly existing: ExistingVenv['kind']; readonly output: string };

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

  const existing = await inspectVenv(venvDir);
  let venvPython: string | undefined;
  let venvStatus: 'created' | 'reused' = 'created';
  let venvMs = 0;
  let base: ProbeInfo | undefined;
  if (existing.kind !== 'absent' && options.existingVenv === 'cancel') {
    return fail({ code: 'existingVenv', existing: existing.kind, output: '' });
  }
  if (existing.kind !== 'absent' && options.existingVenv === 'use') {
    if (existing.kind !== 'venv') return fail({ code: 'existingVenv', existing: existing.kind, output: '' });
    venvPython = existing.python;
    venvStatus = 'reused';
    log?.info(`venv: using the existing ${venvDir}`);
  } else {
    // Check the interpreter before touching anything: a missing ensurepip must not cost the user a .venv.
    options.onProgress?.({ stage: 'checkPython' });
    const probe = await probeInterpreter(options.python);
    if (!probe.ok) {
      log?.error(`venv: ${options.python} does not run: ${probe.failure.detail}`);
      return fail({ code: 'pythonUnusable', output: probe.failure.detail });
    }
    base = probe.info;
    if (base.version[0] < 3 || !base.modules.venv) {
      log?.error(`venv: ${options.python} (Python ${base.version.join('.')}) has no venv module`);
      return fail({ code: 'noVenvModule', version: base.version, output: '' }, base);
    }
    if (!base.modules.ensurepip) {
      log?.error(
        `venv: ${options.python} (Python ${base.version.join('.')}) has no ensurepip; nothing created`,
      );
      return fail({ code: 'noEnsurepip', output: '' }, base);
    }
    if (existing.kind !== 'absent') {
      log?.info(`venv: removing the existing ${existing.kind} at ${venvDir} to recreate it`);
      await removeVenv(venvDir);
    }
    options.onProgress?.({ stage: 'venv' });
    const made = await createVenv({ python: options.python, venvDir, log, signal: options.signal });
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
    log,
    signal: options.signal,
    onSpawn: options.onPipSpawn,
    onEvent: (event) => options.onProgress?.({ stage: 'install', event }),
  });
  return { venv, install, base };
}
