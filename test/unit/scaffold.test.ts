// New AI Project without the editor: names, arguments, the template files (checked by the real Python), and a
// whole project made in a path with spaces and Chinese characters with a real venv and a real (offline) pip.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { inspectVenv } from '../../src/extension/python/venv';
import { parseCreateVenvArgs } from '../../src/extension/python/commandArgs';
import { probeInterpreter } from '../../src/extension/python/probe';
import {
  baseInterpreterProblem,
  checkNotebookKernel,
  createProject,
  parseNewProjectArgs,
  templateFramework,
} from '../../src/extension/scaffold/newProject';
import { folderState, validateProjectName } from '../../src/extension/scaffold/projectName';
import { TEMPLATE_IDS, workspaceSettings, writeTemplate } from '../../src/extension/scaffold/templates';
import { isolatePipFromMachineConfig, testPython } from './pythonFixtures';

const root = path.resolve(__dirname, '../..');
const templatesRoot = path.join(root, 'src/extension/scaffold/templates');

describe('scaffold: project names', () => {
  it('accepts spaces and Chinese, rejects what breaks a folder name on some OS', () => {
    for (const ok of ['mnist', 'my proj 项目', '手写数字识别', 'a.b', 'con-test', 'COM10']) {
      assert.equal(validateProjectName(ok), undefined, ok);
    }
    const cases: Array<[string, string]> = [
      ['', 'empty'],
      ['   ', 'empty'],
      ['a/b', 'separator'],
      ['a\\b', 'separator'],
      ['a:b', 'invalidCharacter'],
      ['what?', 'invalidCharacter'],
      ['tab\there', 'invalidCharacter'],
      ['.', 'dots'],
      ['..', 'dots'],
      [' lead', 'edgeSpaceOrDot'],
      ['trail ', 'edgeSpaceOrDot'],
      ['trail.', 'edgeSpaceOrDot'],
      ['CON', 'reserved'],
      ['nul.txt', 'reserved'],
      ['lpt1', 'reserved'],
      ['x'.repeat(101), 'tooLong'],
    ];
    for (const [name, problem] of cases)
      assert.equal(validateProjectName(name), problem, JSON.stringify(name));
  });
});

describe('scaffold: command arguments are untrusted', () => {
  it('accepts a full set of valid arguments', () => {
    const r = parseNewProjectArgs({
      template: 'keras-mnist',
      parentFolder: '/tmp/x/my proj 项目',
      name: 'mnist 项目',
      python: '/usr/bin/python3',
      open: 'none',
      existingVenv: 'use',
      nonEmptyFolder: 'add',
      requirementsArgs: ['--no-index', '--find-links', '/tmp/wheels'],
    });
    assert.ok(r.ok);
    assert.equal(r.value.template, 'keras-mnist');
    assert.deepEqual(r.value.requirementsArgs, ['--no-index', '--find-links', '/tmp/wheels']);
    assert.deepEqual(parseNewProjectArgs(undefined), { ok: true, value: { requirementsArgs: [] } });
  });

  it('rejects anything else, saying what', () => {
    const bad: Array<[unknown, RegExp]> = [
      ['keras-mnist', /must be an object/],
      [[1], /must be an object/],
      [{ template: 'rm -rf' }, /unknown template/],
      [{ parentFolder: 'relative/dir' }, /absolute path/],
      [{ parentFolder: '/ok\0/x' }, /absolute path/],
      [{ python: 42 }, /absolute path/],
      [{ name: '../escape' }, /invalid name \(separator\)/],
      [{ name: 7 }, /name must be a string/],
      [{ open: 'always' }, /open must be one of/],
      [{ existingVenv: 'delete' }, /existingVenv must be one of/],
      [{ requirementsArgs: ['--index-url', 'https://evil.example/simple'] }, /not allowed/],
      [{ shell: 'bash' }, /unknown argument: shell/],
    ];
    for (const [args, reason] of bad) {
      const r = parseNewProjectArgs(args);
      assert.equal(r.ok, false, JSON.stringify(args));
      assert.match(!r.ok ? r.reason : '', reason);
    }
    assert.equal(parseCreateVenvArgs({ folder: 'x' }).ok, false);
    assert.equal(parseCreateVenvArgs({ folder: '/x', requirementsArgs: ['--no-index'] }).ok, true);
  });
});

describe('scaffold: the checks around createProject', function () {
  this.timeout(60_000);

  it('refuses a base Python without venv or ensurepip, or older than 3, before anything is written', async () => {
    const probe = await probeInterpreter(testPython());
    assert.ok(probe.ok, JSON.stringify(probe));
    const info = probe.info;
    assert.equal(baseInterpreterProblem(info), undefined);
    assert.equal(
      baseInterpreterProblem({ ...info, modules: { ...info.modules, venv: false } }),
      'noVenvModule',
    );
    assert.equal(baseInterpreterProblem({ ...info, version: [2, 7, 18] }), 'noVenvModule');
    assert.equal(
      baseInterpreterProblem({ ...info, modules: { ...info.modules, ensurepip: false } }),
      'noEnsurepip',
    );
  });

  it("sizes the disk preflight by template, PyTorch's by the wheels chosen", () => {
    assert.equal(templateFramework('keras-mnist'), 'tensorflow');
    assert.equal(templateFramework('data-science'), 'data-science');
    assert.equal(templateFramework('pytorch-mnist', 'cpu'), 'torch-cpu');
    assert.equal(templateFramework('pytorch-mnist', 'default'), 'torch');
  });

  it("says whether the notebook's kernel imports, with the error's last line and a log line", async () => {
    const stubs = mkdtempSync(path.join(os.tmpdir(), 'onramp-kernel-'));
    const before = process.env.PYTHONPATH;
    const logged: string[] = [];
    const log = {
      info: (m: string) => logged.push(`info ${m}`),
      warn: (m: string) => logged.push(`warn ${m}`),
      error: (m: string) => logged.push(`error ${m}`),
    };
    try {
      process.env.PYTHONPATH = stubs;
      writeFileSync(path.join(stubs, 'ipykernel.py'), "raise ImportError('no kernel here')\n");
      assert.deepEqual(await checkNotebookKernel(testPython(), log), {
        ok: false,
        detail: 'ImportError: no kernel here',
      });
      writeFileSync(path.join(stubs, 'ipykernel.py'), '');
      assert.deepEqual(await checkNotebookKernel(testPython(), log), { ok: true, detail: '' });
      assert.deepEqual(logged, [
        'warn new project: .venv cannot import ipykernel: ImportError: no kernel here',
        'info new project: .venv imports ipykernel',
      ]);
    } finally {
      if (before === undefined) delete process.env.PYTHONPATH;
      else process.env.PYTHONPATH = before;
      rmSync(stubs, { recursive: true, force: true });
    }
  });
});

describe('scaffold: templates', function () {
  this.timeout(60_000);
  let tmp: string;
  before(() => {
    tmp = mkdtempSync(path.join(os.tmpdir(), 'onramp-templates-'));
  });
  after(() => rmSync(tmp, { recursive: true, force: true }));

  const expected: Record<string, string[]> = {
    'keras-mnist': ['README.md', 'load_weights.py', 'requirements.txt', 'train_mnist.py'],
    'pytorch-mnist': ['README.md', 'requirements.txt', 'train_mnist.py'],
    'data-science': ['README.md', 'requirements.txt', 'starter.ipynb'],
  };

  for (const id of TEMPLATE_IDS) {
    it(`${id}: writes its files, .gitignore and .vscode/settings.json into a new folder`, async () => {
      const dir = path.join(tmp, 'x', `my proj 项目 ${id}`);
      const r = await writeTemplate({ templatesRoot, id, projectDir: dir, platform: 'linux' });
      assert.deepEqual(
        [...r.written].sort(),
        [...expected[id], '.gitignore', '.vscode/settings.json', 'my_digits.py'].sort(),
      );
      assert.deepEqual(r.kept, []);
      const settings = JSON.parse(readFileSync(path.join(dir, '.vscode/settings.json'), 'utf8'));
      assert.equal(settings['python.defaultInterpreterPath'], '${workspaceFolder}/.venv/bin/python');
      assert.match(readFileSync(path.join(dir, '.gitignore'), 'utf8'), /^\.venv\/$/m);
    });
  }

  it('points the Windows settings at Scripts\\python.exe', () => {
    const settings = JSON.parse(workspaceSettings('win32'));
    assert.equal(settings['python.defaultInterpreterPath'], '${workspaceFolder}\\.venv\\Scripts\\python.exe');
  });

  it('never overwrites a file that is already there', async () => {
    const dir = path.join(tmp, 'existing work');
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, 'README.md'), 'my own notes\n');
    const r = await writeTemplate({ templatesRoot, id: 'keras-mnist', projectDir: dir });
    assert.deepEqual(r.kept, ['README.md']);
    assert.equal(readFileSync(path.join(dir, 'README.md'), 'utf8'), 'my own notes\n');
    assert.ok(r.written.includes('train_mnist.py'));
    assert.equal(await folderState(dir), 'notEmpty');
    assert.equal(await folderState(path.join(dir, 'nope')), 'absent');
    assert.equal(await folderState(path.join(dir, 'README.md')), 'notAFolder');
  });

  it("the Python files compile with the real Python, and the Keras script is the article's model and steps", () => {
    for (const id of ['keras-mnist', 'pytorch-mnist']) {
      execFileSync(testPython(), [
        '-c',
        'import ast, sys; ast.parse(open(sys.argv[1], encoding="utf-8").read())',
        path.join(templatesRoot, id, 'train_mnist.py'),
      ]);
    }
    const keras = readFileSync(path.join(templatesRoot, 'keras-mnist/train_mnist.py'), 'utf8');
    for (const piece of [
      'tf.keras.layers.Conv2D(32, (3, 3), activation="relu")',
      'tf.keras.layers.MaxPooling2D((2, 2))',
      'tf.keras.layers.Flatten()',
      'tf.keras.layers.Dense(10, activation="softmax")',
      'tf.keras.optimizers.Adam(learning_rate=0.001)',
      'loss="sparse_categorical_crossentropy"',
      'epochs=5',
      'batch_size=32',
      '/ 255.0',
      'log_dir = "logs/" + datetime.datetime.now().strftime("%Y%m%d-%H%M%S")',
      'tf.keras.callbacks.TensorBoard(log_dir=log_dir',
    ]) {
      assert.ok(keras.includes(piece), piece);
    }
    const torch = readFileSync(path.join(templatesRoot, 'pytorch-mnist/train_mnist.py'), 'utf8');
    for (const piece of [
      'nn.Conv2d(1, 32, kernel_size=3)',
      'nn.MaxPool2d(2)',
      'nn.Linear(32 * 13 * 13, 10)',
      'from torch.utils.tensorboard import SummaryWriter',
      'log_dir = "logs/" + datetime',
    ]) {
      assert.ok(torch.includes(piece), piece);
    }
    // 32 filters of 3x3 plus biases, then 13x13x32 inputs to 10 outputs plus biases: the article's 54,410.
    assert.equal(32 * (3 * 3 + 1) + 32 * 13 * 13 * 10 + 10, 54_410);
    assert.equal(
      readFileSync(path.join(templatesRoot, 'keras-mnist/requirements.txt'), 'utf8'),
      'tensorflow\nipykernel\n',
    );
    assert.equal(
      readFileSync(path.join(templatesRoot, 'pytorch-mnist/requirements.txt'), 'utf8'),
      'torch\ntorchvision\ntensorboard\nipykernel\n',
    );
    assert.equal(
      readFileSync(path.join(templatesRoot, 'data-science/requirements.txt'), 'utf8'),
      'numpy\nmatplotlib\njupyter\n',
    );
  });

  it('the starter notebook is valid nbformat 4 JSON whose code cells compile', () => {
    const file = path.join(templatesRoot, 'data-science/starter.ipynb');
    const nb = JSON.parse(readFileSync(file, 'utf8'));
    assert.equal(nb.nbformat, 4);
    assert.ok(nb.nbformat_minor >= 5);
    assert.equal(nb.metadata.kernelspec.language, 'python');
    const ids = new Set<string>();
    for (const cell of nb.cells) {
      assert.ok(['code', 'markdown'].includes(cell.cell_type));
      assert.match(cell.id, /^[a-zA-Z0-9-_]{1,64}$/);
      ids.add(cell.id);
      assert.ok(Array.isArray(cell.source));
      if (cell.cell_type === 'code') assert.deepEqual(cell.outputs, []);
    }
    assert.equal(ids.size, nb.cells.length, 'cell ids are unique');
    const code = nb.cells
      .filter((c: { cell_type: string }) => c.cell_type === 'code')
      .map((c: { source: string[] }) => c.source.join(''))
      .join('\n\n');
    execFileSync(testPython(), ['-c', 'import ast, sys; ast.parse(sys.stdin.read())'], { input: code });
  });

  it('scripts/build-templates.mjs copies the templates to dist/templates and drops stale files', async () => {
    const fakeRoot = path.join(tmp, 'root');
    cpSync(templatesRoot, path.join(fakeRoot, 'src/extension/scaffold/templates'), { recursive: true });
    mkdirSync(path.join(fakeRoot, 'dist/templates/old'), { recursive: true });
    writeFileSync(path.join(fakeRoot, 'dist/templates/old/stale.txt'), 'x');
    const mod = (await import(pathToFileURL(path.join(root, 'scripts/build-templates.mjs')).href)) as {
      default: (o: { root: string }) => void;
    };
    mod.default({ root: fakeRoot });
    const list = (d: string): string[] => readdirSync(d, { recursive: true }).map(String).sort();
    assert.deepEqual(list(path.join(fakeRoot, 'dist/templates')), list(templatesRoot));
  });
});

describe('scaffold: a whole project with a real venv and pip', function () {
  this.timeout(180_000);
  let tmp: string;
  let restoreEnv: () => void;
  before(() => {
    restoreEnv = isolatePipFromMachineConfig();
    tmp = mkdtempSync(path.join(os.tmpdir(), 'onramp-project-'));
  });
  after(() => {
    restoreEnv();
    rmSync(tmp, { recursive: true, force: true });
  });

  it('Keras MNIST offline: files and .venv made, tensorflow not found, everything kept', async () => {
    const projectDir = path.join(tmp, 'x', 'my proj 项目', 'mnist 项目');
    const noWheels = path.join(tmp, 'no wheels');
    mkdirSync(noWheels, { recursive: true });
    const stages: string[] = [];
    const r = await createProject({
      templatesRoot,
      template: 'keras-mnist',
      projectDir,
      python: testPython(),
      existingVenv: 'recreate',
      pipArgs: ['--no-index', '--find-links', noWheels],
      onProgress: (s) => {
        if (stages.at(-1) !== s.stage) stages.push(s.stage);
      },
    });
    assert.deepEqual(stages, ['files', 'checkPython', 'venv', 'install']);
    assert.equal(r.env.venv.status, 'created');
    console.log(
      `      files ${r.filesMs} ms, venv ${r.env.venv.durationMs} ms, pip ${r.env.install?.durationMs} ms`,
    );
    assert.equal(r.env.install?.ok, false);
    assert.deepEqual(r.env.install?.errors, [
      'Could not find a version that satisfies the requirement tensorflow (from versions: none)',
      'No matching distribution found for tensorflow',
    ]);
    for (const f of [
      'train_mnist.py',
      'requirements.txt',
      'README.md',
      '.gitignore',
      '.vscode/settings.json',
    ]) {
      assert.ok(existsSync(path.join(projectDir, f)), f);
    }
    assert.equal((await inspectVenv(path.join(projectDir, '.venv'))).kind, 'venv');
  });
});
