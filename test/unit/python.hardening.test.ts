// What an unlucky user's machine does to the venv and pip steps (issue 20), with the real python3: a .venv whose
// Python does not run or is a dangling link, a .venv folder that is not a venv, a missing or read-only project
// folder, an "interpreter" that writes only to stderr, a venv without pip, a Python 2 in the setting, and a base
// interpreter probed once.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { checkPython } from '../../src/extension/python/check';
import { pipInstallRequirements } from '../../src/extension/python/pip';
import { probeInterpreter } from '../../src/extension/python/probe';
import { run } from '../../src/extension/python/process';
import { setUpEnvironment } from '../../src/extension/python/projectEnv';
import { inspectVenv, probeVenv, venvPythonPath } from '../../src/extension/python/venv';
import {
  buildTinyWheel,
  fakeInterpreter,
  isolatePipFromMachineConfig,
  makeReadOnly,
  testPython,
  writeRequirements,
} from './pythonFixtures';

const posix = process.platform !== 'win32';

describe('python: hardening against broken venvs, folders and interpreters', function () {
  this.timeout(120_000);
  let tmp: string;
  let wheels: string;
  let restoreEnv: () => void;
  const python = testPython();

  before(function () {
    if (!posix) this.skip();
    restoreEnv = isolatePipFromMachineConfig();
    tmp = mkdtempSync(path.join(os.tmpdir(), 'onramp-harden-'));
    wheels = path.join(tmp, 'wheels');
    buildTinyWheel(wheels);
  });
  after(() => {
    restoreEnv?.();
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  /** A real venv (without pip: fast) whose interpreter is then replaced by `breakIt`. */
  function brokenVenv(name: string, breakIt: (venvPython: string) => void): string {
    const project = path.join(tmp, name);
    mkdirSync(project, { recursive: true });
    execFileSync(python, ['-m', 'venv', '--without-pip', path.join(project, '.venv')]);
    const venvPython = venvPythonPath(path.join(project, '.venv'));
    rmSync(venvPython, { force: true });
    breakIt(venvPython);
    return project;
  }

  it('a .venv whose Python exits 127 is broken, not reused (with requirements: no "pip exited with code 127")', async () => {
    const project = brokenVenv('exit127', (p) =>
      fakeInterpreter(p, 'echo "python: not found" >&2; exit 127'),
    );
    writeRequirements(project, ['onramp_hello']);
    const r = await setUpEnvironment({
      projectDir: project,
      python,
      existingVenv: 'use',
      requirementsFile: 'requirements.txt',
      pipArgs: ['--no-index', '--find-links', wheels],
    });
    assert.equal(r.venv.status, 'failed', JSON.stringify(r));
    assert.ok(r.venv.status === 'failed');
    assert.equal(r.venv.failure.code, 'brokenVenv');
    assert.ok(r.venv.failure.code === 'brokenVenv');
    assert.equal(r.venv.failure.python, venvPythonPath(path.join(project, '.venv')));
    assert.match(r.venv.failure.output, /python: not found/);
    assert.equal(r.install, undefined, 'pip never ran');
  });

  it('a .venv whose bin/python is a dangling link is broken, and says which file is missing', async () => {
    const project = brokenVenv('dangling', (p) => symlinkSync(path.join(tmp, 'no-such-python3.99'), p));
    const seen = await inspectVenv(path.join(project, '.venv'));
    assert.equal(seen.kind, 'broken');
    const r = await setUpEnvironment({ projectDir: project, python, existingVenv: 'use' });
    assert.ok(r.venv.status === 'failed' && r.venv.failure.code === 'brokenVenv', JSON.stringify(r));
    assert.match(r.venv.failure.output, /is a link to something that is not there/);
  });

  it('recreating a broken .venv keeps the files of the user inside it and makes a working venv', async () => {
    const project = brokenVenv('recreate broken', (p) => fakeInterpreter(p, 'exit 127'));
    writeFileSync(path.join(project, '.venv', 'my notes.txt'), 'keep me');
    const r = await setUpEnvironment({ projectDir: project, python, existingVenv: 'recreate' });
    assert.equal(r.venv.status, 'created', JSON.stringify(r));
    assert.equal(readFileSync(path.join(project, '.venv', 'my notes.txt'), 'utf8'), 'keep me');
    const after = await probeVenv(path.join(project, '.venv'));
    assert.equal(after.existing.kind, 'venv');
    assert.equal(after.probe?.prefix, path.join(project, '.venv'));
  });

  it('"recreate" refuses to delete a .venv folder that is not a venv (no pyvenv.cfg)', async () => {
    const project = path.join(tmp, 'not a venv');
    mkdirSync(path.join(project, '.venv'), { recursive: true });
    writeFileSync(path.join(project, '.venv', 'important.txt'), 'mine');
    const r = await setUpEnvironment({ projectDir: project, python, existingVenv: 'recreate' });
    assert.deepEqual(r.venv.status === 'failed' && r.venv.failure, {
      code: 'existingVenv',
      existing: 'folder',
      output: '',
    });
    assert.equal(readFileSync(path.join(project, '.venv', 'important.txt'), 'utf8'), 'mine');
  });

  it('a project folder that does not exist is named as the cause (not "spawn … ENOENT")', async () => {
    const missing = path.join(tmp, 'no such folder');
    const r = await setUpEnvironment({ projectDir: missing, python, existingVenv: 'recreate' });
    assert.ok(r.venv.status === 'failed' && r.venv.failure.code === 'folderMissing', JSON.stringify(r));
    assert.equal(r.venv.failure.folder, missing);
    assert.equal(existsSync(missing), false);
    // The process layer names the folder too, for every caller.
    const direct = await run(python, ['-c', 'pass'], { cwd: missing });
    assert.equal(direct.spawnError?.message, `the folder ${missing} does not exist`);
  });

  it('a read-only project folder is named as the cause, before python -m venv runs', async () => {
    const project = path.join(tmp, 'read only');
    mkdirSync(project, { recursive: true });
    const undo = makeReadOnly(project);
    try {
      const r = await setUpEnvironment({ projectDir: project, python, existingVenv: 'recreate' });
      assert.ok(r.venv.status === 'failed' && r.venv.failure.code === 'folderNotWritable', JSON.stringify(r));
      assert.match(r.venv.failure.output, /EPERM|EACCES|EROFS/);
    } finally {
      undo();
    }
    assert.equal(existsSync(path.join(project, '.venv')), false);
  });

  it('an "interpreter" that writes only to stderr: its words are the reason, never an empty one', async () => {
    const fake = fakeInterpreter(
      path.join(tmp, 'bin', 'stderr-python'),
      'echo "pyenv: python3.12: command not found" >&2',
    );
    const r = await probeInterpreter(fake);
    assert.equal(r.ok, false);
    assert.ok(!r.ok);
    assert.match(r.failure.detail, /pyenv: python3\.12: command not found/);
    const silent = fakeInterpreter(path.join(tmp, 'bin', 'silent-python'), 'exit 3');
    const s = await probeInterpreter(silent);
    assert.ok(!s.ok);
    assert.equal(s.failure.detail, 'it exited with code 3 without printing anything');
  });

  it('a venv without pip: "No module named pip", not "pip exited with code 1"', async () => {
    const project = path.join(tmp, 'no pip');
    mkdirSync(project, { recursive: true });
    execFileSync(python, ['-m', 'venv', '--without-pip', path.join(project, '.venv')]);
    writeRequirements(project, ['onramp_hello']);
    const r = await pipInstallRequirements({
      python: venvPythonPath(path.join(project, '.venv')),
      cwd: project,
      requirementsFile: 'requirements.txt',
      extraArgs: ['--no-index', '--find-links', wheels],
    });
    assert.equal(r.ok, false);
    assert.equal(r.problem, 'noPip');
    assert.match(r.errors.at(-1) ?? '', /No module named pip/);
  });

  it('the base interpreter is probed once when the caller has already probed it', async () => {
    const count = path.join(tmp, 'probe-count');
    const counting = fakeInterpreter(
      path.join(tmp, 'bin', 'counting-python'),
      `case "$*" in *AI_ONRAMP_PROBE*) echo probe >> "${count}";; esac\nexec "${python}" "$@"`,
    );
    const probe = await probeInterpreter(counting);
    assert.ok(probe.ok);
    const project = path.join(tmp, 'probed once');
    mkdirSync(project, { recursive: true });
    const r = await setUpEnvironment({
      projectDir: project,
      python: counting,
      baseInfo: probe.info,
      existingVenv: 'recreate',
    });
    assert.equal(r.venv.status, 'created', JSON.stringify(r));
    assert.equal(readFileSync(count, 'utf8'), 'probe\n', 'one probe in all');
  });

  it('aiOnramp.pythonPath naming a Python 2 is reported as skipped, with the one used instead', async () => {
    const info = JSON.stringify({
      version: [2, 7, 18],
      versionText: '2.7.18 (default)',
      executable: path.join(tmp, 'bin', 'python2.7'),
      prefix: '/usr',
      basePrefix: '/usr',
      implementation: 'CPython',
      platform: 'linux2',
      bits: 64,
      modules: { venv: false, ensurepip: false, pip: false },
      pipVersion: null,
      frameworks: [],
      sitePackages: null,
    });
    const python2 = fakeInterpreter(path.join(tmp, 'bin', 'python2.7'), `echo 'AI_ONRAMP_PROBE:${info}'`);
    const check = await checkPython({ settingPath: python2 });
    assert.ok(check.chosen, 'a Python 3 from PATH is used');
    const skipped = check.problems.find((p) => p.code === 'settingSkipped');
    assert.deepEqual(skipped, {
      code: 'settingSkipped',
      severity: 'warning',
      path: python2,
      version: '2.7.18',
      usedInstead: check.chosen.info.executable,
    });
  });
});
