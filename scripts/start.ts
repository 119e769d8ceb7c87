// `npm start`: try the extension in a real VS Code.
//
// With a `code` command on PATH, this is `code --extensionDevelopmentPath=<repo> <folder>` (F5 without a
// debugger). Without one, it starts code-server on http://127.0.0.1:3210 and prints the address to open:
// code-server's command line refuses --extensionDevelopmentPath, but the web workbench accepts it in the
// address (`payload`), which loads the extension straight from this checkout, as in F5. On the first
// start the extension opens its walkthrough. Ctrl+C stops the server.
//
//   npm start [-- [FOLDER] [--fresh] [--check] [--code-server]]
//
//   FOLDER         the folder to open (default: .cache/start/workspace)
//   --fresh        forget earlier sessions' state (settings, first-run flag, open editors)
//   --check        start, check in headless Chromium that the Command Palette offers
//                  "AI Onramp: Show Welcome", save test-results/start.png, and stop
//   --code-server  use code-server even where `code` exists
//
// Environment: AI_ONRAMP_PORT (default 3210), AI_ONRAMP_LOCALE (e.g. zh-cn: VS Code's own strings stay
// English, the extension's are Chinese).
import { spawn } from 'node:child_process';
import { mkdirSync, rmSync, statSync } from 'node:fs';
import { delimiter, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { launchChromium } from './chromium';
import { REPO_ROOT, ensureCodeServer, remoteUri, startCodeServer, workbenchUrl } from './code-server';

const STATE = join(REPO_ROOT, '.cache/start');

function desktopCode(): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, process.platform === 'win32' ? 'code.cmd' : 'code');
    try {
      // code-server's terminals put a `code` on PATH that talks back to code-server: not a desktop VS Code.
      if (statSync(candidate).isFile() && !candidate.includes('remote-cli')) return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}

function runDesktop(code: string, folder: string): Promise<number> {
  console.log(`Opening ${folder} in VS Code with the extension loaded from ${REPO_ROOT} …`);
  return new Promise((done) => {
    const child = spawn(code, [`--extensionDevelopmentPath=${REPO_ROOT}`, folder], {
      stdio: 'inherit',
      // `code.cmd` is a batch file; Node runs those only through a shell (arguments are quoted by Node).
      shell: process.platform === 'win32',
    });
    child.on('error', (error) => {
      console.error(`Could not run ${code}: ${error.message}`);
      done(1);
    });
    child.on('exit', (status) => done(status ?? 1));
  });
}

/** Checks the workbench the way a person would: F1, type the command, see it offered. */
async function checkInChromium(url: string): Promise<void> {
  const browser = await launchChromium();
  try {
    const page = browser.context.pages()[0] ?? (await browser.context.newPage());
    await page.goto(url);
    await page.waitForSelector('.monaco-workbench .statusbar', { timeout: 60_000 });
    // The walkthrough the extension opens on a first start shows that it is running.
    await page.waitForTimeout(1500);
    const wanted = 'AI Onramp: Show Welcome';
    for (let attempt = 0; ; attempt++) {
      await page.keyboard.press('F1');
      try {
        await page.waitForSelector('.quick-input-widget input', { state: 'visible', timeout: 5000 });
        break;
      } catch (error) {
        if (attempt >= 3) throw error;
        await page.keyboard.press('Escape');
        await page.click('.statusbar');
      }
    }
    await page.keyboard.type(wanted, { delay: 20 });
    const row = page.locator('.quick-input-list .monaco-list-row', { hasText: wanted }).first();
    mkdirSync(join(REPO_ROOT, 'test-results'), { recursive: true });
    try {
      await row.waitFor({ timeout: 15_000 });
    } catch {
      const rows = await page.locator('.quick-input-list .monaco-list-row').allInnerTexts();
      await page.screenshot({ path: join(REPO_ROOT, 'test-results/start.png') });
      throw new Error(
        `the Command Palette does not offer "${wanted}" (rows: ${JSON.stringify(rows.slice(0, 5))}); ` +
          'screenshot in test-results/start.png',
      );
    }
    await page.screenshot({ path: join(REPO_ROOT, 'test-results/start.png') });
    console.log(`check: the Command Palette offers "${wanted}"; screenshot in test-results/start.png`);
    await page.keyboard.press('Enter');
    const title = page.locator('.gettingStartedSlideDetails .category-title').first();
    await title.waitFor({ timeout: 15_000 });
    await page.screenshot({ path: join(REPO_ROOT, 'test-results/start-walkthrough.png') });
    console.log(
      `check: it opened the walkthrough "${await title.innerText()}"; test-results/start-walkthrough.png`,
    );
  } finally {
    await browser.close();
  }
}

async function runCodeServer(folder: string, opts: { check: boolean }): Promise<number> {
  const port = Number(process.env.AI_ONRAMP_PORT ?? 3210);
  if (!Number.isInteger(port) || port <= 0 || port > 65535) {
    console.error(`AI_ONRAMP_PORT must be a port number, not "${process.env.AI_ONRAMP_PORT}".`);
    return 1;
  }
  await ensureCodeServer();
  let server;
  try {
    server = await startCodeServer({
      port,
      workspace: folder,
      userDataDir: join(STATE, 'user-data'),
      extensionsDir: join(STATE, 'extensions'),
      locale: process.env.AI_ONRAMP_LOCALE || undefined,
    });
  } catch (error) {
    console.error((error as Error).message);
    if (/EADDRINUSE/.test((error as Error).message)) {
      console.error(`Port ${port} is taken: set AI_ONRAMP_PORT to another one.`);
    }
    return 1;
  }
  const url = workbenchUrl(server, folder, [['extensionDevelopmentPath', remoteUri(server, REPO_ROOT)]]);
  if (opts.check) {
    try {
      await checkInChromium(url);
      return 0;
    } catch (error) {
      console.error(`check failed: ${(error as Error).message}`);
      return 1;
    } finally {
      await server.stop();
    }
  }
  console.log(
    `\nAI Onramp is running in code-server. Open this address in a browser:\n\n  ${url}\n\n` +
      'After `npm run build` (or `npm run watch`), reload the page to load the new build.\n' +
      `Server log: ${server.logFile}\nPress Ctrl+C to stop.`,
  );
  await new Promise<void>((done) => {
    process.once('SIGINT', done);
    process.once('SIGTERM', done);
  });
  console.log('\nStopping code-server …');
  await server.stop();
  return 0;
}

async function main(): Promise<number> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      fresh: { type: 'boolean' },
      check: { type: 'boolean' },
      'code-server': { type: 'boolean' },
    },
  });
  if (values.fresh) rmSync(STATE, { recursive: true, force: true });
  const folder = resolve(positionals[0] ?? join(STATE, 'workspace'));
  mkdirSync(folder, { recursive: true });
  const code = values['code-server'] || values.check ? undefined : desktopCode();
  if (code) return runDesktop(code, folder);
  return runCodeServer(folder, { check: Boolean(values.check) });
}

main().then(
  (code) => process.exit(code),
  (error: Error) => {
    console.error(error.message);
    process.exit(1);
  },
);
