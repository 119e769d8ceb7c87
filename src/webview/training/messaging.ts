/**
 * The page's link to its host. Inside VS Code it is `acquireVsCodeApi()`; in a test page (no VS Code) the
 * outgoing messages are pushed onto `window.aiOnrampOutbox` and dispatched as `ai-onramp-message` events, and
 * the test plays the host by `window.postMessage`-ing host messages, exactly as VS Code delivers them.
 * Every incoming message is validated; malformed ones are reported to the host and dropped.
 */
import { parseHostMessage, type HostMessage, type WebviewMessage } from '../../shared/protocol/training';

interface VsCodeApi {
  postMessage(message: unknown): void;
  getState(): unknown;
  setState(state: unknown): void;
}

declare global {
  interface Window {
    acquireVsCodeApi?: () => VsCodeApi;
    aiOnrampOutbox?: WebviewMessage[];
  }
}

export interface HostChannel {
  readonly inVsCode: boolean;
  post(message: WebviewMessage): void;
  onMessage(handler: (message: HostMessage) => void): void;
  getState(): unknown;
  setState(state: unknown): void;
}

export function connectHost(): HostChannel {
  const api = typeof window.acquireVsCodeApi === 'function' ? window.acquireVsCodeApi() : undefined;
  let state: unknown;
  const post = (message: WebviewMessage) => {
    if (api) return api.postMessage(message);
    (window.aiOnrampOutbox ??= []).push(message);
    window.dispatchEvent(new CustomEvent('ai-onramp-message', { detail: message }));
  };
  return {
    inVsCode: api !== undefined,
    post,
    onMessage(handler) {
      window.addEventListener('message', (event: MessageEvent) => {
        const parsed = parseHostMessage(event.data);
        if (parsed.ok) handler(parsed.value);
        else
          post({ type: 'log', level: 'warn', message: `dropped a malformed host message: ${parsed.error}` });
      });
    },
    getState: () => (api ? api.getState() : state),
    setState: (s) => (api ? api.setState(s) : (state = s)),
  };
}
