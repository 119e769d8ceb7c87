// "New AI Project": template, folder and name, then files, .venv and packages in one cancellable notification.
import { stat } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { Services } from '../common/services';
import { askExistingVenv } from '../python';
import { chooseTorchWheels, findNvidiaGpu, torchRequirementLines, type TorchWheels } from '../python/gpu';
import { configuredIndexUrl } from '../python/indexPicker';
import { diskLine, gatherPreflightFacts, type PreflightFramework } from '../python/preflight';
import { detectOs } from '../python/osInfo';
import { probeInterpreter } from '../python/probe';
import { run as runProcess } from '../python/process';
import type { ExistingVenvChoice } from '../python/projectEnv';
import { selectInPythonExtension } from '../python/pythonExtension';
import {
  announceOutcome,
  envFailureMessage,
  pickInterpreter,
  runCheck,
  setUpWithProgress,
  t,
  type EnvOutcome,
} from '../python/ui';
import { VENV_DIR_NAME } from '../python/venv';
import { classifyVersion, supportedRangeText } from '../python/versions';
import { parseNewProjectArgs, type OpenChoice } from './newProject';
import { folderState, validateProjectName, type ProjectNameProblem } from './projectName';
import {
  NOTEBOOK_FILE,
  TEMPLATE_IDS,
  TEMPLATES,
  writeTemplate,
  type TemplateId,
  type WrittenTemplate,
} from './templates';

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

function templateLabel(id: TemplateId): { label: string; description: string } {
  switch (id) {
    case 'keras-mnist':
      return {
        label: t('Keras MNIST (from the article)'),
        description: t("TensorFlow · the article's CNN · TensorBoard logs"),
      };
    case 'pytorch-mnist':
      return {
        label: t('PyTorch MNIST'),
        description: t('PyTorch · the same CNN · torch.utils.tensorboard logs'),
      };
    case 'data-science':
      return { label: t('Minimal data science'), description: t('NumPy · Matplotlib · a Jupyter notebook') };
  }
}

export function nameProblemMessage(problem: ProjectNameProblem): string {
  switch (problem) {
    case 'empty':
      return t('Type a name for the project folder.');
    case 'tooLong':
      return t('The name is too long (at most 100 characters).');
    case 'separator':
      return t('The name cannot contain / or \\: it names one folder.');
    case 'invalidCharacter':
      return t('The name cannot contain < > : " | ? * or control characters.');
    case 'dots':
      return t('"." and ".." are not folder names.');
    case 'edgeSpaceOrDot':
      return t('The name cannot start or end with a space, or end with a dot.');
    case 'reserved':
      return t('Windows reserves this name (CON, PRN, AUX, NUL, COM1–9, LPT1–9).');
  }
}

async function uniqueName(parent: string, base: string): Promise<string> {
  for (let i = 1; i < 100; i++) {
    const name = i === 1 ? base : `${base}-${i}`;
    if ((await folderState(path.join(parent, name))) === 'absent') return name;
  }
  return base;
}

export function registerScaffold(services: Services): void {
  const templatesRoot = vscode.Uri.joinPath(services.context.extensionUri, 'dist', 'templates').fsPath;
  services.context.subscriptions.push(
    vscode.commands.registerCommand('aiOnramp.newProject', (args?: unknown) =>
      newProject(services, templatesRoot, args),
    ),
  );
}

async function newProject(
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

  // 1. Template.
  let template = args.template;
  if (!template) {
    const picked = await vscode.window.showQuickPick(
      TEMPLATE_IDS.map((id) => ({ ...templateLabel(id), id })),
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
      value: await uniqueName(parent, template === 'data-science' ? 'data-project' : `${template}`),
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
    if (!probe.info.modules.venv || !probe.info.modules.ensurepip || version[0] < 3) {
      const failure = !probe.info.modules.venv || version[0] < 3 ? 'noVenvModule' : 'noEnsurepip';
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
  const framework: PreflightFramework =
    template === 'keras-mnist'
      ? 'tensorflow'
      : template === 'data-science'
        ? 'data-science'
        : torchWheels === 'cpu'
          ? 'torch-cpu'
          : 'torch';
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
  const chosenTemplate = template;
  const run = (choice: ExistingVenvChoice, writeFiles: boolean): Promise<EnvOutcome> =>
    setUpWithProgress(services, {
      title: t('AI Onramp: creating {0}', name),
      projectDir,
      python: python,
      pythonLabel,
      existingVenv: choice,
      pipArgs: args.requirementsArgs,
      os: osInfo,
      version,
      before: writeFiles
        ? async (report) => {
            report({ stage: 'files' });
            const started = Date.now();
            files = await writeTemplate({
              templatesRoot,
              id: chosenTemplate,
              projectDir,
              indexUrl: configuredIndexUrl(services),
              requirementsHead: torchWheels ? torchRequirementLines(torchWheels) : undefined,
              notebook: {
                language: vscode.env.language.toLowerCase().startsWith('zh') ? 'zh-cn' : 'en',
                pythonVersion: version.join('.'),
              },
            });
            filesMs = Date.now() - started;
            services.log.info(
              `new project: ${chosenTemplate} in ${projectDir}: wrote ${files.written.join(', ')}` +
                (files.kept.length ? `; kept existing ${files.kept.join(', ')}` : ''),
            );
            await services.contextKeys.set('aiOnramp.projectCreated', true);
          }
        : undefined,
    });
  let env: EnvOutcome;
  try {
    env = await run(existingVenv, true);
  } catch (e) {
    const message = t('Writing the project files failed: {0}', e instanceof Error ? e.message : String(e));
    services.log.error(`new project: ${message}`);
    void vscode.window.showErrorMessage(message);
    return { status: 'failed', stage: 'files', message, template, projectDir, files };
  }
  const result = { template, projectDir, files, filesMs, env, torchWheels };
  if (env.status !== 'ready') {
    announceOutcome(services, env, () => run('use', false));
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
    const r = await runProcess(env.venvPython, ['-c', 'import ipykernel'], { timeoutMs: 60_000 });
    ipykernel = r.code === 0;
    const detail = (r.stderr || r.spawnError?.message || '').trim().split(/\r?\n/).pop() ?? '';
    services.log[ipykernel ? 'info' : 'warn'](
      `new project: .venv ${ipykernel ? 'imports ipykernel' : `cannot import ipykernel: ${detail}`}`,
    );
    if (!ipykernel) {
      void vscode.window.showWarningMessage(
        t(
          'The notebook needs ipykernel, which .venv cannot import ({0}). Install it with: {1}',
          detail,
          `"${env.venvPython}" -m pip install ipykernel`,
        ),
      );
    }
  }
  const jupyter = vscode.extensions.getExtension('ms-toolsai.jupyter') !== undefined;
  const mainFile = notebook && jupyter && ipykernel ? NOTEBOOK_FILE : TEMPLATES[template].mainFile;
  await openProject(args.open, projectDir, mainFile, env.venvPython);
  return { ...result, status: 'created', ipykernel };
}

async function openProject(
  open: OpenChoice | undefined,
  projectDir: string,
  mainFile: string,
  venvPython?: string,
): Promise<void> {
  let choice = open;
  if (!choice) {
    const newWindow = t('Open in New Window');
    const here = t('Open Here');
    const add = t('Add to Workspace');
    const answer = await vscode.window.showInformationMessage(
      t('The project {0} is ready: files, .venv and packages.', path.basename(projectDir)),
      newWindow,
      here,
      add,
    );
    choice =
      answer === newWindow
        ? 'newWindow'
        : answer === here
          ? 'thisWindow'
          : answer === add
            ? 'addToWorkspace'
            : 'none';
  }
  const uri = vscode.Uri.file(projectDir);
  switch (choice) {
    case 'newWindow':
      await vscode.commands.executeCommand('vscode.openFolder', uri, { forceNewWindow: true });
      break;
    case 'thisWindow':
      await vscode.commands.executeCommand('vscode.openFolder', uri, { forceReuseWindow: true });
      break;
    case 'addToWorkspace': {
      const count = vscode.workspace.workspaceFolders?.length ?? 0;
      vscode.workspace.updateWorkspaceFolders(count, 0, { uri });
      if (venvPython) await selectInPythonExtension(venvPython, uri);
      // vscode.open picks the right editor (the notebook editor for .ipynb).
      await vscode.commands.executeCommand('vscode.open', vscode.Uri.joinPath(uri, mainFile));
      break;
    }
    case 'none':
      break;
  }
}
