/**
 * The "activation" suite of `npm run bench`: what AI Onramp costs VS Code's start-up. The packed VSIX (the
 * production bundle users get) is installed once into a throwaway profile; then code-server starts STARTS times,
 * each with fresh user data, its workbench opened in headless Chromium, and the extension's own log line
 * ("activated in … ms (bundle loaded in … ms; extension host up … ms)") read back. The table gives medians:
 * evaluating the bundle, activate() itself, and their share of the extension host's life until then.
 * Environment: BENCH_ACTIVATION_STARTS (default 5).
 */
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { launchChromium } from './chromium';
import { freePort, installExtensionFromVsix, startCodeServer, workbenchUrl } from './code-server';
import { packageVsix } from './package';

type Row = { suite: string; [figure: string]: unknown };

const STARTS = Number(process.env.BENCH_ACTIVATION_STARTS ?? 5);
const LINE = /activated in ([\d.]+) ms \(bundle loaded in ([\d.]+) ms; extension host up (\d+) ms\)/;

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

function findLog(dir: string): string | undefined {
  if (!existsSync(dir)) return undefined;
  const hit = readdirSync(dir, { recursive: true, encoding: 'utf8' }).find(
    (p) => basename(p) === 'AI Onramp.log',
  );
  return hit && join(dir, hit);
}

async function oneStart(
  extensionsDir: string,
): Promise<{ activateMs: number; loadMs: number; uptimeMs: number }> {
  const scratch = mkdtempSync(join(tmpdir(), 'ai-onramp-activation-'));
  const userDataDir = join(scratch, 'user-data');
  const workspace = join(scratch, 'workspace');
  const server = await startCodeServer({ port: await freePort(), workspace, userDataDir, extensionsDir });
  const browser = await launchChromium();
  try {
    const page = browser.context.pages()[0] ?? (await browser.context.newPage());
    await page.goto(workbenchUrl(server, workspace));
    const deadline = Date.now() + 120_000;
    for (;;) {
      const log = findLog(join(userDataDir, 'logs'));
      const match = log ? LINE.exec(readFileSync(log, 'utf8')) : null;
      if (match)
        return { activateMs: Number(match[1]), loadMs: Number(match[2]), uptimeMs: Number(match[3]) };
      if (Date.now() > deadline) throw new Error('AI Onramp did not log its activation within 120 s');
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  } finally {
    await browser.close();
    await server.stop();
    rmSync(scratch, { recursive: true, force: true });
  }
}

export async function benchActivation(): Promise<Row[]> {
  const { path: vsix, bytes } = await packageVsix({ quiet: true });
  const profile = mkdtempSync(join(tmpdir(), 'ai-onramp-activation-profile-'));
  try {
    const extensionsDir = join(profile, 'extensions');
    await installExtensionFromVsix({ vsix, extensionsDir, userDataDir: join(profile, 'user-data') });
    const starts = [];
    for (let i = 0; i < STARTS; i++) {
      const start = await oneStart(extensionsDir);
      console.error(
        `  activation ${i + 1}/${STARTS}: activate ${start.activateMs} ms, bundle ${start.loadMs} ms, ` +
          `host up ${start.uptimeMs} ms`,
      );
      starts.push(start);
    }
    const activateMs = median(starts.map((s) => s.activateMs));
    const loadMs = median(starts.map((s) => s.loadMs));
    const share = median(starts.map((s) => (s.activateMs + s.loadMs) / s.uptimeMs));
    return [
      {
        suite: 'activation',
        what: 'activate() of the installed VSIX (median)',
        ms: Math.round(activateMs * 10) / 10,
        'bundle load ms': Math.round(loadMs * 10) / 10,
        'share of host start-up': `${(share * 100).toFixed(2)} %`,
        starts: STARTS,
        'VSIX MB': Math.round((bytes / 2 ** 20) * 10) / 10,
      },
    ];
  } finally {
    rmSync(profile, { recursive: true, force: true });
  }
}
