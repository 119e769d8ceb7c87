/**
 * The training panel's test page and what its tests say to it: open it, post what the host would post, read what
 * it sent (the outbox, the next message of a type), wait for a finished run, pick a select's option. Shared by every training page test.
 */
import * as assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { postAsHost, type BrowserSession } from './harness';
import type { HostMessage, RunRecord, WebviewMessage } from '../../src/shared/protocol/training';

export const TRAINING_PAGE = '/test/webview/pages/training.html';

export type TrainingPage = Page & { errors: string[] };

/** Opens the training page and waits until it said `ready`. */
export async function openTrainingPanel(
  session: BrowserSession,
  options?: { initScript?: string },
): Promise<TrainingPage> {
  const page = await session.open(TRAINING_PAGE, options);
  await page.waitForFunction(() => window.aiOnrampOutbox?.some((m) => m.type === 'ready'), null, {
    timeout: 120_000,
  });
  return page;
}

/** Posts a message as the extension host would. */
export async function sendHost(page: Page, message: HostMessage): Promise<void> {
  await postAsHost(page, message);
}

/** Every message the page sent so far; this page sends only the training protocol's. */
export async function outbox(page: Page): Promise<WebviewMessage[]> {
  return page.evaluate(() => (window.aiOnrampOutbox ?? []) as WebviewMessage[]);
}

/** The first message of `type` the page sent after its first `after` messages (waits for it). */
export async function nextSent<T extends WebviewMessage['type']>(
  page: Page,
  type: T,
  after: number,
): Promise<Extract<WebviewMessage, { type: T }>> {
  await page.waitForFunction(
    ([t, n]) => (window.aiOnrampOutbox ?? []).slice(n as number).some((m) => m.type === t),
    [type, after] as const,
    { timeout: 60_000 },
  );
  return (await outbox(page)).slice(after).find((m) => m.type === type) as Extract<
    WebviewMessage,
    { type: T }
  >;
}

/** Waits for the first `runFinished` and returns its run record. */
export async function waitForFinishedRun(page: Page, timeout = 540_000): Promise<RunRecord> {
  await page.waitForFunction(() => window.aiOnrampOutbox?.some((m) => m.type === 'runFinished'), null, {
    timeout,
    polling: 500,
  });
  const finished = (await outbox(page)).find((m) => m.type === 'runFinished');
  assert.ok(finished && finished.type === 'runFinished');
  return finished.run;
}

/** Picks an option of a vscode-single-select as its change does (value, then the element's change event). */
export async function choose(page: Page, selector: string, value: string): Promise<void> {
  await page.evaluate(
    ([s, v]) => {
      const select = document.querySelector(s) as HTMLElement & { value: string };
      select.value = v;
      select.dispatchEvent(new Event('change'));
    },
    [selector, value] as const,
  );
}
