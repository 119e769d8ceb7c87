import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';

/** Panel options every AI Onramp webview uses: scripts on, resources only from the extension's dist/ and media/. */
export function webviewPanelOptions(
  extensionUri: vscode.Uri,
  extra: vscode.WebviewPanelOptions = {},
): vscode.WebviewOptions & vscode.WebviewPanelOptions {
  return {
    enableScripts: true,
    ...extra,
    localResourceRoots: [
      vscode.Uri.joinPath(extensionUri, 'dist'),
      vscode.Uri.joinPath(extensionUri, 'media'),
    ],
  };
}

export interface WebviewPageOptions {
  readonly title: string;
  /** Style sheets and the script, as path segments below the extension root. */
  readonly styles: readonly (readonly string[])[];
  readonly script: readonly string[];
  /** Data for the page, embedded as `<script type="application/json" id=…>`. */
  readonly data?: { readonly id: string; readonly value: unknown };
  /** WASM compilation and workers started from fetched scripts (`blob:` URLs) and fetched assets. */
  readonly wasmAndWorkers?: boolean;
}

/** JSON that is safe inside a <script> element: nothing in it can close the element or end a line in JS. */
export function scriptJson(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** Builds a webview page with a strict CSP: only nonce'd scripts, only the extension's own resources. */
export function webviewPageHtml(
  webview: vscode.Webview,
  extensionUri: vscode.Uri,
  page: WebviewPageOptions,
): string {
  const nonce = randomBytes(16).toString('base64');
  const src = webview.cspSource;
  const asset = (segments: readonly string[]) =>
    escapeHtml(webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, ...segments)).toString());
  // 'wasm-unsafe-eval': WASM modules are compiled in the page; worker-src blob: and connect-src: a Worker from a
  // webview URI counts as another origin, so worker scripts are fetched and started from blob: URLs.
  const csp = [
    "default-src 'none'",
    `script-src 'nonce-${nonce}'${page.wasmAndWorkers ? " 'wasm-unsafe-eval'" : ''}`,
    ...(page.wasmAndWorkers ? ['worker-src blob:', `connect-src ${src}`] : []),
    `style-src ${src} 'nonce-${nonce}'`,
    `img-src ${src} data: blob:`,
    `font-src ${src}`,
  ].join('; ');
  const data = page.data
    ? `<script type="application/json" id="${escapeHtml(page.data.id)}" nonce="${nonce}">${scriptJson(page.data.value)}</script>\n`
    : '';
  return `<!doctype html>
<html lang="${escapeHtml(vscode.env.language)}">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(page.title)}</title>
<link rel="stylesheet" href="${asset(['dist', 'codicons', 'codicon.css'])}" id="vscode-codicon-stylesheet">
${page.styles.map((s) => `<link rel="stylesheet" href="${asset(s)}">`).join('\n')}
${data}</head>
<body>
<main id="app"></main>
<script nonce="${nonce}" src="${asset(page.script)}"></script>
</body>
</html>`;
}
