// "New AI Project" without the editor: checking the command's arguments, then files, venv and packages, and the
// checks around them. Plain Node (unit-tested), so it imports python's editor-free modules, not python/index.ts.
import { checkPathArg, EXISTING_VENV_CHOICES, type ArgsCheck } from '../python/commandArgs';
import { torchRequirementLines, type TorchWheels } from '../python/gpu';
import { validatePipArgs } from '../python/pip';
import type { PreflightFramework } from '../python/preflight';
import type { ProbeInfo } from '../python/probe';
import { run as runProcess, type Logger } from '../python/process';
import {
  setUpEnvironment,
  type EnvResult,
  type ExistingVenvChoice,
  type ProgressStep,
} from '../python/projectEnv';
import type { UvTool } from '../python/uv';
import { Invalid } from '../../shared/protocol/validate';
import { readPythonProjectModel, type PythonProjectModel } from '../../shared/protocol/training';
import { MODEL_TEMPLATES, type GeneratedProject } from './fromModel';
import type { NotebookLanguage } from './notebook';
import { validateProjectName, type ProjectNameProblem } from './projectName';
import { isTemplateId, writeTemplate, type TemplateId, type WrittenTemplate } from './templates';

export type OpenChoice = 'none' | 'newWindow' | 'thisWindow' | 'addToWorkspace';
const OPEN_CHOICES: readonly OpenChoice[] = ['none', 'newWindow', 'thisWindow', 'addToWorkspace'];

/** `aiOnramp.newProject` arguments; each one given skips its question. */
export interface NewProjectArgs {
  readonly template?: TemplateId;
  readonly parentFolder?: string;
  readonly name?: string;
  /** Absolute path of the interpreter that makes the venv. */
  readonly python?: string;
  readonly open?: OpenChoice;
  /** What to do when the project folder already has a `.venv`. */
  readonly existingVenv?: ExistingVenvChoice;
  /** What to do when the project folder exists and is not empty: add the files (keeping existing ones) or stop. */
  readonly nonEmptyFolder?: 'add' | 'cancel';
  /** Extra pip arguments, limited to local installs (see validatePipArgs). */
  readonly requirementsArgs: readonly string[];
  /**
   * "Open as a Python project": the training panel's layers and hyperparameters, from which the project's
   * Keras and PyTorch scripts are generated (./fromModel.ts); the template is then Keras or PyTorch.
   */
  readonly model?: PythonProjectModel;
}

/** Command arguments come from anywhere (command links, other extensions): check every field. */
export function parseNewProjectArgs(raw: unknown): ArgsCheck<NewProjectArgs, ProjectNameProblem> {
  if (raw === undefined || raw === null) return { ok: true, value: { requirementsArgs: [] } };
  if (typeof raw !== 'object' || Array.isArray(raw))
    return { ok: false, reason: 'the argument must be an object' };
  const r = raw as Record<string, unknown>;
  const known = [
    'template',
    'parentFolder',
    'name',
    'python',
    'open',
    'existingVenv',
    'nonEmptyFolder',
    'requirementsArgs',
    'model',
  ];
  const unknown = Object.keys(r).filter((k) => !known.includes(k));
  if (unknown.length) return { ok: false, reason: `unknown argument: ${unknown.join(', ')}` };
  if (r.template !== undefined && !isTemplateId(r.template)) return { ok: false, reason: 'unknown template' };
  let model: PythonProjectModel | undefined;
  if (r.model !== undefined) {
    try {
      model = readPythonProjectModel(r.model);
    } catch (e) {
      if (!(e instanceof Invalid)) throw e;
      return { ok: false, reason: e.message };
    }
    if (r.template !== undefined && !MODEL_TEMPLATES.includes(r.template as TemplateId))
      return { ok: false, reason: `a model project's template is ${MODEL_TEMPLATES.join(' or ')}` };
  }
  const parentFolder = checkPathArg(r, 'parentFolder');
  if (typeof parentFolder === 'object') return { ok: false, reason: parentFolder.error };
  const python = checkPathArg(r, 'python');
  if (typeof python === 'object') return { ok: false, reason: python.error };
  if (r.name !== undefined) {
    if (typeof r.name !== 'string') return { ok: false, reason: 'name must be a string' };
    const problem = validateProjectName(r.name);
    if (problem) return { ok: false, reason: `invalid name (${problem})`, nameProblem: problem };
  }
  if (r.open !== undefined && !OPEN_CHOICES.includes(r.open as OpenChoice)) {
    return { ok: false, reason: `open must be one of ${OPEN_CHOICES.join(', ')}` };
  }
  if (r.existingVenv !== undefined && !EXISTING_VENV_CHOICES.includes(r.existingVenv as ExistingVenvChoice)) {
    return { ok: false, reason: `existingVenv must be one of ${EXISTING_VENV_CHOICES.join(', ')}` };
  }
  if (r.nonEmptyFolder !== undefined && r.nonEmptyFolder !== 'add' && r.nonEmptyFolder !== 'cancel') {
    return { ok: false, reason: 'nonEmptyFolder must be "add" or "cancel"' };
  }
  const pip = validatePipArgs(r.requirementsArgs);
  if (!pip.ok) return { ok: false, reason: pip.reason };
  return {
    ok: true,
    value: {
      template: r.template as TemplateId | undefined,
      parentFolder,
      name: r.name as string | undefined,
      python,
      open: r.open as OpenChoice | undefined,
      existingVenv: r.existingVenv as ExistingVenvChoice | undefined,
      nonEmptyFolder: r.nonEmptyFolder as 'add' | 'cancel' | undefined,
      requirementsArgs: pip.args,
      ...(model && { model }),
    },
  };
}

export interface CreatedProject {
  readonly files: WrittenTemplate;
  readonly env: EnvResult;
  readonly filesMs: number;
}

/**
 * What "New AI Project" does once every question is answered: writes the template, makes `.venv` and installs
 * `requirements.txt`. Files stay whatever happens later. The command runs it inside its notification.
 */
export async function createProject(options: {
  readonly templatesRoot: string;
  readonly template: TemplateId;
  readonly projectDir: string;
  readonly python: string;
  readonly existingVenv: ExistingVenvChoice;
  readonly pipArgs?: readonly string[];
  /** The primary package index: pip installs from it and the README's pip command names it. */
  readonly indexUrl?: string;
  /** uv, when found and not turned off: it makes the venv and installs the requirements. */
  readonly uv?: UvTool;
  /** PyTorch: the wheels chosen for this machine, named at the top of requirements.txt. */
  readonly torchWheels?: TorchWheels;
  /** The notebook's language and the kernel's Python version (Keras and PyTorch templates). */
  readonly notebook?: { readonly language: NotebookLanguage; readonly pythonVersion?: string };
  readonly log?: Logger;
  readonly signal?: AbortSignal;
  readonly onProgress?: (step: ProgressStep | { readonly stage: 'files' }) => void;
  /** Called once the files are written, before the venv is made (the command ticks its walkthrough step). */
  readonly onFilesWritten?: (files: WrittenTemplate) => void | Promise<void>;
  readonly onPipSpawn?: (pid: number) => void;
  /** "Open as a Python project": the generated files, in place of the template's scripts. */
  readonly generated?: GeneratedProject;
}): Promise<CreatedProject> {
  const started = Date.now();
  options.onProgress?.({ stage: 'files' });
  const files = await writeTemplate({
    templatesRoot: options.templatesRoot,
    id: options.template,
    projectDir: options.projectDir,
    indexUrl: options.indexUrl,
    requirementsHead: options.torchWheels ? torchRequirementLines(options.torchWheels) : undefined,
    notebook: options.notebook,
    generated: options.generated,
  });
  const filesMs = Date.now() - started;
  options.log?.info(
    `new project: ${options.template} in ${options.projectDir}: wrote ${files.written.join(', ')}` +
      (files.kept.length ? `; kept existing ${files.kept.join(', ')}` : ''),
  );
  await options.onFilesWritten?.(files);
  const env = await setUpEnvironment({
    projectDir: options.projectDir,
    python: options.python,
    existingVenv: options.existingVenv,
    requirementsFile: 'requirements.txt',
    pipArgs: options.pipArgs,
    indexUrl: options.indexUrl,
    uv: options.uv,
    log: options.log,
    signal: options.signal,
    onProgress: options.onProgress,
    onPipSpawn: options.onPipSpawn,
  });
  return { files, env, filesMs };
}

/** Why a given base interpreter cannot make the project's venv (checked before anything is written), if it cannot. */
export function baseInterpreterProblem(info: ProbeInfo): 'noVenvModule' | 'noEnsurepip' | undefined {
  if (!info.modules.venv || info.version[0] < 3) return 'noVenvModule';
  if (!info.modules.ensurepip) return 'noEnsurepip';
  return undefined;
}

/** What the install needs room for: the disk preflight's figure for this template (and PyTorch's wheels). */
export function templateFramework(template: TemplateId, torchWheels?: TorchWheels): PreflightFramework {
  return template === 'keras-mnist'
    ? 'tensorflow'
    : template === 'data-science'
      ? 'data-science'
      : torchWheels === 'cpu'
        ? 'torch-cpu'
        : 'torch';
}

/**
 * Whether `.venv` imports ipykernel, the notebook's kernel (vscode-jupyter#17067's "Running cells requires the
 * ipykernel package" otherwise); `detail` is the last line of the error when it does not.
 */
export async function checkNotebookKernel(
  venvPython: string,
  log?: Logger,
): Promise<{ readonly ok: boolean; readonly detail: string }> {
  const r = await runProcess(venvPython, ['-c', 'import ipykernel'], { timeoutMs: 60_000 });
  const ok = r.code === 0;
  const detail = (r.stderr || r.spawnError?.message || '').trim().split(/\r?\n/).pop() ?? '';
  log?.[ok ? 'info' : 'warn'](
    `new project: .venv ${ok ? 'imports ipykernel' : `cannot import ipykernel: ${detail}`}`,
  );
  return { ok, detail };
}
