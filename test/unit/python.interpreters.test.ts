// Probing real interpreters: the machine's python3, older and newer ones where installed, a Debian Python without
// ensurepip, a missing one.
import assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { checkPython, describeProblem } from '../../src/extension/python/check';
import { probeCandidate, resolveOnPath } from '../../src/extension/python/interpreters';
import { probeInterpreter } from '../../src/extension/python/probe';
import { venvPythonPath } from '../../src/extension/python/venv';
import { execFileSync } from 'node:child_process';
import { buildTinyWheel, debianPythonWithoutEnsurepip, testPython } from './pythonFixtures';

/** Extra interpreters, where this machine has them (pyenv here); tests that need one are skipped elsewhere. */
function pyenvPython(version: string): string | undefined {
  const root = process.env.PYENV_ROOT ?? path.join(os.homedir(), '.pyenv');
  const dir = path.join(root, 'versions');
  if (!existsSync(dir)) return undefined;
  for (const name of readdirSync(dir)) {
    if (name.startsWith(`${version}.`)) {
      for (const exe of ['python3', 'python']) {
        const p = path.join(dir, name, 'bin', exe);
        if (existsSync(p)) return p;
      }
    }
  }
  return undefined;
}

describe('python: probing real interpreters', function () {
  this.timeout(30_000);
  let tmp: string;
  before(() => {
    tmp = mkdtempSync(path.join(os.tmpdir(), 'onramp-probe-'));
  });
  after(() => rmSync(tmp, { recursive: true, force: true }));

  it("reports the machine's python3: version, executable, venv, ensurepip and pip", async () => {
    const python = testPython();
    const started = Date.now();
    const r = await probeInterpreter(python);
    assert.ok(r.ok, JSON.stringify(r));
    assert.equal(r.info.executable, python);
    assert.equal(r.info.version[0], 3);
    assert.equal(r.info.modules.venv, true);
    assert.equal(r.info.modules.ensurepip, true);
    assert.ok(Date.now() - started < 5000, 'one probe is one short process');
  });

  it('reports the deep-learning frameworks a venv can import, once pip has put one there', async () => {
    const venv = path.join(tmp, 'fw venv 框架');
    execFileSync(testPython(), ['-m', 'venv', '--without-pip', venv]);
    const python = venvPythonPath(venv);
    const before = await probeInterpreter(python);
    assert.ok(before.ok, JSON.stringify(before));
    assert.deepEqual(before.info.frameworks, []);
    // A package named keras (this machine has no PyPI), installed by the real pip into the venv's site-packages.
    const wheel = buildTinyWheel(path.join(tmp, 'wheels'), 'keras', '3.0.0');
    const site = execFileSync(python, ['-c', 'import sysconfig; print(sysconfig.get_paths()["purelib"])'], {
      encoding: 'utf8',
    }).trim();
    execFileSync(testPython(), ['-m', 'pip', 'install', '--no-index', '--no-deps', '--target', site, wheel], {
      env: { ...process.env, PIP_FIND_LINKS: '', PIP_CONFIG_FILE: os.devNull },
      stdio: 'ignore',
    });
    const after = await probeInterpreter(python);
    assert.ok(after.ok);
    assert.deepEqual(after.info.frameworks, ['keras']);
    assert.equal(after.info.sitePackages, site);
    assert.equal(after.info.inVirtualEnv, true);
  });

  it('finds python3 on PATH and resolves it to a file', async () => {
    const resolved = await resolveOnPath('python3');
    assert.ok(resolved && path.isAbsolute(resolved));
    assert.equal(await resolveOnPath('surely-no-such-python-here'), undefined);
    const probed = await probeCandidate({ source: 'path', command: 'surely-no-such-python-here', args: [] });
    assert.equal(probed.ok, false);
    assert.equal(!probed.ok && probed.failure.code, 'notFound');
  });

  it('reports an interpreter that is not Python as failed, not as found', async () => {
    const fake = path.join(tmp, 'python3');
    writeFileSync(
      fake,
      '#!/bin/sh\necho "Python was not found; run without arguments to install from the Microsoft Store" >&2\nexit 9009\n',
    );
    chmodSync(fake, 0o755);
    const probed = await probeCandidate({ source: 'setting', command: fake, args: [] });
    assert.equal(probed.ok, false);
    assert.ok(!probed.ok && probed.failure.code === 'failed');
    assert.match(!probed.ok ? probed.failure.detail : '', /Python was not found/);
  });

  it('reports Python 2.7 as Python 2 (the probe runs there too)', async function () {
    const py2 = pyenvPython('2.7');
    if (!py2) this.skip();
    const r = await probeInterpreter(py2);
    assert.ok(r.ok, JSON.stringify(r));
    assert.deepEqual(r.info.version.slice(0, 2), [2, 7]);
    assert.equal(r.info.modules.venv, false);
    const check = await checkPython({ settingPath: py2 });
    const picked = check.interpreters.find((p) => p.source === 'setting');
    assert.ok(picked?.ok && picked.versionStatus === 'python2');
    assert.notEqual(check.chosen?.source, 'setting', 'Python 2 is never chosen');
  });

  it('warns about Python 3.8 as older than TensorFlow supports', async function () {
    const py38 = pyenvPython('3.8');
    if (!py38) this.skip();
    const check = await checkPython({ settingPath: py38 });
    assert.equal(check.chosen?.source, 'setting');
    assert.deepEqual(check.problems, [
      {
        code: 'versionOutOfRange',
        severity: 'warning',
        version: check.chosen.info.version.join('.'),
        tooNew: false,
      },
    ]);
  });

  it("finds no ensurepip in Debian's Python without python3-venv, and the check gives the apt command", async function () {
    const python = debianPythonWithoutEnsurepip(path.join(tmp, 'debian'));
    if (!python) this.skip();
    const check = await checkPython({ settingPath: python });
    assert.equal(check.chosen?.source, 'setting');
    assert.equal(check.chosen.info.modules.ensurepip, false);
    assert.equal(check.chosen.canCreateVenv, false);
    assert.equal(check.problems[0].code, 'noEnsurepip');
    const [major, minor] = check.chosen.info.version;
    assert.equal(check.os.family, 'debian');
    assert.equal(
      describeProblem(check.problems[0], check.os, (m) => m).fix.command,
      `sudo apt install python${major}.${minor}-venv`,
    );
  });

  it('reports a setting that points nowhere as an error, and still finds python3 on PATH', async () => {
    const check = await checkPython({ settingPath: path.join(tmp, 'no such dir', 'python3') });
    assert.equal(check.problems[0].code, 'settingNotFound');
    assert.equal(check.chosen?.source, 'path');
  });
});
