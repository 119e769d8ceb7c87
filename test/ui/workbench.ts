// What the UI tests share: the manifest's walkthroughs as a language shows them, and the moves that drive the
// workbench (the command palette, a walkthrough step, the frame of a step's media).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Frame, Page } from 'playwright-core';
import { REPO_ROOT } from '../../scripts/code-server';

export type Lang = 'en' | 'zh-cn';
export interface Step {
  id: string;
  title: string;
  media: { markdown?: string; svg?: string };
  when?: string;
}
export interface Walkthrough {
  id: string;
  title: string;
  steps: Step[];
}

export const EXTENSION_ID = 'ai-onramp.ai-onramp';
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

export function nlsValue(lang: Lang, key: string): string {
  return strings(lang)[key];
}

/** The walkthroughs with titles and media paths in `lang`. */
export function localised(lang: Lang): Walkthrough[] {
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
export function visibleOnLinux(step: Step, keys: ReadonlySet<string>): boolean {
  if (!step.when) return true;
  if (step.when === 'isLinux') return true;
  if (step.when === 'isWindows' || step.when === 'isMac') return false;
  return keys.has(step.when);
}

export async function runFromPalette(page: Page, command: string, pick?: string): Promise<void> {
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
export async function mediaFrame(page: Page, expect: (f: Frame) => Promise<boolean>): Promise<Frame> {
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

export function stepSelector(walkthrough: string, step: string): string {
  return `.getting-started-step[data-step-id="${EXTENSION_ID}#${walkthrough}#${step}"]`;
}

/** The steps the open walkthrough page shows, with their titles. */
export async function shownSteps(page: Page): Promise<{ id: string; title: string }[]> {
  return page.$$eval('.getting-started-step', (els) =>
    els
      .filter((e) => (e as HTMLElement).offsetParent !== null)
      .map((e) => ({
        id: e.getAttribute('data-step-id') ?? '',
        title: (e.querySelector('.step-title') as HTMLElement | null)?.innerText.trim() ?? '',
      })),
  );
}

/** Expands a step and waits until its media (markdown with its own heading, or an SVG) has rendered. */
export async function openStep(page: Page, walkthrough: string, step: Step): Promise<Frame | undefined> {
  await page.click(`${stepSelector(walkthrough, step.id)} .step-title`);
  await page.waitForSelector(`${stepSelector(walkthrough, step.id)}.expanded`, { timeout: 10_000 });
  if (step.media.svg) {
    return mediaFrame(page, async (f) => (await f.locator('body > svg').count()) === 1);
  }
  if (step.media.markdown) {
    const heading = /^# (.+)$/m.exec(readFileSync(join(REPO_ROOT, step.media.markdown), 'utf8'))?.[1] ?? '';
    return mediaFrame(
      page,
      async (f) => (await f.locator('h1').first().innerText({ timeout: 500 })).trim() === heading.trim(),
    );
  }
  return undefined;
}

/** What a step's markdown media column looks like: its width and everything in it wider than its box. */
export interface MediaFit {
  /** The media document's viewport width in CSS pixels (the media column). */
  columnWidth: number;
  /** One line per thing cut off or sticking out: the element, its width against its box, its first text. */
  overflows: string[];
}

/**
 * Measures the rendered media: a `pre` or `code` whose content is wider than its box (`scrollWidth >
 * clientWidth`, so a line is cut or needs a horizontal scroll), any piece of inline code or table that reaches
 * past the column, and a document that scrolls sideways.
 */
export async function measureMedia(frame: Frame): Promise<MediaFit> {
  // No named functions in here: the test's compiler would wrap them in a helper the page does not have.
  return frame.evaluate(() => {
    const column = document.documentElement.clientWidth;
    const found: [Element, string][] = [];
    const slack = 0.5;
    for (const pre of Array.from(document.querySelectorAll('pre'))) {
      if (pre.scrollWidth > pre.clientWidth + slack) {
        found.push([pre, `pre ${pre.scrollWidth}px in ${pre.clientWidth}px`]);
      }
    }
    for (const code of Array.from(document.querySelectorAll('code'))) {
      if (code.scrollWidth > code.clientWidth + slack && getComputedStyle(code).display !== 'inline') {
        found.push([code, `code ${code.scrollWidth}px in ${code.clientWidth}px`]);
      }
      // Inline code: each line box it makes must end inside the column and inside its own cell or paragraph.
      const block = code.closest('td, th, p, li, pre') ?? document.body;
      const limit = Math.min(column, block.getBoundingClientRect().right);
      const past = Array.from(code.getClientRects()).find((rect) => rect.right > limit + slack);
      if (past) found.push([code, `code ends at ${Math.round(past.right)}px past ${Math.round(limit)}px`]);
    }
    for (const table of Array.from(document.querySelectorAll('table'))) {
      const right = table.getBoundingClientRect().right;
      if (right > column + slack) {
        found.push([table, `table ends at ${Math.round(right)}px, column is ${column}px`]);
      }
      for (const cell of Array.from(table.querySelectorAll('td, th'))) {
        if (cell.scrollWidth > cell.clientWidth + slack) {
          found.push([cell, `cell ${cell.scrollWidth}px in ${cell.clientWidth}px`]);
        }
      }
    }
    const page = document.documentElement;
    if (page.scrollWidth > page.clientWidth + slack) {
      found.push([page, `the page is ${page.scrollWidth}px wide in a ${page.clientWidth}px column`]);
    }
    const overflows = found.map(
      ([e, what]) => `${what}: "${(e.textContent ?? '').replace(/\s+/g, ' ').trim().slice(0, 70)}"`,
    );
    return { columnWidth: column, overflows };
  });
}
