// Real things for the Python tests to install and run: wheels and sdists built here (this machine has no PyPI),
// and an interpreter without ensurepip. Shared by the unit tests and the host tests.
import { execFileSync } from 'node:child_process';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  realpathSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { devNull } from 'node:os';
import * as path from 'node:path';

/** The `python3` the tests use: the first on PATH, resolved to the real interpreter. */
export function testPython(): string {
  const out = execFileSync('python3', ['-c', 'import sys; print(sys.executable)'], { encoding: 'utf8' });
  return out.trim();
}

/**
 * Writes `<name>-<version>-py3-none-any.whl` into `dir`, zipped by Python's own zipfile with a correct RECORD,
 * holding a package whose `GREETING` the tests import to prove the install worked.
 */
export function buildTinyWheel(
  dir: string,
  name = 'onramp_hello',
  version = '1.0.0',
  greeting = '你好, AI Onramp',
): string {
  mkdirSync(dir, { recursive: true });
  const script = String.raw`
import base64, hashlib, os, sys, zipfile
out, name, version, greeting = sys.argv[1:5]
dist = f"{name}-{version}.dist-info"
files = {
    f"{name}/__init__.py": f"GREETING = {greeting!r}\n".encode(),
    f"{dist}/METADATA": f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\nSummary: AI Onramp test package\n".encode(),
    f"{dist}/WHEEL": b"Wheel-Version: 1.0\nGenerator: ai-onramp-tests\nRoot-Is-Purelib: true\nTag: py3-none-any\n",
}
def digest(data):
    return "sha256=" + base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
record = "".join(f"{p},{digest(d)},{len(d)}\n" for p, d in files.items()) + f"{dist}/RECORD,,\n"
path = os.path.join(out, f"{name}-{version}-py3-none-any.whl")
with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
    for p, d in files.items():
        z.writestr(p, d)
    z.writestr(f"{dist}/RECORD", record)
print(path)
`;
  return execFileSync(testPython(), ['-c', script, dir, name, version, greeting], {
    encoding: 'utf8',
  }).trim();
}

/**
 * Writes an sdist whose in-tree build backend (PEP 517 `backend-path`, no dependencies) records its pid and then
 * takes `seconds` to build, as a compiled package does. pip runs the backend in a child process of its own, so
 * cancelling must end a process tree. Install it with `--no-index --find-links dir --no-build-isolation`.
 */
export function buildSlowSdist(dir: string, pidFile: string, seconds = 120, name = 'onramp_slow'): string {
  mkdirSync(dir, { recursive: true });
  const script = String.raw`
import io, os, sys, tarfile
out, name, pid_file, seconds = sys.argv[1:5]
root = f"{name}-1.0.0"
backend = f'''
import os, time
def _wait():
    with open({pid_file!r}, "w") as f:
        f.write(str(os.getpid()))
    time.sleep({seconds})
def get_requires_for_build_wheel(config_settings=None):
    return []
def build_wheel(wheel_directory, config_settings=None, metadata_directory=None):
    _wait()
    raise RuntimeError("a cancelled test build should never get here")
def build_sdist(sdist_directory, config_settings=None):
    raise RuntimeError("not needed")
'''
files = {
    "pyproject.toml": f'[build-system]\nrequires = []\nbuild-backend = "slow_backend"\nbackend-path = ["."]\n\n[project]\nname = "{name}"\nversion = "1.0.0"\n',
    "slow_backend.py": backend,
    "PKG-INFO": f"Metadata-Version: 2.1\nName: {name}\nVersion: 1.0.0\n",
}
path = os.path.join(out, f"{root}.tar.gz")
with tarfile.open(path, "w:gz") as t:
    for p, text in files.items():
        data = text.encode()
        info = tarfile.TarInfo(f"{root}/{p}")
        info.size = len(data)
        t.addfile(info, io.BytesIO(data))
print(path)
`;
  return execFileSync(testPython(), ['-c', script, dir, name, pidFile, String(seconds)], {
    encoding: 'utf8',
  }).trim();
}

/**
 * Debian's own interpreter as it is on a system without `python3.X-venv`: the same binary and the same standard
 * library, minus the `ensurepip` folder that package installs (`dpkg -L python3.11-venv` lists only that folder).
 * Python finds its standard library next to its binary, so a copy of the binary in `dir/bin` with `dir/lib/
 * python3.X` linking every stdlib entry but `ensurepip` is that interpreter — no environment variables involved.
 * Undefined where there is no Debian-style `/usr/bin/python3` (the tests that need it are then skipped).
 */
export function debianPythonWithoutEnsurepip(dir: string): string | undefined {
  const system = '/usr/bin/python3';
  if (!existsSync(system)) return undefined;
  const real = realpathSync(system);
  const info = execFileSync(
    real,
    [
      '-c',
      'import sys, sysconfig; print(sysconfig.get_path("stdlib")); print(sys.version_info[0], sys.version_info[1])',
    ],
    {
      encoding: 'utf8',
    },
  )
    .trim()
    .split('\n');
  const stdlib = info[0];
  const [major, minor] = info[1].split(' ');
  const version = `${major}.${minor}`;
  if (stdlib !== `/usr/lib/python${version}` || !existsSync(path.join(stdlib, 'venv'))) return undefined;
  // Debian's venv module prints its "apt install python3.X-venv" message only when ensurepip is missing.
  const binDir = path.join(dir, 'bin');
  const libDir = path.join(dir, 'lib', `python${version}`);
  mkdirSync(binDir, { recursive: true });
  mkdirSync(libDir, { recursive: true });
  const python = path.join(binDir, `python${version}`);
  copyFileSync(real, python);
  for (const entry of readdirSync(stdlib)) {
    if (entry !== 'ensurepip') symlinkSync(path.join(stdlib, entry), path.join(libDir, entry));
  }
  symlinkSync(`python${version}`, path.join(binDir, 'python3'));
  return path.join(binDir, 'python3');
}

/** A requirements file with the given lines. */
export function writeRequirements(projectDir: string, lines: readonly string[]): void {
  mkdirSync(projectDir, { recursive: true });
  writeFileSync(path.join(projectDir, 'requirements.txt'), lines.join('\n') + '\n');
}

/** Whether a process is still running (signal 0 checks without sending anything). */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  // A zombie still answers signal 0; on Linux its /proc state says so.
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return !/^\d+ \(.*\) Z/.test(stat);
  } catch {
    return process.platform !== 'linux';
  }
}

/**
 * Makes pip ignore this machine's pip configuration (config files and `PIP_*` variables, e.g. a local mirror
 * or `find-links`), so a "not found" really is not found. Returns a function that restores the environment.
 */
export function isolatePipFromMachineConfig(): () => void {
  const saved = { ...process.env };
  for (const key of Object.keys(process.env)) if (key.startsWith('PIP_')) delete process.env[key];
  process.env.PIP_CONFIG_FILE = devNull;
  return () => {
    for (const key of Object.keys(process.env)) if (!(key in saved)) delete process.env[key];
    Object.assign(process.env, saved);
  };
}

/**
 * A PEP 503 "simple" package index on a loopback port, serving the wheels in `wheelsDir` (a mirror, as pip
 * sees one): `/simple/` lists the projects, `/simple/<name>/` links each file with its sha256.
 */
export async function serveSimpleIndex(
  wheelsDir: string,
): Promise<{ readonly url: string; readonly requests: string[]; close(): Promise<void> }> {
  const { createServer } = await import('node:http');
  const { createHash } = await import('node:crypto');
  const normalize = (name: string): string => name.toLowerCase().replace(/[-_.]+/g, '-');
  const files = readdirSync(wheelsDir).filter((f) => f.endsWith('.whl') || f.endsWith('.tar.gz'));
  const projects = new Map<string, string[]>();
  for (const f of files) {
    const name = normalize(f.split('-')[0]);
    projects.set(name, [...(projects.get(name) ?? []), f]);
  }
  const requests: string[] = [];
  const server = createServer((req, res) => {
    const url = decodeURIComponent((req.url ?? '/').split('?')[0]);
    requests.push(url);
    const page = (body: string): void => {
      res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
      res.end(`<!DOCTYPE html><html><body>${body}</body></html>`);
    };
    if (url === '/simple/') {
      page([...projects.keys()].map((p) => `<a href="${p}/">${p}</a>`).join('\n'));
      return;
    }
    let m = /^\/simple\/([^/]+)\/$/.exec(url);
    if (m) {
      const list = projects.get(normalize(m[1]));
      if (!list) {
        res.writeHead(404).end('not found');
        return;
      }
      page(
        list
          .map((f) => {
            const sha = createHash('sha256')
              .update(readFileSync(path.join(wheelsDir, f)))
              .digest('hex');
            return `<a href="../../files/${encodeURIComponent(f)}#sha256=${sha}">${f}</a>`;
          })
          .join('\n'),
      );
      return;
    }
    m = /^\/files\/([^/]+)$/.exec(url);
    if (m && files.includes(m[1])) {
      res.writeHead(200, { 'Content-Type': 'application/octet-stream' });
      res.end(readFileSync(path.join(wheelsDir, m[1])));
      return;
    }
    res.writeHead(404).end('not found');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  return {
    url: `http://127.0.0.1:${port}/simple/`,
    requests,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** An index URL on a loopback port nothing listens on (bound, then closed): pip gets "Connection refused". */
export async function unreachableIndexUrl(): Promise<string> {
  const { createServer } = await import('node:net');
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}/simple/`;
}

/** A script standing in for an interpreter (POSIX only): `body` is its shell text after the `#!/bin/sh` line. */
export function fakeInterpreter(file: string, body: string): string {
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, `#!/bin/sh\n${body}\n`, { mode: 0o755 });
  return file;
}

/**
 * Makes `dir` impossible to write into, even for root (the CI machine runs tests as root, for whom mode 0555
 * changes nothing): `chattr +i` there, mode 0555 otherwise. Returns the function that undoes it.
 */
export function makeReadOnly(dir: string): () => void {
  const root = process.getuid?.() === 0;
  if (root) execFileSync('chattr', ['+i', dir]);
  else execFileSync('chmod', ['0555', dir]);
  return () => {
    if (root) execFileSync('chattr', ['-i', dir]);
    else execFileSync('chmod', ['0755', dir]);
  };
}
