/**
 * The training page's link to its host: the common host link (src/webview/common/hostLink.ts) with the training
 * protocol. A malformed host message is reported to the host as a `log` warning and dropped.
 */
import { connectHost as connectHostLink, type HostLink } from '../common/hostLink';
import { parseHostMessage, type HostMessage, type WebviewMessage } from '../../shared/protocol/training';

export type HostChannel = HostLink<HostMessage, WebviewMessage>;

export function connectHost(): HostChannel {
  return connectHostLink<HostMessage, WebviewMessage>({
    parse: parseHostMessage,
    onRefused: (error, post) =>
      post({ type: 'log', level: 'warn', message: `dropped a malformed host message: ${error}` }),
  });
}
