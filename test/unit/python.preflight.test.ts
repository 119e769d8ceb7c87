// The preflight report's lines from probe data for Linux, Windows and macOS machines, each with its exact fix;
// and the facts read from this machine (free space, PEP 668 marker of Debian's own Python).
import assert from 'node:assert/strict';
import { format } from '../../src/shared/l10n/format';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import { createServer } from 'node:http';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { findProblems, type PythonCheck, type Translate } from '../../src/extension/python/check';
import { renderCheckReport } from '../../src/extension/python/report';
import { classifyVersion } from '../../src/extension/python/versions';
import type { ProbedCandidate, UsableInterpreter } from '../../src/extension/python/interpreters';
import type { OsInfo } from '../../src/extension/python/osInfo';
import {
  checkIndex,
  gatherPreflightFacts,
  indexLine,
  parseExecutionPolicy,
  parseLongPaths,
  preflightLines,
  type PreflightFacts,
} from '../../src/extension/python/preflight';
import { probeInterpreter, type ProbeInfo } from '../../src/extension/python/probe';
import { serveSimpleIndex, testPython, unreachableIndexUrl } from './pythonFixtures';

const t: Translate = format;

function interpreter(
  executable: string,
  version: [number, number, number],
  more: Partial<ProbeInfo> = {},
): UsableInterpreter {
  const info: ProbeInfo = {
    version,
    versionText: version.join('.'),
    executable,
    prefix: path.dirname(path.dirname(executable)),
    basePrefix: path.dirname(path.dirname(executable)),
    inVirtualEnv: false,
    implementation: 'CPython',
    platform: 'linux',
    bits: 64,
    modules: { venv: true, ensurepip: true, pip: true },
    pipVersion: '24.0',
    frameworks: [],
    sitePackages: null,
    externallyManaged: false,
    ...more,
  };
  return {
    source: 'path',
    command: 'python3',
    args: [],
    ok: true,
    resolvedPath: executable,
    info,
    versionStatus: classifyVersion(version),
    canCreateVenv: info.modules.venv && info.modules.ensurepip,
  };
}

function check(osInfo: OsInfo, found: ProbedCandidate[]): PythonCheck {
  const chosen = found.find((p): p is UsableInterpreter => p.ok && p.info.version[0] >= 3);
  return { os: osInfo, interpreters: found, chosen, problems: findProblems(found, chosen), durationMs: 5 };
}

const debian: OsInfo = { family: 'debian', name: 'Ubuntu 24.04 LTS' };
const windows: OsInfo = { family: 'windows', name: 'Windows' };
const macos: OsInfo = { family: 'macos', name: 'macOS' };

describe('python: preflight report', () => {
  it('Linux: Ubuntu 24.04 Python without python3-venv, managed by the OS (PEP 668), a nearly full disk', () => {
    const py = interpreter('/usr/bin/python3', [3, 12, 3], {
      modules: { venv: true, ensurepip: false, pip: false },
      externallyManaged: true,
    });
    const facts: PreflightFacts = { folder: '/home/li/projects', freeBytes: 1.2e9 };
    const lines = preflightLines(check(debian, [py]), facts, t);
    assert.deepEqual(
      lines.map((l) => [l.id, l.status]),
      [
        ['python', 'ok'],
        ['venv', 'error'],
        ['pep668', 'info'],
        ['disk', 'warning'],
      ],
    );
    assert.equal(
      lines[0].title,
      'Python 3.12.3 at /usr/bin/python3, inside the range TensorFlow supports (3.9–3.13).',
    );
    assert.equal(lines[1].fix?.command, 'sudo apt install python3.12-venv');
    assert.match(
      lines[2].title,
      /externally-managed-environment.*AI Onramp never does: packages always go into the project's \.venv\./,
    );
    assert.equal(lines[3].title, 'Only 1.2 GB free in /home/li/projects; the packages take about 3.0 GB.');
    assert.equal(lines[3].fix?.text, 'Free about 1.8 GB there, or create the project on another disk.');
    // PyTorch's CPU wheels fit where TensorFlow does not.
    const cpu = preflightLines(check(debian, [py]), facts, t, 'torch-cpu');
    assert.equal(cpu.find((l) => l.id === 'disk')?.status, 'warning');
    const roomy = preflightLines(check(debian, [py]), { ...facts, freeBytes: 2e9 }, t, 'torch-cpu');
    assert.equal(
      roomy.find((l) => l.id === 'disk')?.title,
      '2.0 GB free in /home/li/projects (the packages take about 1.5 GB).',
    );
  });

  it('Windows: the Store alias, a Python 3.14 too new for TensorFlow, Restricted execution policy, long paths off', () => {
    const alias: ProbedCandidate = {
      source: 'path',
      command: 'python',
      args: [],
      ok: false,
      resolvedPath: 'C:\\Users\\li\\AppData\\Local\\Microsoft\\WindowsApps\\python.exe',
      failure: { code: 'storeAlias', detail: 'Python was not found' },
    };
    const py = interpreter('C:\\Python314\\python.exe', [3, 14, 0], { platform: 'win32' });
    const facts: PreflightFacts = {
      folder: 'C:\\Users\\li',
      freeBytes: 50e9,
      executionPolicy: 'Restricted',
      longPathsEnabled: false,
    };
    const lines = preflightLines(check(windows, [py, alias]), facts, t);
    assert.deepEqual(
      lines.map((l) => [l.id, l.status]),
      [
        ['python', 'warning'],
        ['python', 'warning'],
        ['venv', 'ok'],
        ['pep668', 'info'],
        ['executionPolicy', 'warning'],
        ['longPaths', 'warning'],
        ['disk', 'ok'],
      ],
    );
    assert.equal(lines[0].title, 'Python 3.14.0 is newer than TensorFlow supports (3.9–3.13).');
    assert.equal(lines[0].fix?.command, 'winget install --exact --id Python.Python.3.12');
    assert.match(lines[1].title, /Microsoft Store alias/);
    assert.equal(
      lines[4].fix?.command,
      'Set-ExecutionPolicy -Scope CurrentUser -ExecutionPolicy RemoteSigned',
    );
    assert.match(lines[5].fix?.command ?? '', /LongPathsEnabled" -Value 1 -PropertyType DWORD -Force$/);
    // The same machine, set up: no warnings left but the version.
    const fixed = preflightLines(
      check(windows, [py]),
      { ...facts, executionPolicy: 'RemoteSigned', longPathsEnabled: true },
      t,
      'torch-cpu',
    );
    assert.deepEqual(
      fixed.map((l) => l.status),
      ['ok', 'ok', 'info', 'ok', 'ok', 'ok'],
    );
  });

  it('macOS: Homebrew Python (PEP 668) is fine: the venv takes the packages; no Windows lines', () => {
    const py = interpreter('/opt/homebrew/bin/python3.13', [3, 13, 1], {
      platform: 'darwin',
      externallyManaged: true,
    });
    const lines = preflightLines(check(macos, [py]), { folder: '/Users/li', freeBytes: 100e9 }, t);
    assert.deepEqual(
      lines.map((l) => [l.id, l.status]),
      [
        ['python', 'ok'],
        ['venv', 'ok'],
        ['pep668', 'info'],
        ['disk', 'ok'],
      ],
    );
    assert.ok(lines.every((l) => l.status === 'ok' || l.status === 'info'));
  });

  it('no Python at all: one error line with the install command, nothing about venvs', () => {
    const lines = preflightLines(check(macos, []), {}, t);
    assert.deepEqual(
      lines.map((l) => [l.id, l.status]),
      [['python', 'error']],
    );
    assert.equal(lines[0].fix?.command, 'brew install python@3.12');
  });

  it('the check report shows each line with its fix under "Before a project is created"', () => {
    const py = interpreter('/usr/bin/python3', [3, 12, 3], {
      modules: { venv: true, ensurepip: false, pip: false },
    });
    const c = check(debian, [py]);
    const report = renderCheckReport(c, t, preflightLines(c, { folder: '/srv', freeBytes: 10e9 }, t));
    assert.ok(
      report.includes('## Before a project is created\n\n- ✅ Python 3.12.3 at /usr/bin/python3'),
      report,
    );
    assert.ok(report.includes('  ```sh\n  sudo apt install python3.12-venv\n  ```'), report);
    assert.ok(report.includes('- ✅ 10.0 GB free in /srv (the packages take about 3.0 GB).'), report);
  });

  it("reads Windows' answers: Get-ExecutionPolicy and the LongPathsEnabled value", () => {
    assert.equal(parseExecutionPolicy('RemoteSigned\r\n'), 'RemoteSigned');
    assert.equal(parseExecutionPolicy('Get-ExecutionPolicy : not recognized'), undefined);
    const reg =
      '\r\nHKEY_LOCAL_MACHINE\\SYSTEM\\CurrentControlSet\\Control\\FileSystem\r\n    LongPathsEnabled    REG_DWORD    0x1\r\n';
    assert.equal(parseLongPaths(reg), true);
    assert.equal(parseLongPaths(reg.replace('0x1', '0x0')), false);
    assert.equal(
      parseLongPaths('ERROR: The system was unable to find the specified registry key'),
      undefined,
    );
  });

  it("this machine: free space from statfs, and the PEP 668 marker of Debian's own Python", async function () {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'onramp-preflight-'));
    try {
      const facts = await gatherPreflightFacts(dir);
      const df = Number(
        execFileSync('df', ['--output=avail', '-B1', dir], { encoding: 'utf8' }).trim().split('\n')[1],
      );
      assert.ok(
        facts.freeBytes !== undefined && Math.abs(facts.freeBytes - df) < 200e6,
        `${facts.freeBytes} vs df ${df}`,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    const own = await probeInterpreter(testPython());
    assert.ok(own.ok);
    const system = '/usr/bin/python3';
    if (!existsSync(system)) this.skip();
    const marker = execFileSync(
      system,
      [
        '-c',
        'import os, sysconfig; print(os.path.isfile(os.path.join(sysconfig.get_path("stdlib"), "EXTERNALLY-MANAGED")))',
      ],
      { encoding: 'utf8' },
    ).trim();
    const probed = await probeInterpreter(system);
    assert.ok(probed.ok);
    assert.equal(probed.info.externallyManaged, marker === 'True');
  });

  it('the package index line: a loopback mirror answers, a closed port and a silent server do not', async () => {
    const wheels = mkdtempSync(path.join(os.tmpdir(), 'onramp-index-'));
    const index = await serveSimpleIndex(wheels);
    const silent = createServer(() => undefined);
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    try {
      const ok = await checkIndex(index.url);
      assert.equal(ok.ok, true);
      assert.match(ok.detail, /^HTTP 200 in \d+ ms$/);
      assert.match(
        indexLine(ok, index.url, t).title,
        /^The package index http:\/\/127\.0\.0\.1:\d+\/simple\/ answers \(HTTP 200 in \d+ ms\)\.$/,
      );
      const dead = await unreachableIndexUrl();
      const refused = await checkIndex(dead);
      assert.equal(refused.ok, false);
      assert.match(refused.detail, /ECONNREFUSED/);
      const line = indexLine(refused, dead, t);
      assert.equal(line.status, 'warning');
      assert.equal(
        line.fix?.text,
        'Pick another one with "AI Onramp: Choose Package Index (Mirror)", or check the network and proxy.',
      );
      const port = (silent.address() as { port: number }).port;
      const started = Date.now();
      const hung = await checkIndex(`http://127.0.0.1:${port}/simple/`, 300);
      assert.deepEqual([hung.ok, hung.detail], [false, 'no answer within 300 ms']);
      assert.ok(Date.now() - started < 2000);
      assert.equal((await checkIndex(pathToFileURL(wheels).href)).ok, true);
      assert.equal((await checkIndex(pathToFileURL(path.join(wheels, 'nope')).href)).ok, false);
    } finally {
      await index.close();
      silent.closeAllConnections();
      await new Promise<void>((resolve) => silent.close(() => resolve()));
      rmSync(wheels, { recursive: true, force: true });
    }
  });
});
