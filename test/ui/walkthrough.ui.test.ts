// The walkthroughs in the real workbench (code-server + headless Chromium): open each one from the
// command palette, click through every step, check that its media renders, save a screenshot of each
// step under test-results/walkthroughs/<lang>/, and watch steps tick themselves when the thing is really
// done (Python found; a venv made by the step's own button). The zh-cn run asserts the Chinese titles.
//
//   npx mocha --require tsx/cjs --timeout 600000 test/ui/walkthrough.ui.test.ts
//
// Needs `npm run build` first (dist/extension.js and dist/walkthrough/*.svg) and code-server (installed into
// .cache/ on first use by scripts/code-server.ts).
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Frame, Page } from 'playwright-core';
import {
  REPO_ROOT,
  ensureCodeServer,
  freePort,
  launchChromium,
  remoteUri,
  startCodeServer,
  workbenchUrl,
  type RunningCodeServer,
} from '../../scripts/code-server';

type Lang = 'en' | 'zh-cn';
interface Step {
  id: string;
  title: string;
  media: { markdown?: string; svg?: string };
  when?: string;
}
interface Walkthrough {
  id: string;
  title: string;
  steps: Step[];
}

const EXTENSION_ID = 'ai-onramp.ai-onramp';
const SHOTS = join(REPO_ROOT, 'test-results/walkthroughs');
const manifest = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as {
  contributes: { walkthroughs: Walkthrough[] };
};

function strings(lang: Lang): Record<string, string> {
  const en = JSON.parse(readFileSync(join(REPO_ROOT, 'package.nls.json'), 'utf8')) as Record<string, string>;
  if (lang === 'en') return en;
  return {
    ...en,
    ...(JSON.parse(readFileSync(join(REPO_ROOT, `package.nls.${lang}.json`), 'utf8')) as object),
  };
}

function nlsValue(lang: Lang, key: string): string {
  return strings(lang)[key];
}

function localised(lang: Lang): Walkthrough[] {
  const s = strings(lang);
  const l = (v: string) => v.replace(/^%(.+)%$/, (_, k: string) => s[k] ?? v);
  return manifest.contributes.walkthroughs.map((w) => ({
    id: w.id,
    title: l(w.title),
    steps: w.steps.map((st) => ({
      id: st.id,
      title: l(st.title),
      when: st.when,
      media: { markdown: st.media.markdown && l(st.media.markdown), svg: st.media.svg && l(st.media.svg) },
    })),
  }));
}

/** Steps this Linux workbench shows: the Linux install step, and none hidden behind a feature key. */
function visibleOnLinux(step: Step, keys: ReadonlySet<string>): boolean {
  if (!step.when) return true;
  if (step.when === 'isLinux') return true;
  if (step.when === 'isWindows' || step.when === 'isMac') return false;
  return keys.has(step.when);
}

async function runFromPalette(page: Page, command: string, pick?: string): Promise<void> {
  // Right after start-up VS Code may still be registering walkthroughs (it waits up to 5 s for an experiment
  // lookup): the first walkthrough picker can show our row without letting it be chosen. One retry, from a closed
  // palette, covers that (seen on 2 of 6 fresh workbenches, always passing on the retry); a second failure is real.
  try {
    await paletteOnce(page, command, pick);
  } catch (error) {
    console.log(
      `      palette: retrying "${command}"${pick ? ` → "${pick}"` : ''} (${(error as Error).message.split('\n')[0]})`,
    );
    await page.keyboard.press('Escape');
    await page.keyboard.press('Escape');
    await paletteOnce(page, command, pick);
  }
}

async function paletteOnce(page: Page, command: string, pick?: string): Promise<void> {
  // A palette that is still closing from the last command would take the keystrokes meant for this one.
  await page
    .waitForSelector('.quick-input-widget', { state: 'hidden', timeout: 15_000 })
    .catch(() => undefined);
  for (let attempt = 0; ; attempt++) {
    await page.keyboard.press('F1');
    try {
      await page.waitForSelector('.quick-input-widget:not([style*="display: none"]) input', {
        timeout: 5000,
      });
      break;
    } catch (error) {
      if (attempt >= 3) throw error;
      await page.keyboard.press('Escape');
      await page.click('.statusbar');
    }
  }
  await page.keyboard.type(command);
  await chooseRow(page, command);
  if (pick) {
    // Type only into the second picker: until it opens, keystrokes would land in the closing palette.
    await page.waitForFunction(
      () => {
        const input = document.querySelector<HTMLInputElement>('.quick-input-widget input');
        return !!input && input.offsetParent !== null && input.value === '';
      },
      null,
      { timeout: 15_000 },
    );
    await page.keyboard.type(pick);
    await chooseRow(page, pick);
  }
}

/**
 * Chooses the row showing `text` once filtering has focused it, with Enter: a click needs the row to be still
 * and unobstructed, which a fresh workbench (animating, toasts) does not always grant within the timeout.
 */
async function chooseRow(page: Page, text: string): Promise<void> {
  const focused = page
    .locator(`.quick-input-list .monaco-list-row.focused:has-text("${text}")`)
    .filter({ visible: true })
    .first();
  try {
    await focused.waitFor({ timeout: 15_000 });
    await page.keyboard.press('Enter');
  } catch {
    const row = page
      .locator(`.quick-input-list .monaco-list-row:has-text("${text}")`)
      .filter({ visible: true })
      .first();
    await row.click({ timeout: 15_000 });
  }
}

/** The frame of the step's media: the walkthrough page's one webview (outer host frame, inner content). */
async function mediaFrame(page: Page, expect: (f: Frame) => Promise<boolean>): Promise<Frame> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    for (const frame of page.frames()) {
      // The webview's content document is the inner `fake.html` frame inside its host iframe.
      if (!frame.url().includes('fake.html')) continue;
      if (await expect(frame).catch(() => false)) return frame;
    }
    if (Date.now() > deadline) throw new Error('the step media did not render');
    await page.waitForTimeout(250);
  }
}

function stepSelector(walkthrough: string, step: string): string {
  return `.getting-started-step[data-step-id="${EXTENSION_ID}#${walkthrough}#${step}"]`;
}

async function waitUntilComplete(
  page: Page,
  walkthrough: string,
  step: string,
  timeoutMs = 60_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await isComplete(page, walkthrough, step))) {
    if (Date.now() > deadline) throw new Error(`${walkthrough}#${step} never ticked`);
    await page.waitForTimeout(500);
  }
}

async function isComplete(page: Page, walkthrough: string, step: string): Promise<boolean> {
  const box = page.locator(`[data-done-step-id="${EXTENSION_ID}#${walkthrough}#${step}"]`).first();
  return ((await box.getAttribute('class')) ?? '').includes('complete');
}

for (const lang of ['en', 'zh-cn'] as const) {
  describe(`walkthroughs in the workbench (${lang})`, function () {
    this.timeout(600_000);
    const walkthroughs = localised(lang);
    let scratch: string;
    let server: RunningCodeServer | undefined;
    let browser: Awaited<ReturnType<typeof launchChromium>> | undefined;
    let page: Page;

    before(async () => {
      await ensureCodeServer();
      scratch = mkdtempSync(join(tmpdir(), `ai-onramp-ui-${lang}-`));
      const workspace = join(scratch, 'workspace');
      server = await startCodeServer({
        port: await freePort(),
        workspace,
        userDataDir: join(scratch, 'user-data'),
        extensionsDir: join(scratch, 'extensions'),
        locale: lang === 'en' ? undefined : lang,
        // VS Code opens a new extension's first walkthrough by itself; the test opens each one instead.
        settings: { 'workbench.welcomePage.walkthroughs.openOnInstall': false },
      });
      browser = await launchChromium({ viewport: { width: 1400, height: 900 } });
      page = browser.context.pages()[0] ?? (await browser.context.newPage());
      await page.goto(
        workbenchUrl(server, workspace, [['extensionDevelopmentPath', remoteUri(server, REPO_ROOT)]]),
      );
      await page.waitForSelector('.monaco-workbench', { timeout: 60_000 });
      await page.waitForSelector('.statusbar', { timeout: 60_000 });
      await page.waitForTimeout(2000);
      mkdirSync(join(SHOTS, lang), { recursive: true });
    });

    afterEach(async function () {
      if (this.currentTest?.state !== 'failed' || !page) return;
      const name = this.currentTest.title.replace(/[^\w-]+/g, '_').slice(0, 60);
      await page.screenshot({ path: join(SHOTS, lang, `FAILED-${name}.png`) }).catch(() => undefined);
    });

    after(async () => {
      await browser?.close();
      await server?.stop();
      if (scratch) rmSync(scratch, { recursive: true, force: true });
    });

    for (const walkthrough of walkthroughs) {
      it(`opens "${walkthrough.id}" and clicks through every step`, async () => {
        await page.keyboard.press('Escape');
        await runFromPalette(page, 'Welcome: Open Walkthrough', walkthrough.title);
        await page.waitForSelector('.gettingStartedContainer .getting-started-step', { timeout: 30_000 });
        const header = await page.locator('.gettingStartedSlideDetails .category-title').first().innerText();
        assert.equal(header.trim(), walkthrough.title);

        const shown = await page.$$eval('.getting-started-step', (els) =>
          els
            .filter((e) => (e as HTMLElement).offsetParent !== null)
            .map((e) => ({
              id: e.getAttribute('data-step-id') ?? '',
              title: (e.querySelector('.step-title') as HTMLElement | null)?.innerText.trim() ?? '',
            })),
        );
        const featureKeys = new Set(
          walkthrough.steps
            .filter((s) => s.when?.startsWith('aiOnramp.') && shown.some((x) => x.id.endsWith(`#${s.id}`)))
            .map((s) => s.when!),
        );
        const expected = walkthrough.steps.filter((s) => visibleOnLinux(s, featureKeys));
        assert.deepEqual(
          shown.map((s) => s.title),
          expected.map((s) => s.title),
          'the walkthrough shows other steps than the manifest says for Linux',
        );

        for (const [index, step] of expected.entries()) {
          await page.click(`${stepSelector(walkthrough.id, step.id)} .step-title`);
          await page.waitForSelector(`${stepSelector(walkthrough.id, step.id)}.expanded`, {
            timeout: 10_000,
          });
          if (step.media.svg) {
            await mediaFrame(page, async (f) => (await f.locator('body > svg').count()) === 1);
          } else if (step.media.markdown) {
            const heading =
              /^# (.+)$/m.exec(readFileSync(join(REPO_ROOT, step.media.markdown), 'utf8'))?.[1] ?? '';
            await mediaFrame(
              page,
              async (f) =>
                (await f.locator('h1').first().innerText({ timeout: 500 })).trim() === heading.trim(),
            );
          }
          await page.waitForTimeout(400);
          const file = join(
            SHOTS,
            lang,
            `${walkthrough.id}-${String(index + 1).padStart(2, '0')}-${step.id}.png`,
          );
          await page.screenshot({ path: file });
        }
      });
    }

    it('opens "Set up Python for AI" from "AI Onramp: Show Welcome"', async () => {
      await page.keyboard.press('Escape');
      await runFromPalette(
        page,
        lang === 'en' ? 'AI Onramp: Show Welcome' : `AI Onramp: ${nlsValue(lang, 'command.showWelcome')}`,
      );
      await page.waitForSelector(stepSelector('setupPython', 'checkPython'), { timeout: 30_000 });
      const header = await page.locator('.gettingStartedSlideDetails .category-title').first().innerText();
      assert.equal(header.trim(), walkthroughs[0].title);
    });

    if (lang === 'zh-cn') {
      it('shows the walkthroughs in Chinese', async () => {
        const title = await page.locator('.gettingStartedSlideDetails .category-title').first().innerText();
        assert.match(title, /[\u4e00-\u9fff]/);
        const steps = await page.$$eval('.getting-started-step .step-title', (els) =>
          els.map((e) => (e as HTMLElement).innerText),
        );
        assert.ok(steps.length > 0 && steps.every((s) => /[\u4e00-\u9fff]/.test(s)), steps.join(' | '));
      });
    }

    if (lang === 'en') {
      it('ticks "Check your Python" once the check finds Python', async () => {
        await page.keyboard.press('Escape');
        await runFromPalette(page, 'Welcome: Open Walkthrough', walkthroughs[0].title);
        const selector = stepSelector('setupPython', 'checkPython');
        await page.click(`${selector} .step-title`);
        await page.waitForSelector(`${selector}.expanded`, { timeout: 10_000 });
        // The step's own button runs the real check (python3 is installed here).
        await page.click(`${selector} .monaco-button:has-text("Check Python Environment")`);
        await waitUntilComplete(page, 'setupPython', 'checkPython');
        await waitUntilComplete(page, 'setupPython', 'pip');
        await page.waitForTimeout(1500);
        await page.screenshot({ path: join(SHOTS, lang, 'checkPython-after-check.png') });
      });

      it('ticks "Create a virtual environment" only when a venv is really made', async () => {
        const selector = stepSelector('setupPython', 'venv');
        await page.click(`${selector} .step-title`);
        await page.waitForSelector(`${selector}.expanded`, { timeout: 10_000 });
        // Nothing has made a venv in the fresh workspace, so the step must still be open.
        assert.equal(await isComplete(page, 'setupPython', 'venv'), false, 'ticked before any venv exists');
        await page.screenshot({ path: join(SHOTS, lang, 'venv-before.png') });
        await page.click(`${selector} .monaco-button:has-text("Create a venv here")`);
        await waitUntilComplete(page, 'setupPython', 'venv', 180_000);
        await page.keyboard.press('Escape');
        await runFromPalette(page, 'Welcome: Open Walkthrough', walkthroughs[0].title);
        await page.waitForSelector(selector, { timeout: 30_000 });
        await page.waitForTimeout(800);
        await page.screenshot({ path: join(SHOTS, lang, 'venv-after.png') });
      });
    }
  });
}
