// The package-index mirror (aiOnramp.python.indexUrl) with a real pip: a PEP 503 index on a loopback port holding
// a wheel built here, used as pip's primary index; an index nobody answers on; and the README's pip command.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { torchRequirementLines } from '../../src/extension/python/gpu';
import { pipInstallCommand } from '../../src/extension/python/indexes';
import { connectionError, redactIndexUrl, validIndexUrl } from '../../src/extension/python/pip';
import { setUpEnvironment } from '../../src/extension/python/projectEnv';
import { venvPythonPath } from '../../src/extension/python/venv';
import { writeTemplate } from '../../src/extension/scaffold/templates';
import {
  buildTinyWheel,
  isolatePipFromMachineConfig,
  serveSimpleIndex,
  testPython,
  unreachableIndexUrl,
  writeRequirements,
} from './pythonFixtures';

const root = path.resolve(__dirname, '../..');

describe('python: package index mirror', function () {
  this.timeout(180_000);
  let tmp: string;
  let project: string;
  let index: Awaited<ReturnType<typeof serveSimpleIndex>>;
  let restoreEnv: () => void;
  const python = testPython();

  before(async () => {
    restoreEnv = isolatePipFromMachineConfig();
    tmp = mkdtempSync(path.join(os.tmpdir(), 'onramp-mirror-'));
    const wheels = path.join(tmp, 'wheels');
    buildTinyWheel(wheels, 'onramp_hello', '1.0.0', '镜像可用');
    index = await serveSimpleIndex(wheels);
    project = path.join(tmp, 'mirror project 镜像');
    mkdirSync(project, { recursive: true });
  });
  after(async () => {
    restoreEnv();
    await index?.close();
    rmSync(tmp, { recursive: true, force: true });
  });

  it('installs through the mirror set as the primary index (no other index asked)', async () => {
    writeRequirements(project, ['onramp_hello']);
    const r = await setUpEnvironment({
      projectDir: project,
      python,
      existingVenv: 'recreate',
      requirementsFile: 'requirements.txt',
      indexUrl: index.url,
    });
    assert.equal(r.venv.status, 'created', JSON.stringify(r.venv));
    assert.equal(r.install?.ok, true, r.install?.output.join('\n'));
    assert.deepEqual(r.install?.installed, ['onramp_hello-1.0.0']);
    assert.equal(r.install?.indexUrl, index.url);
    assert.ok(index.requests.includes('/simple/onramp-hello/'), index.requests.join(', '));
    assert.ok(index.requests.includes('/files/onramp_hello-1.0.0-py3-none-any.whl'));
    const greeting = execFileSync(
      venvPythonPath(path.join(project, '.venv')),
      ['-c', 'import onramp_hello; print(onramp_hello.GREETING)'],
      { encoding: 'utf8', env: { ...process.env, PYTHONIOENCODING: 'utf-8' } },
    ).trim();
    assert.equal(greeting, '镜像可用');
  });

  it('an index nobody answers on: the problem is the index, with the network error, not "no matching distribution"', async () => {
    const dead = await unreachableIndexUrl();
    writeRequirements(project, ['onramp_other']);
    const r = await setUpEnvironment({
      projectDir: project,
      python,
      existingVenv: 'use',
      requirementsFile: 'requirements.txt',
      indexUrl: dead,
    });
    console.log(`      unreachable index: pip gave up after ${r.install?.durationMs} ms`);
    assert.equal(r.venv.status, 'reused');
    assert.equal(r.install?.ok, false);
    assert.equal(r.install?.problem, 'indexUnreachable', r.install?.output.join('\n'));
    assert.equal(r.install?.indexUrl, dead);
    assert.match(r.install?.problemDetail ?? '', /Connection refused/);
  });

  it("the CPU index as an extra index: pip takes torch's +cpu build from it, everything else from the mirror", async () => {
    const cpuWheels = path.join(tmp, 'cpu wheels');
    const mirrorWheels = path.join(tmp, 'mirror wheels');
    buildTinyWheel(cpuWheels, 'torch', '2.0.0+cpu', 'cpu');
    buildTinyWheel(mirrorWheels, 'torch', '2.0.0', 'cuda');
    buildTinyWheel(mirrorWheels, 'onramp_hello', '1.0.0', 'mirror');
    const cpuIndex = await serveSimpleIndex(cpuWheels);
    const mirror = await serveSimpleIndex(mirrorWheels);
    try {
      // What torchRequirementLines('cpu') writes, with a loopback stand-in for download.pytorch.org.
      const head = torchRequirementLines('cpu').map((l) =>
        l.startsWith('--extra-index-url') ? `--extra-index-url ${cpuIndex.url}` : l,
      );
      writeRequirements(project, [...head, 'torch', 'onramp_hello']);
      const r = await setUpEnvironment({
        projectDir: project,
        python,
        existingVenv: 'use',
        requirementsFile: 'requirements.txt',
        pipArgs: ['--force-reinstall'],
        indexUrl: mirror.url,
      });
      assert.equal(r.install?.ok, true, r.install?.output.join('\n'));
      assert.deepEqual([...(r.install?.installed ?? [])].sort(), ['onramp_hello-1.0.0', 'torch-2.0.0+cpu']);
      assert.ok(!mirror.requests.some((u) => u.startsWith('/files/torch')), 'the CUDA torch was not fetched');
    } finally {
      await cpuIndex.close();
      await mirror.close();
    }
  });

  it("reads pip's retry warnings as the network error they carry", () => {
    assert.equal(
      connectionError(
        "WARNING: Retrying (Retry(total=4, connect=None, read=None, redirect=None, status=None)) after connection broken by 'NewConnectionError('<pip._vendor.urllib3.connection.HTTPConnection object at 0x7f3c>: Failed to establish a new connection: [Errno 111] Connection refused')': /simple/onramp-other/",
      ),
      'Failed to establish a new connection: [Errno 111] Connection refused',
    );
    assert.equal(
      connectionError(
        `WARNING: Retrying (Retry(total=0, connect=None, read=None, redirect=None, status=None)) after connection broken by 'ReadTimeoutError("HTTPSConnectionPool(host='pypi.org', port=443): Read timed out. (read timeout=15)")': /simple/torch/`,
      ),
      'Read timed out. (read timeout=15)',
    );
    assert.equal(connectionError('Collecting torch'), undefined);
  });

  it('accepts http(s) and file index URLs only, and hides a password in what it shows', () => {
    assert.equal(
      validIndexUrl(' https://pypi.tuna.tsinghua.edu.cn/simple '),
      'https://pypi.tuna.tsinghua.edu.cn/simple',
    );
    assert.equal(validIndexUrl('file:///srv/simple'), 'file:///srv/simple');
    for (const bad of ['', 'pypi', 'ftp://x/simple', 'https://a b/simple', 'javascript:alert(1)', 42]) {
      assert.equal(validIndexUrl(bad), undefined, String(bad));
    }
    assert.equal(
      redactIndexUrl('https://me:secret@mirror.example/simple'),
      'https://me:***@mirror.example/simple',
    );
  });

  it("writes the mirror into the scaffolded README's pip command (and leaves it out without one)", async () => {
    const templatesRoot = path.join(root, 'src/extension/scaffold/templates');
    const mirror = 'https://pypi.tuna.tsinghua.edu.cn/simple';
    for (const id of ['keras-mnist', 'pytorch-mnist', 'data-science'] as const) {
      const withMirror = path.join(tmp, `readme-${id}`);
      await writeTemplate({ templatesRoot, id, projectDir: withMirror, indexUrl: mirror });
      const readme = readFileSync(path.join(withMirror, 'README.md'), 'utf8');
      assert.ok(readme.includes(`python -m pip install -r requirements.txt -i ${mirror}\n`), id);
      const plain = path.join(tmp, `readme-plain-${id}`);
      await writeTemplate({ templatesRoot, id, projectDir: plain });
      assert.equal(
        readFileSync(path.join(plain, 'README.md'), 'utf8'),
        readFileSync(path.join(templatesRoot, id, 'README.md'), 'utf8'),
      );
    }
    assert.equal(pipInstallCommand('https://pypi.org/simple'), 'python -m pip install -r requirements.txt');
  });
});
