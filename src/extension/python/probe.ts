// One short run of an interpreter that reports, as JSON, what AI Onramp needs to know about it.
import { pythonEnv, run } from './process';

/** What the probe script reports about one interpreter. */
export interface ProbeInfo {
  readonly version: readonly [number, number, number];
  /** `sys.version` first line, e.g. "3.11.7 (main, …)". */
  readonly versionText: string;
  /** `sys.executable`: the real interpreter behind a shim, launcher or alias. */
  readonly executable: string;
  readonly prefix: string;
  readonly basePrefix: string;
  /** True when this interpreter is itself inside a virtual environment. */
  readonly inVirtualEnv: boolean;
  readonly implementation: string;
  readonly platform: string;
  readonly bits: number;
  /** Whether each module can be imported (found on the path, not actually imported). */
  readonly modules: { readonly venv: boolean; readonly ensurepip: boolean; readonly pip: boolean };
  readonly pipVersion: string | null;
  /** The deep-learning frameworks this interpreter can import (looked up, not imported). */
  readonly frameworks: readonly Framework[];
  /** Where pip puts this interpreter's packages (`sysconfig`'s purelib); null where unknown. */
  readonly sitePackages: string | null;
  /**
   * PEP 668: the OS manages this Python (an `EXTERNALLY-MANAGED` file in its standard library: Debian 12,
   * Ubuntu 24.04, Homebrew), so `pip install` outside a venv refuses. False inside a venv.
   */
  readonly externallyManaged: boolean;
}

/** What the "Install a deep-learning framework" step looks for. */
export const FRAMEWORKS = ['tensorflow', 'torch', 'keras'] as const;
export type Framework = (typeof FRAMEWORKS)[number];

export type ProbeFailure =
  | { readonly code: 'notFound'; readonly detail: string }
  | { readonly code: 'timeout'; readonly detail: string }
  | { readonly code: 'failed'; readonly detail: string; readonly exitCode: number | null }
  | { readonly code: 'badOutput'; readonly detail: string };

export type ProbeResult =
  | { readonly ok: true; readonly info: ProbeInfo; readonly durationMs: number }
  | { readonly ok: false; readonly failure: ProbeFailure; readonly durationMs: number };

const MARKER = 'AI_ONRAMP_PROBE:';

/**
 * Runs under Python 2.7 and every Python 3, so an old interpreter is reported as old rather than as broken.
 * `find_spec` looks a module up without importing it: importing pip costs a few hundred milliseconds.
 */
export const PROBE_SCRIPT = `
import sys, json, platform
def found(name):
    try:
        import importlib.util
        return importlib.util.find_spec(name) is not None
    except ImportError:
        import imp
        try:
            imp.find_module(name)
            return True
        except ImportError:
            return False
    except Exception:
        return False
def site_packages():
    try:
        import sysconfig
        return sysconfig.get_paths()["purelib"]
    except Exception:
        return None
def externally_managed():
    try:
        import os, sysconfig
        if sys.prefix != getattr(sys, "base_prefix", sys.prefix):
            return False
        return os.path.isfile(os.path.join(sysconfig.get_path("stdlib"), "EXTERNALLY-MANAGED"))
    except Exception:
        return False
def pip_version():
    try:
        from importlib.metadata import version
        return version("pip")
    except Exception:
        return None
info = {
    "version": list(sys.version_info[:3]),
    "versionText": sys.version.split("\\n")[0],
    "executable": sys.executable,
    "prefix": sys.prefix,
    "basePrefix": getattr(sys, "base_prefix", getattr(sys, "real_prefix", sys.prefix)),
    "implementation": platform.python_implementation(),
    "platform": sys.platform,
    "bits": 64 if sys.maxsize > 2 ** 32 else 32,
    "modules": {"venv": found("venv"), "ensurepip": found("ensurepip"), "pip": found("pip")},
    "pipVersion": pip_version(),
    "frameworks": [n for n in ${JSON.stringify(FRAMEWORKS)} if found(n)],
    "sitePackages": site_packages(),
    "externallyManaged": externally_managed(),
}
sys.stdout.write("${MARKER}" + json.dumps(info) + "\\n")
`;

export function parseProbeOutput(stdout: string): ProbeInfo | undefined {
  const line = stdout.split(/\r?\n/).find((l) => l.startsWith(MARKER));
  if (!line) return undefined;
  let raw: unknown;
  try {
    raw = JSON.parse(line.slice(MARKER.length));
  } catch {
    return undefined;
  }
  if (typeof raw !== 'object' || raw === null) return undefined;
  const r = raw as Record<string, unknown>;
  const v = r.version;
  const m = r.modules as Record<string, unknown> | undefined;
  if (
    !Array.isArray(v) ||
    v.length !== 3 ||
    !v.every((n) => Number.isInteger(n)) ||
    typeof r.executable !== 'string' ||
    typeof r.prefix !== 'string' ||
    typeof r.basePrefix !== 'string' ||
    typeof m !== 'object' ||
    m === null
  ) {
    return undefined;
  }
  return {
    version: [v[0] as number, v[1] as number, v[2] as number],
    versionText: typeof r.versionText === 'string' ? r.versionText : v.join('.'),
    executable: r.executable,
    prefix: r.prefix,
    basePrefix: r.basePrefix,
    inVirtualEnv: r.prefix !== r.basePrefix,
    implementation: typeof r.implementation === 'string' ? r.implementation : 'unknown',
    platform: typeof r.platform === 'string' ? r.platform : 'unknown',
    bits: typeof r.bits === 'number' ? r.bits : 64,
    modules: { venv: m.venv === true, ensurepip: m.ensurepip === true, pip: m.pip === true },
    pipVersion: typeof r.pipVersion === 'string' ? r.pipVersion : null,
    frameworks: Array.isArray(r.frameworks)
      ? FRAMEWORKS.filter((f) => (r.frameworks as unknown[]).includes(f))
      : [],
    sitePackages: typeof r.sitePackages === 'string' ? r.sitePackages : null,
    externallyManaged: r.externallyManaged === true,
  };
}

/** Probes `command` (with leading `args`, e.g. `py -3`). Never throws. */
export async function probeInterpreter(
  command: string,
  args: readonly string[] = [],
  timeoutMs = 15_000,
): Promise<ProbeResult> {
  const result = await run(command, [...args, '-c', PROBE_SCRIPT], { env: pythonEnv(), timeoutMs });
  const durationMs = result.durationMs;
  if (result.spawnError) {
    const detail = result.spawnError.message;
    const failure: ProbeFailure =
      result.spawnError.code === 'ENOENT'
        ? { code: 'notFound', detail }
        : { code: 'failed', detail, exitCode: null };
    return { ok: false, durationMs, failure };
  }
  if (result.timedOut) {
    return {
      ok: false,
      durationMs,
      failure: { code: 'timeout', detail: `no answer within ${timeoutMs} ms` },
    };
  }
  if (result.code !== 0) {
    const detail =
      lastLines(result.stderr || result.stdout) ||
      (result.code === null
        ? 'it was ended by a signal without printing anything'
        : `it exited with code ${result.code} without printing anything`);
    return { ok: false, durationMs, failure: { code: 'failed', detail, exitCode: result.code } };
  }
  const info = parseProbeOutput(result.stdout);
  if (!info) {
    // Whatever it said instead of the answer (a wrapper that prints only to stderr, a banner), or that it was silent.
    const said = lastLines(result.stdout) || lastLines(result.stderr);
    const detail = said
      ? `it did not answer like a Python interpreter; it printed: ${said.slice(0, 500)}`
      : 'it exited without printing anything (not a Python interpreter?)';
    return { ok: false, durationMs, failure: { code: 'badOutput', detail } };
  }
  return { ok: true, info, durationMs };
}

function lastLines(text: string): string {
  return text.trim().split(/\r?\n/).slice(-5).join('\n');
}
