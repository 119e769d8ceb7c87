// Real venvs and a real pip: made in a path with spaces and Chinese characters, a package built here installed
// offline and imported, a missing package, a cancelled install, and a Python without ensurepip.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pipInstallRequirements, type PipEvent } from '../../src/extension/python/pip';
import type { Logger } from '../../src/extension/python/process';
import { setUpEnvironment } from '../../src/extension/python/projectEnv';
import { createVenv, inspectVenv, venvPythonPath } from '../../src/extension/python/venv';
import {
  buildSlowSdist,
  buildTinyWheel,
  debianPythonWithoutEnsurepip,
  isolatePipFromMachineConfig,
  processAlive,
  testPython,
  writeRequirements,
} from './pythonFixtures';

class RecordingLog implements Logger {
  readonly lines: string[] = [];
  info(m: string): void {
    this.lines.push(`info ${m}`);
  }
  warn(m: string): void {
    this.lines.push(`warn ${m}`);
  }
  error(m: string): void {
    this.lines.push(`error ${m}`);
  }
}

async function waitFor(check: () => boolean, ms: number, what: string): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('python: real venvs and pip', function () {
  this.timeout(180_000);
  let tmp: string;
  let project: string;
  let wheels: string;
  let restoreEnv: () => void;
  const python = testPython();

  before(async () => {
    restoreEnv = isolatePipFromMachineConfig();
    tmp = mkdtempSync(path.join(os.tmpdir(), 'onramp-venv-'));
    project = path.join(tmp, 'x', 'my proj 项目');
    mkdirSync(project, { recursive: true });
    wheels = path.join(tmp, 'wheels 轮子');
    buildTinyWheel(wheels);
  });
  after(() => {
    restoreEnv();
    rmSync(tmp, { recursive: true, force: true });
  });

  it('makes a venv in a path with spaces and Chinese characters', async () => {
    const log = new RecordingLog();
    const venvDir = path.join(project, '.venv');
    const made = await createVenv({ python, venvDir, log });
    assert.ok(made.ok, JSON.stringify(made));
    console.log(`      venv creation: ${made.durationMs} ms`);
    assert.equal(made.python, venvPythonPath(venvDir));
    const prefix = execFileSync(made.python, ['-c', 'import sys; print(sys.prefix)'], {
      encoding: 'utf8',
    }).trim();
    assert.equal(prefix, venvDir);
    const seen = await inspectVenv(venvDir);
    assert.equal(seen.kind, 'venv');
    assert.ok(log.lines.some((l) => l.startsWith('info venv: created in')));
  });

  it('installs a wheel offline with --no-index --find-links and imports it inside the venv', async () => {
    writeRequirements(project, ['onramp_hello==1.0.0']);
    const log = new RecordingLog();
    const events: PipEvent[] = [];
    const venvPython = venvPythonPath(path.join(project, '.venv'));
    const r = await pipInstallRequirements({
      python: venvPython,
      cwd: project,
      requirementsFile: 'requirements.txt',
      extraArgs: ['--no-index', '--find-links', wheels],
      log,
      onEvent: (e) => events.push(e),
    });
    console.log(`      offline install: ${r.durationMs} ms`);
    assert.equal(r.ok, true, r.output.join('\n'));
    assert.deepEqual(r.installed, ['onramp_hello-1.0.0']);
    assert.deepEqual(
      events.map((e) => e.kind),
      ['collecting', 'installing', 'installed'],
    );
    assert.ok(log.lines.some((l) => l === 'info pip: Successfully installed onramp_hello-1.0.0'));
    const greeting = execFileSync(venvPython, ['-c', 'import onramp_hello; print(onramp_hello.GREETING)'], {
      encoding: 'utf8',
      env: { ...process.env, PYTHONIOENCODING: 'utf-8' },
    }).trim();
    assert.equal(greeting, '你好, AI Onramp');
    // The base interpreter does not see it: the venv is really separate.
    assert.throws(() => execFileSync(python, ['-c', 'import onramp_hello'], { stdio: 'pipe' }));
  });

  it('a requirement that cannot be found: pip error word for word, logged, files and venv kept', async () => {
    writeRequirements(project, ['onramp-no-such-package']);
    const log = new RecordingLog();
    const empty = path.join(tmp, 'empty');
    mkdirSync(empty, { recursive: true });
    const r = await pipInstallRequirements({
      python: venvPythonPath(path.join(project, '.venv')),
      cwd: project,
      requirementsFile: 'requirements.txt',
      extraArgs: ['--no-index', '--find-links', empty],
      log,
    });
    assert.equal(r.ok, false);
    assert.equal(r.cancelled, false);
    assert.equal(r.exitCode, 1);
    assert.deepEqual(r.errors, [
      'Could not find a version that satisfies the requirement onramp-no-such-package (from versions: none)',
      'No matching distribution found for onramp-no-such-package',
    ]);
    assert.ok(
      log.lines.includes('warn pip: ERROR: No matching distribution found for onramp-no-such-package'),
    );
    assert.ok(log.lines.some((l) => /^error pip: failed \(exit code 1\)/.test(l)));
    assert.equal(readFileSync(path.join(project, 'requirements.txt'), 'utf8'), 'onramp-no-such-package\n');
    assert.equal((await inspectVenv(path.join(project, '.venv'))).kind, 'venv');
  });

  it('cancel during an install ends pip and the build it started; the venv stays', async () => {
    const slow = path.join(tmp, 'slow');
    const pidFile = path.join(tmp, 'backend.pid');
    buildSlowSdist(slow, pidFile, 120);
    writeRequirements(project, ['onramp_slow']);
    const controller = new AbortController();
    let pipPid: number | undefined;
    const log = new RecordingLog();
    const running = pipInstallRequirements({
      python: venvPythonPath(path.join(project, '.venv')),
      cwd: project,
      requirementsFile: 'requirements.txt',
      extraArgs: ['--no-index', '--find-links', slow, '--no-build-isolation'],
      log,
      signal: controller.signal,
      onSpawn: (pid) => (pipPid = pid),
    });
    await waitFor(
      () => existsSync(pidFile) && readFileSync(pidFile, 'utf8').length > 0,
      60_000,
      'the build backend',
    );
    const backendPid = Number(readFileSync(pidFile, 'utf8'));
    assert.ok(pipPid && processAlive(pipPid) && processAlive(backendPid));
    const cancelledAt = Date.now();
    controller.abort();
    const r = await running;
    assert.equal(r.cancelled, true);
    assert.equal(r.ok, false);
    assert.equal(r.pid, pipPid);
    await waitFor(
      () => !processAlive(pipPid!) && !processAlive(backendPid),
      5000,
      'pip and its build to end',
    );
    console.log(`      cancel: pip and the build backend gone ${Date.now() - cancelledAt} ms after cancel`);
    assert.ok(log.lines.some((l) => /^warn pip: cancelled in \d+ ms$/.test(l)));
    assert.equal((await inspectVenv(path.join(project, '.venv'))).kind, 'venv');
  });

  it('reuses an existing venv when asked, and refuses to build over a file called .venv', async () => {
    writeRequirements(project, ['onramp_hello']);
    const reused = await setUpEnvironment({
      projectDir: project,
      python,
      existingVenv: 'use',
      requirementsFile: 'requirements.txt',
      pipArgs: ['--no-index', '--find-links', wheels],
    });
    assert.equal(reused.venv.status, 'reused');
    assert.equal(reused.install?.ok, true);

    const fileProject = path.join(tmp, 'file venv');
    mkdirSync(fileProject);
    writeFileSync(path.join(fileProject, '.venv'), 'not a folder');
    const refused = await setUpEnvironment({ projectDir: fileProject, python, existingVenv: 'use' });
    assert.equal(refused.venv.status, 'failed');
    assert.deepEqual(refused.venv.status === 'failed' && refused.venv.failure, {
      code: 'existingVenv',
      existing: 'file',
      output: '',
    });
    assert.equal(readFileSync(path.join(fileProject, '.venv'), 'utf8'), 'not a folder', 'nothing lost');
  });

  describe('a Python without ensurepip (Debian without python3-venv)', () => {
    let noEnsurepip: string | undefined;
    before(function () {
      noEnsurepip = debianPythonWithoutEnsurepip(path.join(tmp, 'debian-python'));
      if (!noEnsurepip) this.skip();
    });

    it("python -m venv fails with Debian's message; the half-made .venv is removed", async () => {
      const dir = path.join(tmp, 'x', 'no ensurepip 项目');
      mkdirSync(dir, { recursive: true });
      const log = new RecordingLog();
      const made = await createVenv({ python: noEnsurepip!, venvDir: path.join(dir, '.venv'), log });
      assert.equal(made.ok, false);
      assert.ok(!made.ok);
      assert.equal(made.failure.code, 'noEnsurepip');
      assert.ok(made.failure.code === 'noEnsurepip');
      const version = execFileSync(
        noEnsurepip!,
        ['-c', 'import sys; print("%d.%d" % sys.version_info[:2])'],
        { encoding: 'utf8' },
      ).trim();
      assert.equal(made.failure.aptPackage, `python${version}-venv`);
      assert.match(
        made.failure.output,
        /^The virtual environment was not created successfully because ensurepip is not\navailable\./,
      );
      console.log(`      python -m venv said:\n${made.failure.output.replace(/^/gm, '        | ')}`);
      assert.equal(made.removedPartial, true);
      assert.equal(existsSync(path.join(dir, '.venv')), false, 'no half-made .venv left behind');
    });

    it('setting up a project refuses before creating anything', async () => {
      const dir = path.join(tmp, 'x', 'refused 项目');
      mkdirSync(dir, { recursive: true });
      const log = new RecordingLog();
      const r = await setUpEnvironment({
        projectDir: dir,
        python: noEnsurepip!,
        existingVenv: 'recreate',
        log,
      });
      assert.equal(r.venv.status, 'failed');
      assert.equal(r.venv.status === 'failed' && r.venv.failure.code, 'noEnsurepip');
      assert.equal(r.base?.modules.ensurepip, false);
      assert.equal(existsSync(path.join(dir, '.venv')), false);
      assert.ok(!log.lines.some((l) => l.includes('-m venv')), 'python -m venv never ran');
    });
  });
});
