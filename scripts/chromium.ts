// Launches the system Chromium through playwright-core (which never downloads a browser here), in a
// throwaway profile, with the flags that keep a headless run quiet and off the network. Shared by the
// host-test harness, `npm start`'s check and the webview tests.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';

/** Flags for a quiet, offline, sandbox-free headless Chromium (containers have no user namespaces). */
export const CHROMIUM_ARGS: readonly string[] = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

const CANDIDATES = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'];

/** The Chromium executable: `CHROME_PATH` if set, else the first system Chromium found. */
export function findChromium(): string {
  const fromEnv = process.env.CHROME_PATH;
  if (fromEnv) {
    if (!existsSync(fromEnv)) throw new Error(`CHROME_PATH points at ${fromEnv}, which does not exist.`);
    return fromEnv;
  }
  const found = CANDIDATES.find((p) => existsSync(p));
  if (!found) {
    throw new Error(
      'No Chromium found. Install it (Debian/Ubuntu: `sudo apt-get install chromium`) ' +
        'or set CHROME_PATH to a Chromium or Chrome executable.',
    );
  }
  return found;
}

export interface LaunchChromiumOptions {
  headless?: boolean;
  viewport?: { width: number; height: number };
  extraArgs?: string[];
  /** Extra environment for the browser process (e.g. a throwaway HOME). */
  env?: NodeJS.ProcessEnv;
  /** Leave the GPU on (no `--disable-gpu`), for `npm run bench:gpu` on a machine with one. */
  gpu?: boolean;
}

export interface LaunchedChromium {
  context: BrowserContext;
  /** Closes the browser and removes its temporary profile. */
  close(): Promise<void>;
}

export async function launchChromium(opts: LaunchChromiumOptions = {}): Promise<LaunchedChromium> {
  const executablePath = findChromium();
  const headless = opts.headless ?? true;
  const profileDir = mkdtempSync(join(tmpdir(), 'ai-onramp-chromium-'));
  // Chromium writes caches under HOME/XDG_*: keep them in the throwaway profile unless told otherwise.
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    HOME: profileDir,
    XDG_CONFIG_HOME: join(profileDir, '.config'),
    XDG_CACHE_HOME: join(profileDir, '.cache'),
    XDG_DATA_HOME: join(profileDir, '.local/share'),
    ...opts.env,
  };
  let context: BrowserContext;
  try {
    context = await chromium.launchPersistentContext(profileDir, {
      executablePath,
      headless,
      viewport: opts.viewport ?? { width: 1400, height: 900 },
      args: [
        ...(headless ? ['--headless'] : []),
        ...CHROMIUM_ARGS.filter((a) => !(opts.gpu && a === '--disable-gpu')),
        ...(opts.extraArgs ?? []),
      ],
      env: env as Record<string, string>,
    });
  } catch (error) {
    rmSync(profileDir, { recursive: true, force: true });
    throw new Error(`Could not start Chromium (${executablePath}): ${(error as Error).message}`, {
      cause: error,
    });
  }
  let closed = false;
  return {
    context,
    async close() {
      if (closed) return;
      closed = true;
      await context.close().catch(() => undefined);
      rmSync(profileDir, { recursive: true, force: true });
    },
  };
}
