// Runs the host suite (out/test/host/index.js, built by `npm run build`) in a real VS Code extension host:
// code-server on a free loopback port, its web workbench in headless Chromium, and the suite handed over
// through the workbench's `payload` (extensionDevelopmentPath + extensionTestsPath), the route
// code-server's command line refuses. The workbench reports the suite's output via `codeAutomationLog` and
// its end via `codeAutomationExit(code)`.
//
//   tsx scripts/test-host.ts [--grep PATTERN] [--locale zh-cn] [--timeout SECONDS] [--keep]
//
// Environment: AI_ONRAMP_TEST_GREP (as --grep), AI_ONRAMP_HOST_TIMEOUT_MS, AI_ONRAMP_TEST_VERBOSE=1
// (relay the workbench's own console too).
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { format, parseArgs } from 'node:util';
import type { Frame, Page } from 'playwright-core';
import { launchChromium } from './chromium';
import {
  REPO_ROOT,
  ensureCodeServer,
  freePort,
  installExtensionFromVsix,
  remoteUri,
  startCodeServer,
  type RunningCodeServer,
  workbenchUrl,
} from './code-server';
import type { HostTestResults } from '../test/host/index';

export interface RunHostTestsOptions {
  /** Only tests whose full title matches (a regular expression, as mocha's --grep). */
  grep?: string;
  /** Display language of the workbench and extension host, e.g. `zh-cn`. */
  locale?: string;
  /** Gives up after this long (default 15 min, or AI_ONRAMP_HOST_TIMEOUT_MS). */
  timeoutMs?: number;
  /** Where the workbench screenshot goes (default test-results/host/workbench.png). */
  screenshot?: string;
  /** Extra environment for code-server and the extension host. */
  env?: NodeJS.ProcessEnv;
  /** Keeps the temporary workspace, user data and server log (their path is printed). */
  keep?: boolean;
  /** Where the suite's own output goes (default: stdout). */
  write?: (line: string) => void;
  /**
   * Tests the packed VSIX instead of this folder: it is installed with `--install-extension` into the throwaway
   * profile, and the suite (default out/test/vsix/index.js) runs with test/vsix/runner, an empty extension, as
   * the development extension that VS Code requires for running tests.
   */
  vsix?: string;
  /**
   * Runs out/test/trust/ with workspace trust on and the workspace untrusted, i.e. in Restricted Mode, as a
   * folder someone else made opens.
   */
  restricted?: boolean;
}

export interface HostRunResult extends HostTestResults {
  /** What the suite passed to codeAutomationExit (0 when every test passed). */
  exitCode: number;
  /** Server start to server stop. */
  totalMs: number;
}

/** Workbench start-up chatter relayed with the suite's output; shown only with AI_ONRAMP_TEST_VERBOSE. */
const WORKBENCH_NOISE =
  /^(Resolving connection token|Resolved connection token|Creating a socket|Updating additional builtin extensions cache|\[Service Worker\]|ChatSessionStore:)|ENOTFOUND open-vsx\.org/;

const HOST_SUITE = join(REPO_ROOT, 'out/test/host/index.js');
const VSIX_SUITE = join(REPO_ROOT, 'out/test/vsix/index.js');
const VSIX_RUNNER = join(REPO_ROOT, 'test/vsix/runner');
const TRUST_SUITE = join(REPO_ROOT, 'out/test/trust/index.js');
/** Trust on, never asked: VS Code then opens a folder it was not told to trust in Restricted Mode. */
const RESTRICTED_SETTINGS = {
  'security.workspace.trust.enabled': true,
  'security.workspace.trust.startupPrompt': 'never',
  'security.workspace.trust.banner': 'never',
  'security.workspace.trust.untrustedFiles': 'open',
};

/**
 * What a host test may do in a page through the probe, one step at a time, as a learner would: click an element
 * (the first matching `click`), press a key on one (`press` on `on`), or read every matching element's text or
 * one of its attributes (`read`, `attribute`).
 */
export type ProbeAction =
  { click: string } | { press: string; on: string } | { read: string; attribute?: string };

/** The frame whose document has an element matching `selector` (a webview's content frame), if one does. */
async function frameWith(page: Page, selector: string): Promise<Frame | undefined> {
  for (const frame of page.frames()) {
    if (await frame.$(selector).catch(() => null)) return frame;
  }
  return undefined;
}

/** Does `actions` in `frame`; answers one entry an action: what a `read` read (an empty list for the others). */
async function act(frame: Frame, actions: readonly ProbeAction[]): Promise<(string | null)[][]> {
  const results: (string | null)[][] = [];
  for (const a of actions) {
    if ('click' in a) {
      await frame.locator(a.click).first().click();
      results.push([]);
    } else if ('press' in a) {
      await frame.locator(a.on).first().press(a.press);
      results.push([]);
    } else {
      const attribute = a.attribute;
      results.push(
        await frame.$$eval(
          a.read,
          (elements, name) =>
            elements.map((e) => (name ? e.getAttribute(name) : (e as HTMLElement).innerText)),
          attribute,
        ),
      );
    }
  }
  return results;
}

/**
 * A loopback endpoint through which host tests read the workbench's DOM (the extension API cannot tell,
 * for example, which walkthrough the Welcome editor shows) and act in it. `GET <url>/text?selector=S` answers the
 * `innerText` of every visible element matching the CSS selector S, as a JSON array. `POST <url>/act` with
 * `{frame?, actions}` (ProbeAction[]) does the actions in the workbench, or with `frame` (a CSS selector) in the
 * frame whose document has a match (a webview's content: the extension API cannot reach into a webview), and
 * answers what each read (404 while no such frame is there). The extension host learns the URL from
 * AI_ONRAMP_WORKBENCH_PROBE; test/host/helpers.ts wraps it as `workbenchText()` and `workbenchAct()`.
 */
async function startWorkbenchProbe(page: Promise<Page>): Promise<{ url: string; server: Server }> {
  const token = randomBytes(16).toString('hex');
  const server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    const fail = (error: Error) => response.writeHead(400).end(error.message.split('\n')[0]);
    if (url.pathname === `/${token}/act` && request.method === 'POST') {
      let body = '';
      request.setEncoding('utf8');
      request.on('data', (chunk: string) => (body += chunk));
      request.on('end', () => {
        void (async () => {
          const { frame, actions } = JSON.parse(body) as { frame?: string; actions: ProbeAction[] };
          const p = await page;
          const target = frame === undefined ? p.mainFrame() : await frameWith(p, frame);
          if (!target) return void response.writeHead(404).end(`no frame has ${frame}`);
          const results = await act(target, actions);
          response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(results));
        })().catch(fail);
      });
      return;
    }
    const selector = url.searchParams.get('selector');
    if (url.pathname !== `/${token}/text` || !selector) {
      response.writeHead(404).end();
      return;
    }
    page
      .then((p) =>
        p.$$eval(selector, (elements) =>
          // Hidden elements too would answer (the Welcome editor keeps stale slides in the DOM).
          elements.filter((e) => e.checkVisibility()).map((e) => (e as HTMLElement).innerText),
        ),
      )
      .then(
        (texts) => response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(texts)),
        fail,
      );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (!address || typeof address !== 'object') throw new Error('workbench probe: no address');
  return { url: `http://127.0.0.1:${address.port}/${token}`, server };
}

export async function runHostTests(opts: RunHostTestsOptions = {}): Promise<HostRunResult> {
  const write = opts.write ?? ((line: string) => process.stdout.write(line + '\n'));
  const suite = opts.vsix ? VSIX_SUITE : opts.restricted ? TRUST_SUITE : HOST_SUITE;
  if (!existsSync(suite)) {
    throw new Error(`${suite} is missing: run \`npm run build\` first (it bundles test/ into out/).`);
  }
  const timeoutMs = opts.timeoutMs ?? (Number(process.env.AI_ONRAMP_HOST_TIMEOUT_MS) || 15 * 60_000);
  await ensureCodeServer();

  const scratch = mkdtempSync(join(tmpdir(), 'ai-onramp-host-'));
  const workspace = join(scratch, 'workspace');
  const resultsFile = join(scratch, 'results.json');
  const started = Date.now();
  let pageReady!: (page: Page) => void;
  const probe = await startWorkbenchProbe(new Promise<Page>((resolve) => (pageReady = resolve)));
  const extensionsDir = join(scratch, 'extensions');
  let server: RunningCodeServer;
  try {
    if (opts.vsix) {
      const installed = await installExtensionFromVsix({
        vsix: opts.vsix,
        extensionsDir,
        userDataDir: join(scratch, 'user-data'),
      });
      write(`host tests: installed ${basename(opts.vsix)} into ${installed} in ${Date.now() - started} ms`);
    }
    server = await startCodeServer({
      port: await freePort(),
      workspace,
      userDataDir: join(scratch, 'user-data'),
      extensionsDir,
      locale: opts.locale,
      // Tests expect plain venv + pip whatever the machine has on PATH; the uv test turns uv on itself.
      settings: { 'aiOnramp.python.useUv': false, ...(opts.restricted ? RESTRICTED_SETTINGS : {}) },
      workspaceTrust: opts.restricted,
      env: {
        ...opts.env,
        ...(opts.vsix ? { AI_ONRAMP_VSIX_EXTENSIONS_DIR: extensionsDir } : {}),
        AI_ONRAMP_TEST_RESULTS: resultsFile,
        AI_ONRAMP_WORKBENCH_PROBE: probe.url,
        ...(opts.grep ? { AI_ONRAMP_TEST_GREP: opts.grep } : {}),
      },
    });
  } catch (error) {
    probe.server.close();
    rmSync(scratch, { recursive: true, force: true });
    throw error;
  }
  write(`host tests: code-server up at ${server.url} in ${Date.now() - started} ms`);

  let browser: Awaited<ReturnType<typeof launchChromium>> | undefined;
  let exitCode: number;
  try {
    browser = await launchChromium();
    const page = browser.context.pages()[0] ?? (await browser.context.newPage());
    pageReady(page);
    let onExit!: (code: number) => void;
    const exited = new Promise<number>((resolve) => (onExit = resolve));
    const verbose = Boolean(process.env.AI_ONRAMP_TEST_VERBOSE);
    await page.exposeFunction('codeAutomationLog', (type: string, args: unknown[]) => {
      const text = format(...(Array.isArray(args) ? args : [args]));
      if (!verbose && WORKBENCH_NOISE.test(text)) return;
      write(type === 'error' || type === 'warn' ? `[${type}] ${text}` : text);
    });
    await page.exposeFunction('codeAutomationExit', (code: number) => onExit(code));
    if (verbose) {
      page.on('console', (message) => write(`[workbench ${message.type()}] ${message.text()}`));
    }
    page.on('pageerror', (error) => write(`[workbench error] ${error.message}`));

    const url = workbenchUrl(server, workspace, [
      ['extensionDevelopmentPath', remoteUri(server, opts.vsix ? VSIX_RUNNER : REPO_ROOT)],
      ['extensionTestsPath', remoteUri(server, suite)],
    ]);
    await page.goto(url);
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<'timeout'>(
      (resolve) => (timer = setTimeout(() => resolve('timeout'), timeoutMs)),
    );
    const outcome = await Promise.race([exited, timedOut]);
    clearTimeout(timer);
    if (outcome === 'timeout') {
      write(`host tests: no result after ${timeoutMs / 1000} s; kept the server log: ${server.logFile}`);
      exitCode = 124;
    } else {
      exitCode = outcome;
    }
    const screenshot = opts.screenshot ?? join(REPO_ROOT, 'test-results/host/workbench.png');
    mkdirSync(join(screenshot, '..'), { recursive: true });
    await page.screenshot({ path: screenshot }).catch((error: Error) => {
      write(`host tests: no screenshot (${error.message.split('\n')[0]})`);
    });
  } finally {
    probe.server.close();
    await browser?.close();
    await server.stop();
  }
  const totalMs = Date.now() - started;

  let results: HostTestResults;
  if (existsSync(resultsFile)) {
    results = JSON.parse(readFileSync(resultsFile, 'utf8')) as HostTestResults;
  } else {
    // The suite never finished (crash, timeout, a runner that failed to load): that is one failure.
    results = {
      passed: 0,
      failed: 1,
      pending: 0,
      durationMs: totalMs,
      failures: [
        {
          title: 'host test suite',
          error:
            exitCode === 124
              ? `timed out after ${timeoutMs / 1000} s`
              : `ended with code ${exitCode} without writing results`,
        },
      ],
    };
    if (exitCode === 0) exitCode = 1;
  }
  if (results.failed > 0) {
    // The scratch folder goes; what the extension logged stays in this output for whoever reads a red run.
    for (const file of findFiles(join(scratch, 'user-data', 'logs'), 'AI Onramp.log')) {
      write(`host tests: end of ${file}:\n${readFileSync(file, 'utf8').slice(-6000)}`);
    }
  }
  if (opts.keep || exitCode === 124) write(`host tests: kept ${scratch}`);
  else rmSync(scratch, { recursive: true, force: true });
  return { ...results, exitCode, totalMs };
}

if (require.main === module) {
  const { values } = parseArgs({
    options: {
      grep: { type: 'string' },
      locale: { type: 'string' },
      timeout: { type: 'string' },
      keep: { type: 'boolean' },
    },
  });
  runHostTests({
    grep: values.grep ?? process.env.AI_ONRAMP_TEST_GREP,
    locale: values.locale,
    timeoutMs: values.timeout ? Number(values.timeout) * 1000 : undefined,
    keep: values.keep,
  })
    .then((result) => {
      console.log(
        `host tests: ${result.passed} passed, ${result.failed} failed, ${result.pending} pending ` +
          `(suite ${(result.durationMs / 1000).toFixed(1)} s, with server ${(result.totalMs / 1000).toFixed(1)} s)`,
      );
      for (const failure of result.failures) console.log(`  ✗ ${failure.title}\n    ${failure.error}`);
      process.exit(result.exitCode === 0 && result.failed === 0 ? 0 : result.exitCode || 1);
    })
    .catch((error: Error) => {
      console.error(`host tests: ${error.message}`);
      process.exit(1);
    });
}

/** Files called `name` anywhere under `dir`. */
function findFiles(dir: string, name: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((p) => basename(p) === name)
    .map((p) => join(dir, p));
}
