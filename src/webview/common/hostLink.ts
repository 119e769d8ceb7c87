/**
 * A page's link to its host, for both panels' pages (training, TensorBoard logs). Inside VS Code it is
 * `acquireVsCodeApi()`; in a test page (no VS Code) outgoing messages go to the test hook below, and the test
 * plays the host by `window.postMessage`-ing host messages, exactly as VS Code delivers them. Every incoming
 * message is validated with the page's protocol; a malformed one is handed to `onRefused` and dropped.
 */
import type { Parsed } from '../../shared/protocol/common';
import type { WebviewMessage as TensorBoardPageMessage } from '../../shared/protocol/tensorboard';
import type { WebviewMessage as TrainingPageMessage } from '../../shared/protocol/training';

/** What `acquireVsCodeApi()` gives a webview page (it may be called once a page). */
export interface VsCodeApi {
  postMessage(message: unknown): void;
  getState(): unknown;
  setState(state: unknown): void;
}

/** Every message a page of ours sends its host. */
export type PageMessage = TrainingPageMessage | TensorBoardPageMessage;

declare global {
  interface Window {
    acquireVsCodeApi?: () => VsCodeApi;
    /**
     * TEST HOOK, the one place it is defined: outside VS Code (a test page in Chromium, where there is no
     * `acquireVsCodeApi`) every message a page sends is pushed here, and dispatched as an `ai-onramp-message`
     * event, for the test to read. Inside VS Code it stays undefined.
     */
    aiOnrampOutbox?: PageMessage[];
  }
}

export interface HostLink<In, Out extends PageMessage> {
  readonly inVsCode: boolean;
  post(message: Out): void;
  /** Calls `handler` with every valid message from the host. */
  onMessage(handler: (message: In) => void): void;
  getState(): unknown;
  setState(state: unknown): void;
}

export interface HostLinkOptions<In, Out extends PageMessage> {
  /** The page's protocol's validator for host messages. */
  parse(raw: unknown): Parsed<In>;
  /** Told of each malformed host message, after it was dropped (with `post`, to tell the host). */
  onRefused(error: string, post: (message: Out) => void): void;
}

export function connectHost<In, Out extends PageMessage>(
  options: HostLinkOptions<In, Out>,
): HostLink<In, Out> {
  const api = typeof window.acquireVsCodeApi === 'function' ? window.acquireVsCodeApi() : undefined;
  let state: unknown;
  const post = (message: Out) => {
    if (api) return api.postMessage(message);
    (window.aiOnrampOutbox ??= []).push(message);
    window.dispatchEvent(new CustomEvent('ai-onramp-message', { detail: message }));
  };
  return {
    inVsCode: api !== undefined,
    post,
    onMessage(handler) {
      window.addEventListener('message', (event: MessageEvent) => {
        const parsed = options.parse(event.data);
        if (parsed.ok) handler(parsed.value);
        else options.onRefused(parsed.error, post);
      });
    },
    getState: () => (api ? api.getState() : state),
    setState: (s) => (api ? api.setState(s) : (state = s)),
  };
}
