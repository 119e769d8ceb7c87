// The preflight report: one line per thing that can stop a project's set-up before anything is created, each
// with its exact fix. Pure (facts in, lines out) so every line is unit-tested from probe data for each OS; the
// facts that need the machine (free space, Windows policies) are gathered by gatherPreflightFacts.
import { execFile } from 'node:child_process';
import { statfs } from 'node:fs/promises';
import type { Fix, PythonCheck, Translate } from './check';
import { describeProblem } from './check';
import { supportedRangeText } from './versions';

/** What a template installs, for the disk-space line (sizes on disk once installed, with pip's cache). */
export type PreflightFramework = 'tensorflow' | 'torch' | 'torch-cpu' | 'data-science';

/** Bytes a template's packages take once installed (wheels unpacked, plus pip's cache of the downloads). */
export const INSTALL_BYTES: Readonly<Record<PreflightFramework, number>> = {
  // tensorflow 2.20 (about 620 MB download) with its dependencies unpacks to about 2.2 GB.
  tensorflow: 3.0e9,
  // torch with CUDA on Linux: about 3 GB of nvidia-* wheels download, about 6 GB unpacked.
  torch: 9.0e9,
  // torch from https://download.pytorch.org/whl/cpu: about 200 MB download, about 1 GB unpacked.
  'torch-cpu': 1.5e9,
  'data-science': 0.5e9,
};

export interface PreflightFacts {
  /** Free bytes where the project goes, and that folder. */
  readonly freeBytes?: number;
  readonly folder?: string;
  /** Windows: the effective `Get-ExecutionPolicy` (e.g. "Restricted", "RemoteSigned"). */
  readonly executionPolicy?: string;
  /** Windows: HKLM\SYSTEM\CurrentControlSet\Control\FileSystem LongPathsEnabled. */
  readonly longPathsEnabled?: boolean;
}

export type PreflightStatus = 'ok' | 'info' | 'warning' | 'error';

export interface PreflightLine {
  readonly id: 'python' | 'venv' | 'pep668' | 'executionPolicy' | 'longPaths' | 'disk' | 'index';
  readonly status: PreflightStatus;
  readonly title: string;
  readonly fix?: Fix;
}

function gb(bytes: number): string {
  return (bytes / 1e9).toFixed(1);
}

/** The lines, in the order the report shows them. */
export function preflightLines(
  check: PythonCheck,
  facts: PreflightFacts,
  t: Translate,
  framework: PreflightFramework = 'tensorflow',
): PreflightLine[] {
  const lines: PreflightLine[] = [];
  const { chosen, os } = check;
  const problem = (code: string) => check.problems.find((p) => p.code === code);
  const described = (code: string) => {
    const p = problem(code);
    return p ? describeProblem(p, os, t) : undefined;
  };

  // 1. Python and its version against the framework's range.
  const blocking = check.problems.find((p) =>
    ['noPython', 'storeAlias', 'python2Only', 'settingNotFound'].includes(p.code),
  );
  if (!chosen) {
    const d = describeProblem(blocking ?? { code: 'noPython', severity: 'error' }, os, t);
    lines.push({ id: 'python', status: 'error', title: d.title, fix: d.fix });
  } else {
    const range = described('versionOutOfRange');
    const version = chosen.info.version.join('.');
    lines.push(
      range && framework === 'tensorflow'
        ? { id: 'python', status: 'warning', title: range.title, fix: range.fix }
        : {
            id: 'python',
            status: 'ok',
            title:
              framework === 'tensorflow'
                ? t(
                    'Python {0} at {1}, inside the range TensorFlow supports ({2}).',
                    version,
                    chosen.info.executable,
                    supportedRangeText(),
                  )
                : t('Python {0} at {1}.', version, chosen.info.executable),
          },
    );
    const alias = described('storeAlias');
    if (alias) lines.push({ id: 'python', status: 'warning', title: alias.title, fix: alias.fix });
  }

  // 2. venv and ensurepip (Debian/Ubuntu without python3-venv).
  if (chosen) {
    const venv = described('noVenv') ?? described('noEnsurepip');
    lines.push(
      venv
        ? { id: 'venv', status: 'error', title: venv.title, fix: venv.fix }
        : {
            id: 'venv',
            status: 'ok',
            title: t('It can make virtual environments with pip in them (venv and ensurepip are there).'),
          },
    );
  }

  // 3. PEP 668: never install into a system Python.
  if (chosen) {
    lines.push(
      chosen.info.externallyManaged
        ? {
            id: 'pep668',
            status: 'info',
            title: t(
              'This Python is managed by the operating system (PEP 668: "externally-managed-environment"), so pip refuses to install into it. AI Onramp never does: packages always go into the project\'s .venv.',
            ),
          }
        : {
            id: 'pep668',
            status: 'info',
            title: t("Packages go into the project's .venv, never into this Python itself."),
          },
    );
  }

  // 4. Windows: PowerShell's execution policy (Activate.ps1) and long paths.
  if (os.family === 'windows') {
    const policy = facts.executionPolicy;
    if (policy !== undefined) {
      const blocked = /^(Restricted|AllSigned|Undefined)$/i.test(policy);
      lines.push(
        blocked
          ? {
              id: 'executionPolicy',
              status: 'warning',
              title: t(
                "PowerShell's execution policy is {0}: it refuses to run .venv\\Scripts\\Activate.ps1.",
                policy,
              ),
              fix: {
                text: t('Allow local scripts for your user (no administrator needed):'),
                command: 'Set-ExecutionPolicy -Scope CurrentUser -ExecutionPolicy RemoteSigned',
              },
            }
          : {
              id: 'executionPolicy',
              status: 'ok',
              title: t('PowerShell may run Activate.ps1 (execution policy {0}).', policy),
            },
      );
    }
    if (facts.longPathsEnabled !== undefined) {
      lines.push(
        facts.longPathsEnabled
          ? { id: 'longPaths', status: 'ok', title: t('Long paths are enabled.') }
          : {
              id: 'longPaths',
              status: 'warning',
              title: t(
                'Long paths are off: installing TensorFlow can fail with "No such file or directory" on paths over 260 characters.',
              ),
              fix: {
                text: t('Turn them on in a PowerShell run as administrator, then restart:'),
                command:
                  'New-ItemProperty -Path "HKLM:\\SYSTEM\\CurrentControlSet\\Control\\FileSystem" -Name "LongPathsEnabled" -Value 1 -PropertyType DWORD -Force',
              },
            },
      );
    }
  }

  // 5. Free space against what the framework takes.
  const disk = diskLine(facts, t, framework);
  if (disk) lines.push(disk);
  return lines;
}

/** Free space where the project goes against what `framework` takes; undefined when the space is unknown. */
export function diskLine(
  facts: PreflightFacts,
  t: Translate,
  framework: PreflightFramework,
): PreflightLine | undefined {
  if (facts.freeBytes === undefined) return undefined;
  const need = INSTALL_BYTES[framework];
  const where = facts.folder ?? '';
  return facts.freeBytes >= need
    ? {
        id: 'disk',
        status: 'ok',
        title: t(
          '{0} GB free in {1} (the packages take about {2} GB).',
          gb(facts.freeBytes),
          where,
          gb(need),
        ),
      }
    : {
        id: 'disk',
        status: 'warning',
        title: t(
          'Only {0} GB free in {1}; the packages take about {2} GB.',
          gb(facts.freeBytes),
          where,
          gb(need),
        ),
        fix: {
          text: t(
            'Free about {0} GB there, or create the project on another disk.',
            gb(need - facts.freeBytes),
          ),
        },
      };
}

/** `Get-ExecutionPolicy` prints one word; anything else is unknown. */
export function parseExecutionPolicy(stdout: string): string | undefined {
  const word = stdout.trim();
  return /^(Restricted|AllSigned|RemoteSigned|Unrestricted|Bypass|Undefined|Default)$/i.test(word)
    ? word
    : undefined;
}

/** `reg query … /v LongPathsEnabled` prints "LongPathsEnabled    REG_DWORD    0x1". */
export function parseLongPaths(stdout: string): boolean | undefined {
  const m = /LongPathsEnabled\s+REG_DWORD\s+0x([0-9a-f]+)/i.exec(stdout);
  return m ? parseInt(m[1], 16) === 1 : undefined;
}

function output(command: string, args: readonly string[]): Promise<string> {
  return new Promise((resolve) => {
    execFile(command, [...args], { windowsHide: true, timeout: 5000 }, (_e, stdout) =>
      resolve(String(stdout ?? '')),
    );
  });
}

/** The facts that need the machine: free space where `folder` is, and on Windows its two policies. */
export async function gatherPreflightFacts(
  folder: string | undefined,
  platform: NodeJS.Platform = process.platform,
): Promise<PreflightFacts> {
  const free = folder ? await statfs(folder).catch(() => undefined) : undefined;
  const facts: { -readonly [K in keyof PreflightFacts]: PreflightFacts[K] } = {
    folder,
    freeBytes: free ? free.bavail * free.bsize : undefined,
  };
  if (platform === 'win32') {
    const [policy, longPaths] = await Promise.all([
      output('powershell.exe', ['-NoProfile', '-NonInteractive', '-Command', 'Get-ExecutionPolicy']),
      output('reg', [
        'query',
        'HKLM\\SYSTEM\\CurrentControlSet\\Control\\FileSystem',
        '/v',
        'LongPathsEnabled',
      ]),
    ]);
    facts.executionPolicy = parseExecutionPolicy(policy);
    facts.longPathsEnabled = parseLongPaths(longPaths);
  }
  return facts;
}

export interface IndexAnswer {
  readonly url: string;
  readonly ok: boolean;
  /** "HTTP 200 in 35 ms", or the error ("connect ECONNREFUSED 127.0.0.1:9", "no answer within 3000 ms"). */
  readonly detail: string;
}

/**
 * Whether the package index at `url` answers: one GET with a short timeout (a file:// index: its folder
 * exists). Any HTTP status below 500 counts as an answer; the body is not read.
 */
export async function checkIndex(url: string, timeoutMs = 3000): Promise<IndexAnswer> {
  const started = Date.now();
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return { url, ok: false, detail: 'not a URL' };
  }
  if (parsed.protocol === 'file:') {
    const { fileURLToPath } = await import('node:url');
    const { stat } = await import('node:fs/promises');
    const s = await stat(fileURLToPath(parsed)).catch(() => undefined);
    return s?.isDirectory()
      ? { url, ok: true, detail: 'a local folder' }
      : { url, ok: false, detail: 'the folder does not exist' };
  }
  const client = parsed.protocol === 'https:' ? await import('node:https') : await import('node:http');
  return new Promise((resolve) => {
    const req = client.get(parsed, { timeout: timeoutMs, headers: { Accept: 'text/html' } }, (res) => {
      res.resume();
      req.destroy();
      const status = res.statusCode ?? 0;
      resolve({
        url,
        ok: status > 0 && status < 500,
        detail: `HTTP ${status} in ${Date.now() - started} ms`,
      });
    });
    req.on('timeout', () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    req.on('error', (e) => resolve({ url, ok: false, detail: e.message }));
  });
}

/** The index line: a mirror that answers, or one that does not with the way to pick another. */
export function indexLine(answer: IndexAnswer, label: string, t: Translate): PreflightLine {
  return answer.ok
    ? { id: 'index', status: 'ok', title: t('The package index {0} answers ({1}).', label, answer.detail) }
    : {
        id: 'index',
        status: 'warning',
        title: t('The package index {0} does not answer: {1}.', label, answer.detail),
        fix: {
          text: t(
            'Pick another one with "AI Onramp: Choose Package Index (Mirror)", or check the network and proxy.',
          ),
        },
      };
}
