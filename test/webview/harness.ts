/**
 * Webview test harness: serves the repository on a loopback port (so pages load the real `dist/` bundles and
 * data assets exactly as a webview would, over HTTP rather than file://) and opens them in Debian's Chromium.
 * A test page is any HTML file; `test/webview/pages/` holds the ones written for tests.
 */
import * as http from 'node:http';
import { createReadStream, promises as fs } from 'node:fs';
import * as path from 'node:path';
import type { AddressInfo } from 'node:net';
import type { BrowserContext, Page } from 'playwright-core';
import { launchChromium } from '../../scripts/chromium';

export const repoRoot = path.resolve(__dirname, '../..');

const mimeTypes: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.wasm': 'application/wasm',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ttf': 'font/ttf',
  '.gz': 'application/gzip',
  '.bin': 'application/octet-stream',
};

export interface StaticServer {
  readonly origin: string;
  close(): Promise<void>;
}

/** Serves files under `root`; `overrides` maps a URL path to a body (used to inject corrupt assets). */
export async function serveStatic(
  root = repoRoot,
  overrides: Map<string, Buffer | string> = new Map(),
): Promise<StaticServer> {
  const server = http.createServer((req, res) => {
    const urlPath = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    const override = overrides.get(urlPath);
    const ext = path.extname(urlPath);
    const type = mimeTypes[ext] ?? 'application/octet-stream';
    if (override !== undefined) {
      res.writeHead(200, { 'content-type': type });
      res.end(override);
      return;
    }
    const file = path.join(root, urlPath);
    if (!file.startsWith(root + path.sep)) {
      res.writeHead(403).end();
      return;
    }
    fs.stat(file).then(
      (st) => {
        if (!st.isFile()) return void res.writeHead(404).end();
        res.writeHead(200, { 'content-type': type, 'content-length': st.size });
        createReadStream(file).pipe(res);
      },
      () => res.writeHead(404).end(),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

export interface BrowserSession {
  readonly context: BrowserContext;
  readonly server: StaticServer;
  /**
   * Opens `urlPath` (relative to the repo root) in a new tab; console errors are collected on `errors`.
   * `initScript` runs in the page before its own scripts (to stand in for a browser API, say).
   */
  open(urlPath: string, options?: { initScript?: string }): Promise<Page & { errors: string[] }>;
  close(): Promise<void>;
}

export async function startBrowserSession(
  options: { overrides?: Map<string, Buffer | string>; extraArgs?: string[] } = {},
): Promise<BrowserSession> {
  const server = await serveStatic(repoRoot, options.overrides);
  const browser = await launchChromium({ extraArgs: options.extraArgs });
  return {
    context: browser.context,
    server,
    async open(urlPath: string, openOptions: { initScript?: string } = {}) {
      const page = (await browser.context.newPage()) as Page & { errors: string[] };
      if (openOptions.initScript) await page.addInitScript(openOptions.initScript);
      page.errors = [];
      page.on('pageerror', (e) => page.errors.push(String(e)));
      page.on('console', (m) => {
        if (m.type() === 'error') page.errors.push(m.text());
      });
      await page.goto(`${server.origin}/${urlPath.replace(/^\//, '')}`);
      return page;
    },
    async close() {
      await browser.close();
      await server.close();
    },
  };
}

/**
 * Posts `messages` to the page as a webview host would (window.postMessage), one after another, and resolves once
 * the page's own message listeners have handled the last: a listener added now runs after theirs for the same
 * event, so an assertion on what the page shows next does not race its handler (our pages handle host messages
 * synchronously). A test that posted and asserted at once passed on a quiet machine and failed on a busy CI.
 */
export async function postAsHost(page: Page, ...messages: unknown[]): Promise<void> {
  await page.evaluate(
    (list) =>
      new Promise<void>((resolve) => {
        // (No named functions in here: tsx's keepNames would call a __name helper the page lacks.)
        let left = list.length;
        if (left === 0) return resolve();
        const listening = new AbortController();
        window.addEventListener(
          'message',
          (event) => {
            if (event.source !== window || --left > 0) return;
            listening.abort();
            resolve();
          },
          { signal: listening.signal },
        );
        for (const m of list) window.postMessage(m, '*');
      }),
    messages,
  );
}
