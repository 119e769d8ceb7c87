// uv when present: the commands built for `uv venv` and `uv pip install`, uv's output read as pip's events, uv
// found on PATH or at a configured path, a failing `uv venv` rolled back; and real uv where it is installed
// (reported as pending where it is not).
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Logger } from '../../src/extension/python/process';
import { setUpEnvironment } from '../../src/extension/python/projectEnv';
import {
  findUv,
  parseUvLine,
  parseUvVersion,
  uvConnectionError,
  uvPipInstallArgs,
  uvVenvArgs,
} from '../../src/extension/python/uv';
import { createVenv, venvPythonPath } from '../../src/extension/python/venv';
import {
  buildTinyWheel,
  fakeInterpreter,
  isolatePipFromMachineConfig,
  testPython,
  writeRequirements,
} from './pythonFixtures';

class Lines implements Logger {
  readonly lines: string[] = [];
  info(m: string): void {
    this.lines.push(m);
  }
  warn(m: string): void {
    this.lines.push(m);
  }
  error(m: string): void {
    this.lines.push(m);
  }
}

describe('python: uv', function () {
  this.timeout(120_000);
  let tmp: string;
  before(() => {
    tmp = mkdtempSync(path.join(os.tmpdir(), 'onramp-uv-'));
  });
  after(() => rmSync(tmp, { recursive: true, force: true }));

  it('builds `uv venv` and `uv pip install` with the index and the local-install flags', () => {
    assert.deepEqual(uvVenvArgs('/usr/bin/python3', '/p/my proj/.venv'), [
      'venv',
      '--no-config',
      '--python',
      '/usr/bin/python3',
      '/p/my proj/.venv',
    ]);
    assert.deepEqual(
      uvPipInstallArgs({
        venvPython: '/p/.venv/bin/python',
        requirementsFile: 'requirements.txt',
        indexUrl: 'https://pypi.tuna.tsinghua.edu.cn/simple',
        extraArgs: ['--no-index', '--find-links', '/w', '--no-cache-dir'],
      }),
      [
        'pip',
        'install',
        '--no-config',
        '--python',
        '/p/.venv/bin/python',
        '-r',
        'requirements.txt',
        '--index-url',
        'https://pypi.tuna.tsinghua.edu.cn/simple',
        '--no-index',
        '--find-links',
        '/w',
        '--no-cache',
      ],
    );
    assert.deepEqual(uvPipInstallArgs({ venvPython: 'py', requirementsFile: 'r.txt' }), [
      'pip',
      'install',
      '--no-config',
      '--python',
      'py',
      '-r',
      'r.txt',
    ]);
  });

  it("reads uv's version, installed packages, errors and network failures", () => {
    assert.equal(parseUvVersion('uv 0.5.11 (c4d0caaee 2024-12-19)\n'), '0.5.11');
    assert.equal(parseUvVersion('uv-fake'), undefined);
    assert.deepEqual(parseUvLine(' + onramp-hello==1.0.0'), {
      kind: 'installed',
      names: ['onramp-hello-1.0.0'],
    });
    assert.deepEqual(parseUvLine('error: Failed to read `requirements.txt`'), {
      kind: 'error',
      message: 'Failed to read `requirements.txt`',
    });
    assert.deepEqual(parseUvLine('  × No solution found when resolving dependencies:'), {
      kind: 'error',
      message: 'No solution found when resolving dependencies:',
    });
    assert.equal(parseUvLine('Resolved 1 package in 12ms'), undefined);
    assert.equal(
      uvConnectionError('  Caused by: tcp connect error: Connection refused (os error 111)'),
      'tcp connect error: Connection refused (os error 111)',
    );
    assert.equal(uvConnectionError('Caused by: No such file'), undefined);
  });

  it('finds uv on PATH or at the configured path, and not where there is none', async () => {
    const bin = path.join(tmp, 'bin');
    const uv = fakeInterpreter(path.join(bin, 'uv'), 'echo "uv 0.5.11 (c4d0caaee 2024-12-19)"');
    const env = { ...process.env, PATH: `${bin}:/usr/bin:/bin` };
    assert.deepEqual(await findUv(undefined, env), { path: uv, version: '0.5.11' });
    assert.deepEqual(await findUv(uv, { ...process.env, PATH: '/nowhere' }), { path: uv, version: '0.5.11' });
    assert.equal(await findUv(undefined, { ...process.env, PATH: path.join(tmp, 'empty') }), undefined);
    const broken = fakeInterpreter(path.join(tmp, 'other', 'uv'), 'exit 1');
    assert.equal(await findUv(broken, env), undefined);
  });

  it('a failing `uv venv`: the log says uv ran, the failure is in its words, nothing half-made is left', async () => {
    const argsFile = path.join(tmp, 'uv-args');
    const uv = fakeInterpreter(
      path.join(tmp, 'failing', 'uv'),
      `echo "$@" > "${argsFile}"; mkdir -p "$5/bin"; echo "error: No interpreter found for path \\\`$4\\\`" >&2; exit 2`,
    );
    const dir = path.join(tmp, 'project');
    mkdirSync(dir, { recursive: true });
    const venvDir = path.join(dir, '.venv');
    const log = new Lines();
    const made = await createVenv({ python: '/opt/py', venvDir, uv: { path: uv, version: '0.5.11' }, log });
    assert.equal(made.ok, false);
    assert.ok(!made.ok && made.failure.code === 'failed');
    assert.equal(made.failure.output, 'error: No interpreter found for path `/opt/py`');
    assert.equal(readFileSync(argsFile, 'utf8').trim(), `venv --no-config --python /opt/py ${venvDir}`);
    assert.ok(log.lines.includes(`venv: uv 0.5.11: ${uv} venv --no-config --python /opt/py ${venvDir}`));
    assert.equal(existsSync(venvDir), false, 'the half-made .venv is removed');
  });

  it('real uv: makes the venv and installs a wheel offline (pending where uv is not installed)', async function () {
    const uv = await findUv(undefined);
    if (!uv) this.skip();
    const restore = isolatePipFromMachineConfig();
    try {
      const wheels = path.join(tmp, 'wheels');
      buildTinyWheel(wheels);
      const project = path.join(tmp, 'real uv 项目');
      writeRequirements(project, ['onramp_hello']);
      const log = new Lines();
      const r = await setUpEnvironment({
        projectDir: project,
        python: testPython(),
        existingVenv: 'recreate',
        requirementsFile: 'requirements.txt',
        pipArgs: ['--no-index', '--find-links', wheels],
        uv,
        log,
      });
      assert.equal(r.venv.status, 'created', JSON.stringify(r));
      assert.equal(r.install?.ok, true, r.install?.output.join('\n'));
      assert.deepEqual(r.install?.installed, ['onramp-hello-1.0.0']);
      assert.ok(log.lines.some((l) => l.startsWith(`pip (uv ${uv.version}): `)));
      const greeting = execFileSync(
        venvPythonPath(path.join(project, '.venv')),
        ['-c', 'import onramp_hello; print(onramp_hello.GREETING)'],
        { encoding: 'utf8', env: { ...process.env, PYTHONIOENCODING: 'utf-8' } },
      ).trim();
      assert.equal(greeting, '你好, AI Onramp');
    } finally {
      restore();
    }
  });
});
