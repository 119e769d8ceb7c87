/**
 * What both panels' protocols (training.ts, tensorboard.ts) share: the `ready` handshake, the chart export the
 * host saves through its save dialog (`saveFile`), the one file-name check for every name a page sends, and the
 * one curve point. The host's WebviewHost (src/extension/webview/webviewHost.ts) handles `ready` and `saveFile`
 * for both panels, so each is defined and validated here once.
 */

/** A validator's answer: the checked copy, or what is wrong with the message. */
export type Parsed<T> = { ok: true; value: T } | { ok: false; error: string };

/** The one curve point type (src/shared/series.ts), which both protocols' messages carry. */
export type { ScalarPoint } from '../series';

/** The page has loaded and listens; the host answers with what it has and then what it queued. */
export interface ReadyMessage {
  readonly type: 'ready';
}

export const EXPORT_MIMES = ['text/csv', 'application/json', 'image/png', 'image/svg+xml'] as const;
export type ExportMime = (typeof EXPORT_MIMES)[number];

/**
 * A chart download (CSV/JSON of a series, PNG or SVG of a card) that the host saves through its save dialog:
 * the file the chart component's `onDownload` hands over. Binary content is base64.
 */
export interface SaveFileMessage {
  readonly type: 'saveFile';
  /** The name the save dialog suggests: a plain file name (`isPlainFileName`). */
  readonly filename: string;
  /** One of EXPORT_MIMES (checked); a string because the chart component names it so. */
  readonly mime: string;
  readonly content: string;
  readonly encoding: 'utf8' | 'base64';
}

/** Largest export accepted from a page (a PNG of a large card is a few MB). */
export const MAX_SAVE_FILE_CHARS = 50_000_000;

/** Names Windows reads as devices, with any extension (`nul.csv` is the null device there). */
const WINDOWS_DEVICE = /^(con|prn|aux|nul|com[0-9]|lpt[0-9])(\.|$)/i;

/**
 * A plain file name that the host may join to a folder: no separators or characters a file system reserves,
 * not `.` or `..`, not a Windows device name. One check for every file name a page sends.
 */
export function isPlainFileName(name: unknown): name is string {
  return (
    typeof name === 'string' &&
    /^[^/\\:*?"<>|\0]{1,200}$/.test(name) &&
    name !== '.' &&
    name !== '..' &&
    !WINDOWS_DEVICE.test(name)
  );
}

/** A `saveFile` message, checked and copied field by field (unknown fields dropped). */
export function parseSaveFileMessage(m: Readonly<Record<string, unknown>>): Parsed<SaveFileMessage> {
  const refuse = (error: string): Parsed<SaveFileMessage> => ({ ok: false, error });
  if (!isPlainFileName(m.filename)) return refuse('saveFile.filename must be a plain file name');
  if (!(EXPORT_MIMES as readonly unknown[]).includes(m.mime)) return refuse('saveFile.mime');
  if (m.encoding !== 'utf8' && m.encoding !== 'base64') return refuse('saveFile.encoding');
  if (typeof m.content !== 'string' || m.content.length > MAX_SAVE_FILE_CHARS)
    return refuse('saveFile.content');
  return {
    ok: true,
    value: {
      type: 'saveFile',
      filename: m.filename,
      mime: m.mime as ExportMime,
      content: m.content,
      encoding: m.encoding,
    },
  };
}
