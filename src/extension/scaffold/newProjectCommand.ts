// "New AI Project" in the editor: the template, folder, name and Python questions, the preflight warnings, then
// `createProject` in one cancellable notification, what happened, and where the project opens.
import { stat } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { t } from '../common/l10n';
import type { Services } from '../common/services';
import {
  announceOutcome,
  askExistingVenv,
  chooseTorchWheels,
  classifyVersion,
  detectOs,
  diskLine,
  envFailureMessage,
  findNvidiaGpu,
  gatherPreflightFacts,
  pickInterpreter,
  probeInterpreter,
  runCheck,
  runEnvStep,
  setUpWithProgress,
  supportedRangeText,
  VENV_DIR_NAME,
  type EnvOutcome,
  type ExistingVenvChoice,
  type TorchWheels,
} from '../python';
import { generatedProject, MODEL_TEMPLATES } from './fromModel';
import { nameProblemMessage, templateLabel } from './messages';
import {
  baseInterpreterProblem,
  checkNotebookKernel,
  createProject,
  parseNewProjectArgs,
  templateFramework,
} from './newProject';
import { openProject } from './openProject';
import { folderState, uniqueName, validateProjectName } from './projectName';
import { NOTEBOOK_FILE, TEMPLATE_IDS, TEMPLATES, type TemplateId, type WrittenTemplate } from './templates';

/** What `aiOnramp.newProject` returns (host tests read it). */
export interface NewProjectResult {
  readonly status: 'created' | 'failed' | 'cancelled' | 'invalid';
  /** The step that stopped it, when it did not finish. */
  readonly stage?: 'arguments' | 'template' | 'folder' | 'name' | 'python' | 'files' | 'venv' | 'install';
  /** The message shown to the user, word for word. */
  readonly message?: string;
  readonly template?: TemplateId;
  readonly projectDir?: string;
  readonly files?: WrittenTemplate;
  readonly filesMs?: number;
  readonly env?: EnvOutcome;
  /** PyTorch template: the wheels chosen for this machine ('cpu' without an NVIDIA GPU on Linux/Windows). */
  readonly torchWheels?: TorchWheels;
  /** Keras and PyTorch: whether .venv imports ipykernel (the notebook's kernel); absent without a notebook. */
  readonly ipykernel?: boolean;
}

/**
 * "New AI Project": each argument given skips its question; the work itself is `createProject`, run in the
 * notification with the files step first.
 */
export async function newProject(
  services: Services,
  templatesRoot: string,
  rawArgs: unknown,
): Promise<NewProjectResult> {
  const parsed = parseNewProjectArgs(rawArgs);
  if (!parsed.ok) {
    const message = parsed.nameProblem
      ? nameProblemMessage(parsed.nameProblem)
      : t('AI Onramp: invalid arguments for "New AI Project": {0}', parsed.reason);
    services.log.error(`new project: ${message}`);
    void vscode.window.showErrorMessage(message);
    return { status: 'invalid', stage: 'arguments', message };
  }
  const args = parsed.value;
  // "Open as a Python project": the scripts come from the panel's model; the template gives the framework.
  const generated = args.model ? generatedProject(args.model) : undefined;

  // 1. Template.
  let template = args.template;
  if (!template) {
    const picked = await vscode.window.showQuickPick(
      (generated ? MODEL_TEMPLATES : TEMPLATE_IDS).map((id) => ({ ...templateLabel(id), id })),
      { title: t('New AI Project'), placeHolder: t('Pick a template'), ignoreFocusOut: true },
    );
    if (!picked) return { status: 'cancelled', stage: 'template' };
    template = picked.id;
  }

  // 2. Parent folder.
  let parentFolder = args.parentFolder;
  if (!parentFolder) {
    const current = vscode.workspace.workspaceFolders?.[0]?.uri;
    const picked = await vscode.window.showOpenDialog({
      canSelectFolders: true,
      canSelectFiles: false,
      canSelectMany: false,
      defaultUri:
        current?.scheme === 'file'
          ? vscode.Uri.file(path.dirname(current.fsPath))
          : vscode.Uri.file(os.homedir()),
      openLabel: t('Create the Project Here'),
      title: t('Where should the project folder go?'),
    });
    if (!picked?.[0]) return { status: 'cancelled', stage: 'folder' };
    parentFolder = picked[0].fsPath;
  }
  if (!(await stat(parentFolder).catch(() => undefined))?.isDirectory()) {
    const message = t('The folder {0} does not exist.', parentFolder);
    void vscode.window.showErrorMessage(message);
    return { status: 'failed', stage: 'folder', message };
  }

  // 3. Name.
  let name = args.name;
  if (name === undefined) {
    const parent = parentFolder;
    name = await vscode.window.showInputBox({
      title: t('New AI Project'),
      prompt: t('Name of the project folder, created in {0}', parent),
      value: await uniqueName(
        parent,
        generated ? 'panel-model' : template === 'data-science' ? 'data-project' : `${template}`,
      ),
      ignoreFocusOut: true,
      validateInput: async (value) => {
        const problem = validateProjectName(value);
        if (problem) return nameProblemMessage(problem);
        const state = await folderState(path.join(parent, value));
        if (state === 'notAFolder') return t('A file with this name already exists.');
        if (state === 'notEmpty') {
          return {
            message: t(
              'This folder exists and is not empty: the template files are added and yours are kept.',
            ),
            severity: vscode.InputBoxValidationSeverity.Warning,
          };
        }
        return undefined;
      },
    });
    if (name === undefined) return { status: 'cancelled', stage: 'name' };
  }
  const projectDir = path.join(parentFolder, name);
  const state = await folderState(projectDir);
  if (state === 'notAFolder') {
    const message = t('{0} is a file, not a folder.', projectDir);
    void vscode.window.showErrorMessage(message);
    return { status: 'failed', stage: 'name', message, projectDir };
  }
  if (state === 'notEmpty') {
    let choice = args.nonEmptyFolder;
    if (!choice) {
      const add = t('Add the Files');
      const answer = await vscode.window.showWarningMessage(
        t('{0} exists and is not empty.', projectDir),
        {
          modal: true,
          detail: t(
            'The template files are added; files that are already there are kept, never overwritten.',
          ),
        },
        add,
      );
      choice = answer === add ? 'add' : 'cancel';
    }
    if (choice === 'cancel') return { status: 'cancelled', stage: 'name', projectDir };
  }

  // 4. Python: checked before anything is written, so a missing ensurepip costs nothing.
  const osInfo = await detectOs();
  let python = args.python;
  let version: readonly number[] | undefined;
  if (python) {
    const probe = await probeInterpreter(python);
    if (!probe.ok) {
      const message = t('Could not run Python: {0}', probe.failure.detail);
      void vscode.window.showErrorMessage(message);
      return { status: 'failed', stage: 'python', message, projectDir };
    }
    version = probe.info.version;
    const failure = baseInterpreterProblem(probe.info);
    if (failure) {
      const { message, fix } = envFailureMessage({ code: failure, version, output: '' }, osInfo, version);
      announceOutcome(
        services,
        { status: 'failed', stage: 'venv', message, fixCommand: fix?.command },
        async () => ({ status: 'failed' }),
      );
      return { status: 'failed', stage: 'python', message, projectDir };
    }
  } else {
    const check = await runCheck(services);
    const chosen = await pickInterpreter(check);
    if (!chosen || !chosen.canCreateVenv) {
      if (!chosen && check.chosen) return { status: 'cancelled', stage: 'python', projectDir };
      void vscode.commands.executeCommand('aiOnramp.checkPython');
      const message = check.chosen
        ? t(
            'Python {0} cannot make virtual environments yet. The check report says how to fix it.',
            check.chosen.info.version.join('.'),
          )
        : t('No Python 3 was found on this computer.');
      void vscode.window.showErrorMessage(message);
      return { status: 'failed', stage: 'python', message, projectDir };
    }
    python = chosen.info.executable;
    version = chosen.info.version;
  }
  if (template === 'keras-mnist' && classifyVersion(version) !== 'ok') {
    void vscode.window.showWarningMessage(
      t(
        'Python {0} is outside the range TensorFlow supports ({1}): installing tensorflow may fail. The project is created anyway.',
        version.join('.'),
        supportedRangeText(),
      ),
    );
  }

  // Preflight of what the install needs: PyTorch's wheels for this machine, and the disk space they take.
  let torchWheels: TorchWheels | undefined;
  if (template === 'pytorch-mnist') {
    const gpu = await findNvidiaGpu();
    torchWheels = chooseTorchWheels(process.platform, gpu);
    services.log.info(`new project: ${gpu.detail}; PyTorch wheels: ${torchWheels}`);
    if (torchWheels === 'cpu') {
      void vscode.window.showInformationMessage(
        t(
          "No NVIDIA GPU was found ({0}), so PyTorch's CPU-only build is installed: about 200 MB instead of about 3 GB with CUDA. requirements.txt says so; delete its --extra-index-url line for CUDA.",
          gpu.detail,
        ),
      );
    }
  }
  const framework = templateFramework(template, torchWheels);
  const disk = diskLine(await gatherPreflightFacts(parentFolder), t, framework);
  if (disk) services.log.info(`new project: ${disk.title}`);
  if (disk?.status === 'warning') {
    void vscode.window.showWarningMessage(`${disk.title} ${disk.fix?.text ?? ''}`.trim());
  }

  // 5. What to do with a .venv that is already there.
  let existingVenv: ExistingVenvChoice = args.existingVenv ?? 'recreate';
  if (state === 'notEmpty' && !args.existingVenv)
    existingVenv = await askExistingVenv(path.join(projectDir, VENV_DIR_NAME));
  if (existingVenv === 'cancel') return { status: 'cancelled', stage: 'venv', projectDir };

  // 6. Files, .venv, packages.
  let files: WrittenTemplate | undefined;
  let filesMs: number | undefined;
  const pythonLabel = `Python ${version.join('.')}`;
  const progress = { title: t('AI Onramp: creating {0}', name), pythonLabel, os: osInfo, version };
  const basePython = python;
  const chosenTemplate = template;
  const create = (): Promise<EnvOutcome> =>
    runEnvStep(services, progress, async ({ report, signal, indexUrl, uv }) => {
      const created = await createProject({
        templatesRoot,
        template: chosenTemplate,
        projectDir,
        python: basePython,
        existingVenv,
        pipArgs: args.requirementsArgs,
        indexUrl,
        uv,
        torchWheels,
        notebook: {
          language: vscode.env.language.toLowerCase().startsWith('zh') ? 'zh-cn' : 'en',
          pythonVersion: version.join('.'),
        },
        log: services.log,
        signal,
        onProgress: report,
        generated,
        onFilesWritten: async (written) => {
          files = written;
          await services.contextKeys.set('aiOnramp.projectCreated', true);
        },
      });
      filesMs = created.filesMs;
      return created.env;
    });
  // "Retry" after a failed install: the same .venv, the files as they are.
  const retry = (): Promise<EnvOutcome> =>
    setUpWithProgress(services, {
      ...progress,
      projectDir,
      python: basePython,
      existingVenv: 'use',
      pipArgs: args.requirementsArgs,
    });
  let env: EnvOutcome;
  try {
    env = await create();
  } catch (e) {
    const message = t('Writing the project files failed: {0}', e instanceof Error ? e.message : String(e));
    services.log.error(`new project: ${message}`);
    void vscode.window.showErrorMessage(message);
    return { status: 'failed', stage: 'files', message, template, projectDir, files };
  }
  const result = { template, projectDir, files, filesMs, env, torchWheels };
  if (env.status !== 'ready') {
    announceOutcome(services, env, retry);
    return {
      ...result,
      status: env.status === 'cancelled' ? 'cancelled' : 'failed',
      stage: env.stage,
      message: env.message,
    };
  }

  // 7. The notebook's kernel: ipykernel importable from .venv (vscode-jupyter#17067's "Running cells requires
  //    the ipykernel package" otherwise). With the Jupyter extension, the notebook is what opens.
  let ipykernel: boolean | undefined;
  const notebook = files?.written.includes(NOTEBOOK_FILE) === true;
  if (notebook && env.venvPython) {
    const kernel = await checkNotebookKernel(env.venvPython, services.log);
    ipykernel = kernel.ok;
    if (!ipykernel) {
      void vscode.window.showWarningMessage(
        t(
          'The notebook needs ipykernel, which .venv cannot import ({0}). Install it with: {1}',
          kernel.detail,
          `"${env.venvPython}" -m pip install ipykernel`,
        ),
      );
    }
  }
  const jupyter = vscode.extensions.getExtension('ms-toolsai.jupyter') !== undefined;
  const mainFile = generated
    ? generated.mainFile(template)
    : notebook && jupyter && ipykernel
      ? NOTEBOOK_FILE
      : TEMPLATES[template].mainFile;
  await openProject(args.open, projectDir, mainFile, env.venvPython);
  return { ...result, status: 'created', ipykernel };
}
