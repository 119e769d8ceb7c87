// Child processes for Python and pip: argument arrays only (never a shell string), output split into lines as it
// arrives, and cancellation that ends the whole process tree (pip starts build backends as grandchildren).
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { statSync } from 'node:fs';

/** What the Node-side modules log through; the extension passes its `LogOutputChannel`. */
export interface Logger {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

export interface RunOptions {
  readonly cwd?: string;
  readonly env?: NodeJS.ProcessEnv;
  readonly signal?: AbortSignal;
  /** Kills the tree after this many milliseconds; 0 or absent: no limit. */
  readonly timeoutMs?: number;
  /** Each line of stdout and stderr, as it arrives, without its line ending. */
  readonly onLine?: (line: string, stream: 'stdout' | 'stderr') => void;
  /** Called once the child is running, with its pid (tests check the pid is gone after a cancel). */
  readonly onSpawn?: (pid: number) => void;
}

export interface RunResult {
  /** Exit code; null when the child was killed or could not start. */
  readonly code: number | null;
  readonly cancelled: boolean;
  readonly timedOut: boolean;
  /** Set when the program could not be started (ENOENT, EACCES, …). */
  readonly spawnError?: NodeJS.ErrnoException;
  readonly stdout: string;
  readonly stderr: string;
  readonly pid?: number;
  readonly durationMs: number;
}

/** The environment every Python child gets: UTF-8 output on every OS, and pip that never prompts. */
export function pythonEnv(base: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  return {
    ...base,
    PYTHONIOENCODING: 'utf-8',
    PYTHONUTF8: '1',
    PYTHONUNBUFFERED: '1',
    PIP_NO_INPUT: '1',
    PIP_DISABLE_PIP_VERSION_CHECK: '1',
  };
}

/** Splits a stream into lines across chunk boundaries; `\r` alone also ends a line (progress redraws). */
export class LineSplitter {
  private rest = '';
  constructor(private readonly onLine: (line: string) => void) {}

  push(chunk: string): void {
    const text = this.rest + chunk;
    const parts = text.split(/\r\n|\n|\r/);
    this.rest = parts.pop() ?? '';
    for (const p of parts) this.onLine(p);
  }

  end(): void {
    if (this.rest) this.onLine(this.rest);
    this.rest = '';
  }
}

/**
 * Ends `child` and everything it started. POSIX: the child leads its own process group (spawned detached), so
 * signalling the negative pid reaches grandchildren; SIGKILL follows if SIGTERM is ignored. Windows: `taskkill
 * /T /F` walks the tree.
 */
export function killTree(child: ChildProcess, graceMs = 2000): void {
  const pid = child.pid;
  if (pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  if (process.platform === 'win32') {
    execFile('taskkill', ['/pid', String(pid), '/T', '/F'], { windowsHide: true }, () => undefined);
    return;
  }
  const signalGroup = (signal: NodeJS.Signals): void => {
    try {
      process.kill(-pid, signal);
    } catch {
      // The group is already gone.
    }
  };
  signalGroup('SIGTERM');
  const timer = setTimeout(() => signalGroup('SIGKILL'), graceMs);
  timer.unref();
  // Grandchildren may outlive the group leader; make sure the group gets SIGKILL once the leader has exited.
  child.once('exit', () => {
    clearTimeout(timer);
    signalGroup('SIGKILL');
  });
}

/** Runs `command args` and collects its output; never throws (failures come back in the result). */
export function run(command: string, args: readonly string[], options: RunOptions = {}): Promise<RunResult> {
  const started = Date.now();
  return new Promise((resolve) => {
    let stdout = '';
    let stderr = '';
    let cancelled = false;
    let timedOut = false;
    let spawnError: NodeJS.ErrnoException | undefined;
    let settled = false;
    if (options.signal?.aborted) {
      resolve({ code: null, cancelled: true, timedOut: false, stdout, stderr, durationMs: 0 });
      return;
    }
    // spawn reports a missing working folder as `spawn <program> ENOENT`, which blames the program.
    const cwdProblem = options.cwd === undefined ? undefined : workingFolderProblem(options.cwd);
    if (cwdProblem) {
      resolve({
        code: null,
        cancelled: false,
        timedOut: false,
        spawnError: cwdProblem,
        stdout,
        stderr,
        durationMs: 0,
      });
      return;
    }
    const child = spawn(command, [...args], {
      cwd: options.cwd,
      env: options.env ?? pythonEnv(),
      stdio: ['ignore', 'pipe', 'pipe'],
      windowsHide: true,
      detached: process.platform !== 'win32',
    });
    if (child.pid !== undefined) options.onSpawn?.(child.pid);
    const out = new LineSplitter((l) => options.onLine?.(l, 'stdout'));
    const err = new LineSplitter((l) => options.onLine?.(l, 'stderr'));
    child.stdout.setEncoding('utf8');
    child.stderr.setEncoding('utf8');
    child.stdout.on('data', (c: string) => {
      stdout += c;
      out.push(c);
    });
    child.stderr.on('data', (c: string) => {
      stderr += c;
      err.push(c);
    });
    const onAbort = (): void => {
      cancelled = true;
      killTree(child);
    };
    options.signal?.addEventListener('abort', onAbort, { once: true });
    const timer =
      options.timeoutMs && options.timeoutMs > 0
        ? setTimeout(() => {
            timedOut = true;
            killTree(child, 500);
          }, options.timeoutMs)
        : undefined;
    const finish = (code: number | null): void => {
      if (settled) return;
      settled = true;
      if (timer) clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
      out.end();
      err.end();
      resolve({
        code,
        cancelled,
        timedOut,
        spawnError,
        stdout,
        stderr,
        pid: child.pid,
        durationMs: Date.now() - started,
      });
    };
    child.on('error', (e: NodeJS.ErrnoException) => {
      spawnError = e;
      // 'close' does not always follow a failed spawn.
      if (child.pid === undefined) finish(null);
    });
    child.on('close', (code) => finish(code));
  });
}

/** Why `cwd` cannot be a child's working folder, as an error that names the folder; undefined when it can. */
function workingFolderProblem(cwd: string): NodeJS.ErrnoException | undefined {
  let isDirectory: boolean;
  try {
    isDirectory = statSync(cwd).isDirectory();
  } catch {
    return Object.assign(new Error(`the folder ${cwd} does not exist`), { code: 'ENOENT', path: cwd });
  }
  if (isDirectory) return undefined;
  return Object.assign(new Error(`${cwd} is a file, not a folder`), { code: 'ENOTDIR', path: cwd });
}
