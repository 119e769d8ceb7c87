/**
 * Entry of the TensorBoard-logs page (dist/webview/tensorboard.js): the host reads event files and sends runs
 * and points (src/shared/protocol/tensorboard.ts); page.ts draws them. The host link is the common one
 * (src/webview/common/hostLink.ts): every host message is validated before use.
 */
import { connectHost } from '../common/hostLink';
import {
  parseHostMessage,
  type ReceivedHostMessage,
  type WebviewMessage,
} from '../../shared/protocol/tensorboard';
import { TensorBoardPage, type EmbeddedStrings } from './page';
import './tensorboard.css';

function readEmbeddedStrings(): EmbeddedStrings {
  try {
    const text = document.getElementById('tb-strings')?.textContent;
    const parsed: unknown = text ? JSON.parse(text) : {};
    return typeof parsed === 'object' && parsed !== null ? (parsed as EmbeddedStrings) : {};
  } catch {
    return {};
  }
}

const host = connectHost<ReceivedHostMessage, WebviewMessage>({
  parse: (raw) => {
    const message = parseHostMessage(raw);
    return message ? { ok: true, value: message } : { ok: false, error: 'not a message this page knows' };
  },
  // The protocol has no log message: the page's console (Developer Tools) says it.
  onRefused: () => console.warn('TensorBoard logs: ignored a malformed host message'),
});
const page = new TensorBoardPage(
  document.getElementById('app') ?? document.body,
  readEmbeddedStrings(),
  (m) => host.post(m),
);
host.onMessage((message) => page.handle(message));
host.post({ type: 'ready' });
