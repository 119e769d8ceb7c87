// The pure parts of src/extension/python: version policy, OS detection, pip output parsing, argument checks, the report.
import assert from 'node:assert/strict';
import { format } from '../../src/shared/l10n/format';
import {
  describeProblem,
  findProblems,
  type PythonCheck,
  type Translate,
} from '../../src/extension/python/check';
import { renderCheckReport } from '../../src/extension/python/report';
import type { ProbedCandidate, UsableInterpreter } from '../../src/extension/python/interpreters';
import {
  chooseInterpreter,
  interpreterCandidates,
  isWindowsStoreAliasPath,
} from '../../src/extension/python/interpreters';
import { linuxFamily, parseOsRelease, type OsInfo } from '../../src/extension/python/osInfo';
import { parsePipLine, supportsRawProgress, validatePipArgs } from '../../src/extension/python/pip';
import { parseProbeOutput, type ProbeInfo } from '../../src/extension/python/probe';
import { LineSplitter } from '../../src/extension/python/process';
import { parseEnsurepipMissing, venvPythonPath } from '../../src/extension/python/venv';
import {
  classifyVersion,
  compareVersions,
  NEWEST_SUPPORTED_PYTHON,
  OLDEST_SUPPORTED_PYTHON,
} from '../../src/extension/python/versions';

const t: Translate = format;

function info(version: [number, number, number], modules: Partial<ProbeInfo['modules']> = {}): ProbeInfo {
  return {
    version,
    versionText: version.join('.'),
    executable: `/opt/python${version[0]}.${version[1]}/bin/python3`,
    prefix: '/opt/p',
    basePrefix: '/opt/p',
    inVirtualEnv: false,
    implementation: 'CPython',
    platform: 'linux',
    bits: 64,
    modules: { venv: true, ensurepip: true, pip: true, ...modules },
    pipVersion: '24.0',
    frameworks: [],
    sitePackages: null,
    externallyManaged: false,
  };
}

function usable(i: ProbeInfo, source: UsableInterpreter['source'] = 'path'): UsableInterpreter {
  return {
    source,
    command: 'python3',
    args: [],
    ok: true,
    resolvedPath: i.executable,
    info: i,
    versionStatus: classifyVersion(i.version),
    canCreateVenv: i.modules.venv && i.modules.ensurepip,
  };
}

const debian: OsInfo = { family: 'debian', name: 'Debian GNU/Linux 12 (bookworm)' };

describe('python: version policy', () => {
  it('warns outside the range TensorFlow supports, at both ends', () => {
    assert.deepEqual(OLDEST_SUPPORTED_PYTHON, [3, 9]);
    assert.deepEqual(NEWEST_SUPPORTED_PYTHON, [3, 13]);
    assert.equal(classifyVersion([2, 7, 18]), 'python2');
    assert.equal(classifyVersion([3, 8, 18]), 'tooOld');
    assert.equal(classifyVersion([3, 9, 0]), 'ok');
    assert.equal(classifyVersion([3, 13, 1]), 'ok');
    assert.equal(classifyVersion([3, 14, 0]), 'tooNew');
    assert.equal(classifyVersion([4, 0, 0]), 'tooNew');
  });

  it('compares pip versions numerically', () => {
    assert.ok(compareVersions('24.10', '24.9') > 0);
    assert.ok(compareVersions('23.2.1', '24.1') < 0);
    assert.equal(compareVersions('24.1', '24.1.0'), 0);
    assert.equal(supportsRawProgress('24.2'), true);
    assert.equal(supportsRawProgress('23.2.1'), false);
    assert.equal(supportsRawProgress(null), false);
  });
});

describe('python: OS detection', () => {
  it('reads os-release and names the package family', () => {
    const rel = parseOsRelease(
      'PRETTY_NAME="Ubuntu 24.04 LTS"\nID=ubuntu\nID_LIKE=debian\n# comment\nVERSION_ID="24.04"\n',
    );
    assert.equal(rel.PRETTY_NAME, 'Ubuntu 24.04 LTS');
    assert.equal(linuxFamily(rel), 'debian');
    assert.equal(linuxFamily(parseOsRelease('ID=linuxmint\nID_LIKE="ubuntu debian"')), 'debian');
    assert.equal(linuxFamily(parseOsRelease('ID=fedora')), 'fedora');
    assert.equal(linuxFamily(parseOsRelease('ID="rocky"\nID_LIKE="rhel centos fedora"')), 'fedora');
    assert.equal(linuxFamily(parseOsRelease('ID=arch')), 'arch');
    assert.equal(linuxFamily(parseOsRelease('ID="opensuse-tumbleweed"\nID_LIKE="opensuse suse"')), 'suse');
    assert.equal(linuxFamily(parseOsRelease('ID=nixos')), 'linux');
  });
});

describe('python: interpreter candidates', () => {
  it('tries the Python extension, then the setting, then PATH (py -3 first on Windows)', () => {
    const win = interpreterCandidates({
      platform: 'win32',
      pythonExtensionPath: 'C:\\e\\python.exe',
      settingPath: ' C:\\s\\python.exe ',
    });
    assert.deepEqual(
      win.map((c) => [c.source, c.command, ...c.args]),
      [
        ['pythonExtension', 'C:\\e\\python.exe'],
        ['setting', 'C:\\s\\python.exe'],
        ['path', 'py', '-3'],
        ['path', 'python3'],
        ['path', 'python'],
      ],
    );
    assert.deepEqual(
      interpreterCandidates({ platform: 'linux', settingPath: '' }).map((c) => c.command),
      ['python3', 'python'],
    );
  });

  it('recognises the Microsoft Store alias folder', () => {
    assert.equal(
      isWindowsStoreAliasPath('C:\\Users\\a\\AppData\\Local\\Microsoft\\WindowsApps\\python.exe'),
      true,
    );
    assert.equal(isWindowsStoreAliasPath('C:\\Python312\\python.exe'), false);
  });

  it('prefers the interpreter the user picked, then one in range that can make venvs', () => {
    const old = usable(info([3, 8, 1]));
    const good = usable(info([3, 12, 1]));
    const noEnsurepip = usable(info([3, 12, 3], { ensurepip: false }));
    assert.equal(chooseInterpreter([noEnsurepip, old, good]), good);
    assert.equal(chooseInterpreter([noEnsurepip, old]), old);
    const picked = usable(info([3, 11, 2], { ensurepip: false }), 'setting');
    assert.equal(chooseInterpreter([picked, good]), picked);
    assert.equal(chooseInterpreter([usable(info([2, 7, 18]))]), undefined);
  });
});

describe('python: probe output', () => {
  it('finds the marked JSON line among other output and rejects malformed data', () => {
    const json = JSON.stringify({
      version: [3, 11, 7],
      versionText: '3.11.7 (main)',
      executable: '/x/python3',
      prefix: '/x/.venv',
      basePrefix: '/x',
      implementation: 'CPython',
      platform: 'linux',
      bits: 64,
      modules: { venv: true, ensurepip: false, pip: true },
      pipVersion: '23.2.1',
      frameworks: ['torch', 'sklearn', 7],
    });
    const parsed = parseProbeOutput(`sitecustomize says hi\nAI_ONRAMP_PROBE:${json}\n`);
    assert.ok(parsed);
    assert.deepEqual(parsed.version, [3, 11, 7]);
    assert.equal(parsed.inVirtualEnv, true);
    assert.deepEqual(parsed.modules, { venv: true, ensurepip: false, pip: true });
    assert.deepEqual(parsed.frameworks, ['torch'], 'only the frameworks the walkthrough asks for');
    assert.equal(parseProbeOutput('AI_ONRAMP_PROBE:{"version":[3,"x",1]}'), undefined);
    assert.equal(parseProbeOutput('AI_ONRAMP_PROBE:not json'), undefined);
    assert.equal(
      parseProbeOutput('Python was not found; run without arguments to install from the Microsoft Store'),
      undefined,
    );
  });
});

describe('python: pip output', () => {
  it('turns pip lines into progress steps', () => {
    assert.deepEqual(parsePipLine('Collecting tensorflow (from -r requirements.txt (line 1))'), {
      kind: 'collecting',
      name: 'tensorflow',
    });
    assert.deepEqual(
      parsePipLine(
        'Processing ./wheels/onramp_hello-1.0.0-py3-none-any.whl (from -r requirements.txt (line 1))',
      ),
      {
        kind: 'collecting',
        name: 'onramp_hello-1.0.0-py3-none-any.whl',
      },
    );
    assert.deepEqual(
      parsePipLine(
        '  Downloading tensorflow-2.20.0-cp312-cp312-manylinux_2_17_x86_64.manylinux2014_x86_64.whl (620.6 MB)',
      ),
      {
        kind: 'downloading',
        file: 'tensorflow-2.20.0-cp312-cp312-manylinux_2_17_x86_64.manylinux2014_x86_64.whl',
        size: '620.6 MB',
      },
    );
    assert.deepEqual(parsePipLine('Progress 1048576 of 650778624'), {
      kind: 'progress',
      done: 1048576,
      total: 650778624,
    });
    assert.deepEqual(parsePipLine('  Building wheel for onramp_slow (pyproject.toml): started'), {
      kind: 'building',
      name: 'onramp_slow',
    });
    assert.deepEqual(parsePipLine('Installing collected packages: numpy, pillow, matplotlib'), {
      kind: 'installing',
      names: ['numpy', 'pillow', 'matplotlib'],
    });
    assert.deepEqual(parsePipLine('Successfully installed numpy-2.1.0 onramp_hello-1.0.0'), {
      kind: 'installed',
      names: ['numpy-2.1.0', 'onramp_hello-1.0.0'],
    });
    assert.deepEqual(parsePipLine('ERROR: No matching distribution found for nosuch'), {
      kind: 'error',
      message: 'No matching distribution found for nosuch',
    });
    assert.deepEqual(
      parsePipLine(
        'WARNING: Retrying (Retry(total=4, connect=None, read=None, redirect=None, status=None)) after connection broken by \'NewConnectionError("<pip._vendor.urllib3.connection.HTTPSConnection object at 0x7f>: Failed to establish a new connection: [Errno -2] Name or service not known")\': /simple/grpcio/',
      ),
      { kind: 'retrying', triesLeft: 4 },
    );
    assert.equal(parsePipLine('Looking in links: /tmp/w'), undefined);
  });

  it('splits output into lines across chunks, including carriage returns', () => {
    const lines: string[] = [];
    const s = new LineSplitter((l) => lines.push(l));
    s.push('Collec');
    s.push('ting a\r\nProgress 1 of 2\rProgress 2 of 2\n你');
    s.push('好');
    s.end();
    assert.deepEqual(lines, ['Collecting a', 'Progress 1 of 2', 'Progress 2 of 2', '你好']);
  });

  it('accepts only local-install pip arguments', () => {
    assert.deepEqual(validatePipArgs(undefined), { ok: true, args: [] });
    assert.deepEqual(
      validatePipArgs(['--no-index', '--find-links', '/tmp/my wheels 项目', '--no-build-isolation']),
      {
        ok: true,
        args: ['--no-index', '--find-links', '/tmp/my wheels 项目', '--no-build-isolation'],
      },
    );
    assert.deepEqual(validatePipArgs(['--find-links=C:\\wheels']), {
      ok: true,
      args: ['--find-links', 'C:\\wheels'],
    });
    for (const bad of [
      ['--index-url', 'https://evil.example/simple'],
      ['--find-links', 'https://evil.example/'],
      ['--find-links', 'relative/dir'],
      ['--find-links'],
      ['-r', '/etc/passwd'],
      ['--no-index', 42],
      ['ok\0'],
      'not an array',
    ]) {
      const r = validatePipArgs(bad);
      assert.equal(r.ok, false, JSON.stringify(bad));
    }
  });
});

describe('python: venv paths and messages', () => {
  it('names the venv interpreter per OS', () => {
    assert.equal(venvPythonPath('/p/my proj 项目/.venv', 'linux'), '/p/my proj 项目/.venv/bin/python');
    assert.equal(venvPythonPath('C:\\p\\.venv', 'win32'), 'C:\\p\\.venv\\Scripts\\python.exe');
  });

  it("reads the package name from Debian's ensurepip message", () => {
    const debianMessage =
      'The virtual environment was not created successfully because ensurepip is not\navailable.  On Debian/Ubuntu systems, you need to install the python3-venv\npackage using the following command.\n\n    apt install python3.11-venv\n';
    assert.deepEqual(parseEnsurepipMissing(debianMessage), { aptPackage: 'python3.11-venv' });
    assert.deepEqual(parseEnsurepipMissing('/x/bin/python3: No module named ensurepip'), {
      aptPackage: undefined,
    });
    assert.equal(parseEnsurepipMissing('Error: [Errno 13] Permission denied'), undefined);
  });
});

describe('python: the check report', () => {
  it('gives the exact apt command with the real minor version for a missing ensurepip', () => {
    const chosen = usable(info([3, 12, 3], { ensurepip: false, pip: false }));
    const problems = findProblems([chosen], chosen);
    assert.deepEqual(
      problems.map((p) => p.code),
      ['noEnsurepip', 'noPip'],
    );
    assert.equal(describeProblem(problems[0], debian, t).fix.command, 'sudo apt install python3.12-venv');
    assert.equal(
      describeProblem(problems[0], { family: 'fedora', name: 'Fedora' }, t).fix.command,
      'sudo dnf install python3',
    );
    const report = renderCheckReport(
      { os: debian, interpreters: [chosen], chosen, problems, durationMs: 5 },
      t,
    );
    assert.match(report, /❌ Not ready yet/);
    assert.match(report, /```sh\n {3}sudo apt install python3\.12-venv\n {3}```/);
    assert.match(report, /sudo apt install python3-pip/);
  });

  it('says how to install Python on each OS when there is none', () => {
    const none: ProbedCandidate = {
      source: 'path',
      command: 'python3',
      args: [],
      ok: false,
      failure: { code: 'notFound', detail: 'python3' },
    };
    const problems = findProblems([none], undefined);
    assert.deepEqual(problems, [{ code: 'noPython', severity: 'error' }]);
    const fixes = (['debian', 'fedora', 'macos', 'windows'] as const).map(
      (family) => describeProblem(problems[0], { family, name: family }, t).fix,
    );
    assert.equal(fixes[0].command, 'sudo apt install python3 python3-venv python3-pip');
    assert.equal(fixes[1].command, 'sudo dnf install python3 python3-pip');
    assert.equal(fixes[2].command, 'brew install python@3.12');
    assert.equal(fixes[2].link, 'https://www.python.org/downloads/macos/');
    assert.equal(fixes[3].command, 'winget install --exact --id Python.Python.3.12');
    assert.equal(fixes[3].link, 'https://www.python.org/downloads/windows/');
  });

  it('warns (not refuses) outside the TensorFlow range and marks a ready Python as ready', () => {
    const tooNew = usable(info([3, 14, 0]));
    const problems = findProblems([tooNew], tooNew);
    assert.deepEqual(problems, [
      { code: 'versionOutOfRange', severity: 'warning', version: '3.14.0', tooNew: true },
    ]);
    assert.equal(
      describeProblem(problems[0], debian, t).title,
      'Python 3.14.0 is newer than TensorFlow supports (3.9–3.13).',
    );
    const check: PythonCheck = {
      os: debian,
      interpreters: [tooNew],
      chosen: tooNew,
      problems,
      durationMs: 1,
    };
    const report = renderCheckReport(check, t);
    assert.match(report, /✅ Ready: Python 3\.14\.0/);
    assert.match(report, /⚠️ With a warning/);
    const old = usable(info([3, 8, 18]));
    assert.equal(
      describeProblem(findProblems([old], old)[0], debian, t).title,
      'Python 3.8.18 is older than TensorFlow supports (3.9–3.13).',
    );
  });

  it('escapes table cells so a path cannot break the Markdown', () => {
    const odd = usable({ ...info([3, 12, 0]), executable: '/tmp/a|b`c/python3' });
    const report = renderCheckReport(
      { os: debian, interpreters: [odd], chosen: odd, problems: [], durationMs: 1 },
      t,
    );
    assert.match(report, /`\/tmp\/a\\\|b\\`c\/python3`/);
  });
});
