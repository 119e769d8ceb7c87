// code-server: a real VS Code (server + browser workbench) that installs from the npm registry alone.
//
// `npm install code-server` fails offline because its postinstall downloads ripgrep from GitHub, so this
// installs the package by hand (the recipe in /work/shared/reference/install-code-server.sh): unpack the
// tarball, install dependencies without scripts, build the native modules against the local Node headers,
// put the system `rg` where @vscode/ripgrep expects it, and recreate the links the postinstall makes.
// The result lives in `.cache/code-server/<version>/` and is reused once a marker says it is complete.
//
// `tsx scripts/code-server.ts` installs (or reuses) it and prints where it is.
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  closeSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readFileSync,
  readdirSync,
  realpathSync,
  rmSync,
  statSync,
  symlinkSync,
  copyFileSync,
  writeFileSync,
  chmodSync,
} from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join, resolve } from 'node:path';

export { findChromium, launchChromium } from './chromium';

export const CODE_SERVER_VERSION = '4.100.3';
export const REPO_ROOT = resolve(__dirname, '..');

// AI_ONRAMP_CODE_SERVER_CACHE moves the install (e.g. to a CI cache directory).
const CACHE_ROOT = resolve(process.env.AI_ONRAMP_CODE_SERVER_CACHE ?? join(REPO_ROOT, '.cache/code-server'));
const INSTALL_DIR = join(CACHE_ROOT, CODE_SERVER_VERSION);
const PACKAGE_DIR = join(INSTALL_DIR, 'package');
const MARKER = join(INSTALL_DIR, 'installed.json');
const LOCK_DIR = join(CACHE_ROOT, `${CODE_SERVER_VERSION}.lock`);
const LOG_FILE = join(CACHE_ROOT, `install-${CODE_SERVER_VERSION}.log`);

export interface CodeServerInstall {
  /** The unpacked npm package (holds `out/node/entry.js`). */
  packageDir: string;
  /** `node <entry>` starts the server. */
  entry: string;
  version: string;
}

interface Marker {
  version: string;
  /** Native modules are built for one Node ABI; another Node needs a rebuild. */
  nodeAbi: string;
  platform: string;
  arch: string;
  installedAt: string;
}

function expectedMarker(): Omit<Marker, 'installedAt'> {
  return {
    version: CODE_SERVER_VERSION,
    nodeAbi: process.versions.modules,
    platform: process.platform,
    arch: process.arch,
  };
}

function readMarker(): Marker | undefined {
  try {
    return JSON.parse(readFileSync(MARKER, 'utf8')) as Marker;
  } catch {
    return undefined;
  }
}

function markerMatches(): boolean {
  const marker = readMarker();
  if (!marker) return false;
  const expected = expectedMarker();
  return (Object.keys(expected) as (keyof typeof expected)[]).every((k) => marker[k] === expected[k]);
}

function onPath(tool: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, tool);
    try {
      if (statSync(candidate).isFile()) return candidate;
    } catch {
      // not in this directory
    }
  }
  return undefined;
}

/** The tools the native builds need; checked up front so a missing one is named, not buried in a log. */
function checkPrerequisites(): void {
  const missing: string[] = [];
  for (const [tool, pkg] of [
    ['npm', 'npm (comes with Node.js)'],
    ['tar', 'tar'],
    ['make', 'build-essential'],
    ['g++', 'build-essential'],
    ['python3', 'python3'],
    ['krb5-config', 'libkrb5-dev'],
    ['rg', 'ripgrep'],
  ] as const) {
    if (!onPath(tool)) missing.push(`${tool} (apt package: ${pkg})`);
  }
  if (missing.length > 0) {
    throw new Error(
      `Installing code-server ${CODE_SERVER_VERSION} needs tools that are not on PATH:\n  ` +
        missing.join('\n  ') +
        '\nOn Debian/Ubuntu: sudo apt-get install -y build-essential python3 libkrb5-dev ripgrep',
    );
  }
}

/** Runs a command with an argument array, appending its output to the install log. */
function run(
  step: string,
  command: string,
  args: string[],
  cwd: string,
  env: NodeJS.ProcessEnv,
): Promise<void> {
  writeFileSync(LOG_FILE, `\n$ (cd ${cwd} && ${command} ${args.join(' ')})\n`, { flag: 'a' });
  const fd = openSync(LOG_FILE, 'a');
  return new Promise<void>((resolvePromise, reject) => {
    const child = spawn(command, args, { cwd, env, stdio: ['ignore', fd, fd] });
    child.on('error', (error) => reject(new Error(`${step}: could not run ${command}: ${error.message}`)));
    child.on('exit', (code, signal) => {
      if (code === 0) resolvePromise();
      else reject(new Error(`${step} failed (${command} exited with ${signal ?? code}).\n${logTail()}`));
    });
  }).finally(() => closeSync(fd));
}

function logTail(lines = 30): string {
  try {
    const text = readFileSync(LOG_FILE, 'utf8').trimEnd().split('\n');
    return `Last lines of ${LOG_FILE}:\n` + text.slice(-lines).join('\n');
  } catch {
    return '';
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** A lock directory, so two test runs never install into the same folder at once. */
async function withInstallLock<T>(work: () => Promise<T>): Promise<T> {
  mkdirSync(CACHE_ROOT, { recursive: true });
  const deadline = Date.now() + 20 * 60_000;
  let announced = false;
  for (;;) {
    try {
      mkdirSync(LOCK_DIR);
      writeFileSync(join(LOCK_DIR, 'pid'), String(process.pid));
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const holder = Number(readFileSafe(join(LOCK_DIR, 'pid')));
      // A lock whose owner died (or that never got its pid written) is stale.
      if (!holder || !isAlive(holder)) {
        const age = Date.now() - statSync(LOCK_DIR).mtimeMs;
        if (holder || age > 10_000) rmSync(LOCK_DIR, { recursive: true, force: true });
      } else if (!announced) {
        console.log(`code-server: waiting for another install (pid ${holder}) to finish…`);
        announced = true;
      }
      if (Date.now() > deadline) throw new Error(`code-server: timed out waiting for the lock ${LOCK_DIR}`);
      await new Promise((r) => setTimeout(r, 500));
    }
  }
  try {
    return await work();
  } finally {
    rmSync(LOCK_DIR, { recursive: true, force: true });
  }
}

function readFileSafe(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return '';
  }
}

function relink(target: string, linkPath: string): void {
  rmSync(linkPath, { force: true, recursive: true });
  symlinkSync(target, linkPath);
}

function installResult(): CodeServerInstall {
  return {
    packageDir: PACKAGE_DIR,
    entry: join(PACKAGE_DIR, 'out/node/entry.js'),
    version: CODE_SERVER_VERSION,
  };
}

async function install(): Promise<void> {
  checkPrerequisites();
  // Whatever is here lacks a valid marker: a half-finished or outdated install. Start over.
  rmSync(INSTALL_DIR, { recursive: true, force: true });
  mkdirSync(INSTALL_DIR, { recursive: true });
  writeFileSync(LOG_FILE, `code-server ${CODE_SERVER_VERSION} install, ${new Date().toISOString()}\n`);

  const nodeDir = dirname(dirname(realpathSync(process.execPath)));
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    // node-gyp takes the headers of the running Node instead of downloading them from nodejs.org.
    npm_config_nodedir: nodeDir,
    npm_config_yes: 'true',
    npm_config_audit: 'false',
    npm_config_fund: 'false',
    npm_config_update_notifier: 'false',
    // Keep the native builds from grabbing every core of a shared machine.
    JOBS: process.env.JOBS ?? '2',
  };
  const npmInstall = ['install', '--omit=dev', '--ignore-scripts', '--no-audit', '--no-fund'];

  await run('npm pack', 'npm', ['pack', '--silent', `code-server@${CODE_SERVER_VERSION}`], INSTALL_DIR, env);
  const tarball = readdirSync(INSTALL_DIR).find((f) => f.endsWith('.tgz'));
  if (!tarball) throw new Error(`npm pack produced no tarball in ${INSTALL_DIR}.\n${logTail()}`);
  await run('unpack', 'tar', ['xzf', tarball], INSTALL_DIR, env);
  rmSync(join(INSTALL_DIR, tarball));

  await run('npm install (code-server)', 'npm', npmInstall, PACKAGE_DIR, env);
  // argon2's prebuilt binary comes from GitHub; build it from source instead (only password auth uses it).
  const fromSource = { ...env, npm_config_build_from_source: 'true' };
  await run('build argon2', 'npm', ['rebuild', 'argon2'], PACKAGE_DIR, fromSource).catch(async () =>
    run('build argon2 (fallback)', 'npm', ['rebuild', 'argon2'], PACKAGE_DIR, env),
  );

  const vscodeDir = join(PACKAGE_DIR, 'lib/vscode');
  await run('npm install (lib/vscode)', 'npm', npmInstall, vscodeDir, env);
  // With `rg` already in place, @vscode/ripgrep's postinstall has nothing to download.
  const rgDir = join(vscodeDir, 'node_modules/@vscode/ripgrep/bin');
  mkdirSync(rgDir, { recursive: true });
  copyFileSync(realpathSync(onPath('rg')!), join(rgDir, 'rg'));
  chmodSync(join(rgDir, 'rg'), 0o755);
  // node-pty's post-install step (compile_commands) may fail harmlessly; the checks below decide.
  await run('build native modules', 'npm', ['rebuild'], vscodeDir, env).catch((error: Error) => {
    writeFileSync(LOG_FILE, `\n(npm rebuild reported: ${error.message.split('\n')[0]})\n`, { flag: 'a' });
  });
  for (const binary of [
    'node_modules/node-pty/build/Release/pty.node',
    'node_modules/@vscode/spdlog/build/Release/spdlog.node',
  ]) {
    if (!existsSync(join(vscodeDir, binary))) {
      throw new Error(`code-server install: native module ${binary} was not built.\n${logTail()}`);
    }
  }
  // The links code-server's own postinstall would have made.
  relink('node_modules', join(vscodeDir, 'node_modules.asar'));
  relink('code-linux.sh', join(vscodeDir, 'bin/remote-cli/code-server'));
  relink('browser-linux.sh', join(vscodeDir, 'bin/helpers/browser.sh'));

  const builtinExtensions = join(vscodeDir, 'extensions');
  await run('npm install (built-in extensions)', 'npm', npmInstall, builtinExtensions, env);
  await run('built-in extensions postinstall', process.execPath, ['postinstall.mjs'], builtinExtensions, env);

  // The install counts only once the server really starts and reports its version.
  const scratch = mkdtempSync(join(tmpdir(), 'code-server-version-'));
  try {
    const versionOut = join(scratch, 'version.txt');
    writeFileSync(versionOut, '');
    const fd = openSync(versionOut, 'a');
    try {
      await new Promise<void>((ok, fail) => {
        const child = spawn(process.execPath, [installResult().entry, '--version'], {
          env: { ...env, ...throwawayHomeEnv(scratch) },
          stdio: ['ignore', fd, fd],
        });
        child.on('error', fail);
        child.on('exit', (code) => (code === 0 ? ok() : fail(new Error(`exit ${code}`))));
      });
    } finally {
      closeSync(fd);
    }
    const version = readFileSync(versionOut, 'utf8');
    if (!version.includes(CODE_SERVER_VERSION)) {
      throw new Error(`code-server --version printed "${version.trim()}", expected ${CODE_SERVER_VERSION}`);
    }
  } catch (error) {
    throw new Error(`code-server install did not verify: ${(error as Error).message}\n${logTail()}`);
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
  const marker: Marker = { ...expectedMarker(), installedAt: new Date().toISOString() };
  writeFileSync(MARKER, JSON.stringify(marker, null, 2) + '\n');
}

/** Installs code-server into `.cache/code-server/<version>/`, or reuses a complete install there. */
export async function ensureCodeServer(opts: { quiet?: boolean } = {}): Promise<CodeServerInstall> {
  const started = Date.now();
  const say = (message: string) => {
    if (!opts.quiet) console.log(message);
  };
  if (markerMatches()) {
    say(`code-server ${CODE_SERVER_VERSION}: reusing ${INSTALL_DIR} (${Date.now() - started} ms)`);
    return installResult();
  }
  return withInstallLock(async () => {
    // Another process may have finished the install while this one waited for the lock.
    if (markerMatches()) {
      say(`code-server ${CODE_SERVER_VERSION}: reusing ${INSTALL_DIR} (${Date.now() - started} ms)`);
      return installResult();
    }
    say(`code-server ${CODE_SERVER_VERSION}: installing into ${INSTALL_DIR} (log: ${LOG_FILE}) …`);
    await install();
    say(`code-server ${CODE_SERVER_VERSION}: installed in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    return installResult();
  });
}

/** HOME and XDG_* inside `dir`, so neither code-server nor its children write under the real home. */
export function throwawayHomeEnv(dir: string): NodeJS.ProcessEnv {
  return {
    HOME: dir,
    XDG_CONFIG_HOME: join(dir, '.config'),
    XDG_DATA_HOME: join(dir, '.local/share'),
    XDG_CACHE_HOME: join(dir, '.cache'),
    XDG_STATE_HOME: join(dir, '.local/state'),
  };
}

/** A port that was free on 127.0.0.1 a moment ago. */
export function freePort(): Promise<number> {
  return new Promise((ok, fail) => {
    const server = createServer();
    server.unref();
    server.on('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? ok(address.port) : fail(new Error('no port')),
      );
    });
  });
}

/** User settings that keep first-run popups, tips and update checks out of the way. */
export const QUIET_SETTINGS: Record<string, unknown> = {
  'workbench.startupEditor': 'none',
  'security.workspace.trust.enabled': false,
  'telemetry.telemetryLevel': 'off',
  'workbench.tips.enabled': false,
  'extensions.autoUpdate': false,
  'extensions.autoCheckUpdates': false,
  'update.mode': 'none',
  'workbench.enableExperiments': false,
  'chat.commandCenter.enabled': false,
  // Test and start folders may sit inside this repository; no "open the parent repository?" prompt.
  'git.openRepositoryInParentFolders': 'never',
};

export interface StartCodeServerOptions {
  port: number;
  /** The folder the workbench opens. */
  workspace: string;
  userDataDir: string;
  extensionsDir: string;
  /** Extra environment for the server (and so for the extension host it starts). */
  env?: NodeJS.ProcessEnv;
  /** A display language such as `zh-cn`; a minimal language pack is generated for it. */
  locale?: string;
  /** Extra user settings, merged over QUIET_SETTINGS. */
  settings?: Record<string, unknown>;
  extraArgs?: string[];
  /** Where the server's output goes; defaults to `<userDataDir>/server.log`. */
  logFile?: string;
  /** Keeps VS Code's workspace trust on, so an untrusted folder opens in Restricted Mode (default: off). */
  workspaceTrust?: boolean;
}

export interface RunningCodeServer {
  /** `http://127.0.0.1:<port>` */
  url: string;
  port: number;
  logFile: string;
  /** Stops the server and every process it started (file watchers, extension hosts). */
  stop(): Promise<void>;
}

/**
 * A minimal language pack for `locale`, dropped into the extensions folder (the server registers folders
 * it finds there), and recorded in `<userDataDir>/languagepacks.json` exactly as VS Code's
 * LanguagePacksCache would after installing it from the Marketplace: that file is what makes the server
 * accept the locale, and code-server's `--install-extension` does not write it. The translations file is
 * empty, so VS Code's own strings stay English, but `vscode.env.language` becomes `locale` and the
 * extension's `package.nls.<locale>.json` and `l10n/bundle.l10n.<locale>.json` are used.
 */
export function installLanguagePack(extensionsDir: string, userDataDir: string, locale: string): void {
  const id = `ai-onramp-test.language-pack-${locale}`;
  const version = '0.0.1';
  const dir = join(extensionsDir, `${id}-${version}`);
  const translations = join(dir, 'translations/main.i18n.json');
  mkdirSync(dirname(translations), { recursive: true });
  writeFileSync(
    join(dir, 'package.json'),
    JSON.stringify(
      {
        name: `language-pack-${locale}`,
        publisher: 'ai-onramp-test',
        displayName: `Test language pack (${locale})`,
        version,
        engines: { vscode: '*' },
        categories: ['Language Packs'],
        contributes: {
          localizations: [
            {
              languageId: locale,
              languageName: locale,
              localizedLanguageName: locale,
              translations: [{ id: 'vscode', path: './translations/main.i18n.json' }],
            },
          ],
        },
      },
      null,
      2,
    ),
  );
  writeFileSync(translations, JSON.stringify({ version: '1.0.0', contents: {} }));
  mkdirSync(userDataDir, { recursive: true });
  writeFileSync(
    join(userDataDir, 'languagepacks.json'),
    JSON.stringify({
      [locale]: {
        hash: createHash('md5').update(id).update(version).digest('hex'),
        extensions: [{ extensionIdentifier: { id }, version }],
        translations: { vscode: translations },
        label: locale,
      },
    }),
  );
}

function tail(file: string, lines = 40): string {
  return readFileSafe(file).trimEnd().split('\n').slice(-lines).join('\n');
}

/** Starts code-server on 127.0.0.1 and resolves once `/healthz` answers. */
export async function startCodeServer(opts: StartCodeServerOptions): Promise<RunningCodeServer> {
  const { entry } = await ensureCodeServer({ quiet: true });
  const home = mkdtempSync(join(tmpdir(), 'code-server-home-'));
  for (const dir of [opts.workspace, opts.extensionsDir, join(opts.userDataDir, 'User')]) {
    mkdirSync(dir, { recursive: true });
  }
  const settingsFile = join(opts.userDataDir, 'User/settings.json');
  const existing = existsSync(settingsFile)
    ? (JSON.parse(readFileSync(settingsFile, 'utf8')) as Record<string, unknown>)
    : {};
  writeFileSync(
    settingsFile,
    JSON.stringify({ ...QUIET_SETTINGS, ...existing, ...opts.settings }, null, 2) + '\n',
  );
  const configFile = join(home, 'config.yaml');
  writeFileSync(configFile, `bind-addr: 127.0.0.1:${opts.port}\nauth: none\ncert: false\n`);

  const env: NodeJS.ProcessEnv = { ...process.env, ...throwawayHomeEnv(home), ...opts.env };
  // A parent VS Code's variables would make the server think it runs inside that editor.
  for (const key of Object.keys(env)) {
    if (key.startsWith('VSCODE_') && !(opts.env && key in opts.env)) delete env[key];
  }
  const logFile = opts.logFile ?? join(opts.userDataDir, 'server.log');
  if (opts.locale && !opts.locale.startsWith('en')) {
    installLanguagePack(opts.extensionsDir, opts.userDataDir, opts.locale);
  }
  const args = [
    entry,
    '--config',
    configFile,
    '--user-data-dir',
    opts.userDataDir,
    '--extensions-dir',
    opts.extensionsDir,
    '--disable-telemetry',
    '--disable-update-check',
    ...(opts.workspaceTrust ? [] : ['--disable-workspace-trust']),
    '--disable-getting-started-override',
    ...(opts.locale ? ['--locale', opts.locale] : []),
    ...(opts.extraArgs ?? []),
    opts.workspace,
  ];
  const fd = openSync(logFile, 'a');
  // Its own process group: code-server leaves file watchers and extension hosts behind unless the whole
  // group is signalled.
  const child: ChildProcess = spawn(process.execPath, args, {
    env,
    detached: true,
    stdio: ['ignore', fd, fd],
  });
  closeSync(fd);
  const pid = child.pid;
  if (pid === undefined) {
    rmSync(home, { recursive: true, force: true });
    throw new Error('code-server did not start');
  }
  let exited = false;
  const exitPromise = new Promise<void>((ok) => child.once('exit', () => ((exited = true), ok())));
  const killGroup = (signal: NodeJS.Signals) => {
    try {
      process.kill(-pid, signal);
    } catch {
      // the group is gone already
    }
  };
  // Should this process die first, take the server down with it: its own process group does not get
  // the terminal's Ctrl+C.
  const onExit = () => killGroup('SIGKILL');
  process.on('exit', onExit);
  const onSignal = (signal: NodeJS.Signals) => {
    // Where something else handles the signal (npm start stops gracefully), leave it to that; else
    // stop the server and die of the signal, as without a handler.
    if (process.listenerCount(signal) > 1) return;
    removeSignalHandlers();
    killGroup('SIGKILL');
    process.kill(process.pid, signal);
  };
  const removeSignalHandlers = () => {
    for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.off(signal, onSignal);
  };
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, onSignal);

  const url = `http://127.0.0.1:${opts.port}`;
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    process.off('exit', onExit);
    removeSignalHandlers();
    killGroup('SIGTERM');
    const timer = setTimeout(() => killGroup('SIGKILL'), 5000);
    await exitPromise;
    clearTimeout(timer);
    // Children that ignored SIGTERM (watchers) go with the group.
    killGroup('SIGKILL');
    rmSync(home, { recursive: true, force: true });
  };

  const deadline = Date.now() + 60_000;
  for (;;) {
    if (exited) {
      await stop();
      throw new Error(`code-server exited during start-up. Its log (${logFile}):\n${tail(logFile)}`);
    }
    try {
      const response = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(2000) });
      if (response.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`code-server did not answer ${url}/healthz within 60 s. Its log:\n${tail(logFile)}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return { url, port: opts.port, logFile, stop };
}

/**
 * `code-server --install-extension <vsix>` into a throwaway profile: what a user's "Install from VSIX…" does.
 * Resolves with the installed extension's folder; rejects with the server's own words when it refuses.
 */
export async function installExtensionFromVsix(opts: {
  vsix: string;
  extensionsDir: string;
  userDataDir: string;
}): Promise<string> {
  const { entry } = await ensureCodeServer({ quiet: true });
  const home = mkdtempSync(join(tmpdir(), 'code-server-home-'));
  mkdirSync(opts.extensionsDir, { recursive: true });
  try {
    const args = [
      entry,
      '--user-data-dir',
      opts.userDataDir,
      '--extensions-dir',
      opts.extensionsDir,
      '--install-extension',
      opts.vsix,
    ];
    const output = await new Promise<string>((ok, fail) => {
      const child = spawn(process.execPath, args, {
        env: { ...process.env, ...throwawayHomeEnv(home) },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let text = '';
      child.stdout?.on('data', (chunk: Buffer) => (text += chunk.toString()));
      child.stderr?.on('data', (chunk: Buffer) => (text += chunk.toString()));
      child.on('error', fail);
      child.on('exit', (code) =>
        code === 0 ? ok(text) : fail(new Error(`--install-extension exited with ${code}:\n${text}`)),
      );
    });
    const installed = readdirSync(opts.extensionsDir).filter((d) => d.startsWith('ai-onramp.ai-onramp-'));
    if (installed.length !== 1) {
      throw new Error(`--install-extension left ${installed.length} AI Onramp folders:\n${output}`);
    }
    return join(opts.extensionsDir, installed[0]);
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
}

/** The workbench URL for a folder, optionally with a `payload` (e.g. extensionDevelopmentPath). */
export function workbenchUrl(server: { url: string }, folder: string, payload?: [string, string][]): string {
  let url = `${server.url}/?folder=${encodeURIComponent(folder)}`;
  if (payload) url += `&payload=${encodeURIComponent(JSON.stringify(payload))}`;
  return url;
}

/** A path on the server as the workbench names it in a payload. */
export function remoteUri(server: { url: string }, path: string): string {
  return `vscode-remote://${new URL(server.url).host}${path}`;
}

if (require.main === module) {
  ensureCodeServer()
    .then((installed) => console.log(`code-server ${installed.version}: ${installed.entry}`))
    .catch((error: Error) => {
      console.error(error.message);
      process.exit(1);
    });
}
