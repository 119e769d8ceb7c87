// Messages between the TensorBoard-logs panel (host) and its webview (src/webview/tensorboard/main.ts).
// Pure: imported by both sides. Every message from the webview goes through `parseWebviewMessage`.
// `ready`, `saveFile` (the chart export) and the point type are common.ts's, shared with the training panel.
import { parseSaveFileMessage, type ReadyMessage, type SaveFileMessage, type ScalarPoint } from './common';

export {
  EXPORT_MIMES,
  type ExportMime,
  type ReadyMessage,
  type SaveFileMessage,
  type ScalarPoint,
} from './common';

export type HParamValue = string | number | boolean;

export interface RunSummary {
  /** The run's folder relative to the log folder, with `/` separators; `.` for the log folder itself. */
  readonly name: string;
  readonly tags: readonly string[];
  /** The run's hyperparameters, when the hparams plugin recorded them in its folder. */
  readonly hparams?: Readonly<Record<string, HParamValue>>;
  /** `panel`: a run of the training panel (src/tensorboard/panelRuns.ts), not of the log folder. */
  readonly source?: 'panel';
  /** What the page shows instead of the name (a panel run's start time, which the page words as such). */
  readonly label?: string;
  /** Final values no chart draws (a panel run's test accuracy and loss), for the runs table. */
  readonly metrics?: Readonly<Record<string, number>>;
}

// Host → webview.

/** The full list of runs and their tags; sent on `ready` and whenever a run or tag appears. */
export interface RunsMessage {
  readonly type: 'runs';
  /** The log folder as the user would recognise it (workspace-relative where possible). */
  readonly folder: string;
  readonly runs: readonly RunSummary[];
  /** The metric tags the hparams experiment compares runs by, when it names them. */
  readonly metrics?: readonly string[];
}

/**
 * Webview messages travel as JSON, where NaN and ±Infinity would become null; TensorBoard shows such
 * values, so they travel as strings.
 */
export type WireNumber = number | 'NaN' | 'Infinity' | '-Infinity';

export interface WirePoint {
  readonly step: number;
  readonly wallTime: number;
  readonly value: WireNumber;
}

/** Points appended to one run's tag, in file order; with `replace`, the whole series anew. */
export interface PointsMessage {
  readonly type: 'points';
  readonly run: string;
  readonly tag: string;
  readonly points: readonly WirePoint[];
  /** The points replace those sent before (a restart dropped some, or sampling replaced some). */
  readonly replace?: boolean;
}

/** Values that are not scalars, by the plugin they belong to. */
export interface OtherTags {
  readonly plugin: string;
  /** Distinct tags seen. */
  readonly count: number;
  /** The first few, sorted. */
  readonly examples: readonly string[];
}

/** What the reader found in the log folder: explains a folder that draws nothing. */
export interface FolderStatus {
  /** Folders listed by the last scan. */
  readonly folders: number;
  /** Files whose name contains `tfevents` found by the last scan. */
  readonly eventFiles: number;
  /** Symbolic links skipped by the last scan (dangling, loops, not files). */
  readonly skippedLinks: number;
  /** Size of the event files, and how much of it was read. */
  readonly bytes: number;
  readonly bytesRead: number;
  /** Scalar points read (before sampling). */
  readonly points: number;
  readonly otherTags: readonly OtherTags[];
  /** Records without values, by kind (`file_version`, `graph`, `session_log`, `run_metadata`, `meta_graph`). */
  readonly otherRecords: Readonly<Record<string, number>>;
}

export interface StatusMessage {
  readonly type: 'status';
  readonly status: FolderStatus;
}

/** A file stopped being read (bad checksum, truncated record) or another problem worth showing. */
export interface WarningMessage {
  readonly type: 'warning';
  readonly message: string;
}

export type HostMessage = RunsMessage | PointsMessage | WarningMessage | StatusMessage;

// Webview → host.

/**
 * How many points of a run's tag the webview has handed to its chart: lets the host (and host tests)
 * see that what it sent arrived and was accepted.
 */
export interface ShownMessage {
  readonly type: 'shown';
  readonly run: string;
  readonly tag: string;
  readonly count: number;
  /** Where the page drew them: the chart run, card and series (see `chartPlacement`). */
  readonly chartRun?: string;
  readonly card?: string;
  readonly series?: string;
}

/** `ready` (the page listens; the host answers with everything it has) and `saveFile` come from common.ts. */
export type WebviewMessage = ReadyMessage | SaveFileMessage | ShownMessage;

const MAX_NAME_LENGTH = 4096;

function isName(value: unknown): value is string {
  return typeof value === 'string' && value.length > 0 && value.length <= MAX_NAME_LENGTH;
}

/** The message if it is a well-formed WebviewMessage, else undefined. */
export function parseWebviewMessage(data: unknown): WebviewMessage | undefined {
  if (typeof data !== 'object' || data === null) return undefined;
  const message = data as Record<string, unknown>;
  switch (message.type) {
    case 'ready':
      return { type: 'ready' };
    case 'saveFile': {
      // The host joins it to a folder the user picks: the one file-name check both panels use.
      const file = parseSaveFileMessage(message);
      return file.ok ? file.value : undefined;
    }
    case 'shown':
      if (!isName(message.run) || !isName(message.tag)) return undefined;
      if (typeof message.count !== 'number' || !Number.isSafeInteger(message.count) || message.count < 0) {
        return undefined;
      }
      for (const field of ['chartRun', 'card', 'series'] as const) {
        if (message[field] !== undefined && !isName(message[field])) return undefined;
      }
      return {
        type: 'shown',
        run: message.run,
        tag: message.tag,
        count: message.count,
        ...(message.chartRun !== undefined && {
          chartRun: message.chartRun as string,
          card: message.card as string,
          series: message.series as string,
        }),
      };
    default:
      return undefined;
  }
}

function isWireNumber(value: unknown): value is WireNumber {
  return typeof value === 'number' || value === 'NaN' || value === 'Infinity' || value === '-Infinity';
}

function isWirePoint(value: unknown): value is WirePoint {
  if (typeof value !== 'object' || value === null) return false;
  const p = value as Record<string, unknown>;
  return (
    typeof p.step === 'number' &&
    Number.isFinite(p.step) &&
    typeof p.wallTime === 'number' &&
    Number.isFinite(p.wallTime) &&
    isWireNumber(p.value)
  );
}

/** A host message as the webview uses it: points decoded back to numbers. */
export type ReceivedHostMessage =
  | RunsMessage
  | WarningMessage
  | StatusMessage
  | {
      readonly type: 'points';
      readonly run: string;
      readonly tag: string;
      readonly points: ScalarPoint[];
      readonly replace: boolean;
    };

/** The message if it is a well-formed host message (the webview checks too), else undefined. */
export function parseHostMessage(data: unknown): ReceivedHostMessage | undefined {
  if (typeof data !== 'object' || data === null) return undefined;
  const message = data as Record<string, unknown>;
  switch (message.type) {
    case 'runs': {
      if (typeof message.folder !== 'string' || !Array.isArray(message.runs)) return undefined;
      const runs: RunSummary[] = [];
      for (const run of message.runs as unknown[]) {
        if (typeof run !== 'object' || run === null) return undefined;
        const { name, tags, hparams, source, label, metrics } = run as Record<string, unknown>;
        if (!isName(name) || !Array.isArray(tags) || !tags.every(isName)) return undefined;
        if (hparams !== undefined && !isHParams(hparams)) return undefined;
        if (source !== undefined && source !== 'panel') return undefined;
        if (label !== undefined && !isName(label)) return undefined;
        if (metrics !== undefined && !isMetrics(metrics)) return undefined;
        runs.push({
          name,
          tags: tags as string[],
          ...(hparams !== undefined && { hparams }),
          ...(source !== undefined && { source }),
          ...(label !== undefined && { label }),
          ...(metrics !== undefined && { metrics }),
        });
      }
      const { metrics } = message;
      if (metrics !== undefined && (!Array.isArray(metrics) || !metrics.every(isName))) return undefined;
      return { type: 'runs', folder: message.folder, runs, ...(metrics !== undefined && { metrics }) };
    }
    case 'points': {
      if (!isName(message.run) || !isName(message.tag) || !Array.isArray(message.points)) return undefined;
      if (!message.points.every(isWirePoint)) return undefined;
      return {
        type: 'points',
        run: message.run,
        tag: message.tag,
        points: decodePoints(message.points),
        replace: message.replace === true,
      };
    }
    case 'status': {
      const status = parseStatus(message.status);
      return status ? { type: 'status', status } : undefined;
    }
    case 'warning':
      return typeof message.message === 'string' ? { type: 'warning', message: message.message } : undefined;
    default:
      return undefined;
  }
}

function isHParams(value: unknown): value is Record<string, HParamValue> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  return Object.entries(value).every(
    ([key, v]) =>
      isName(key) &&
      (typeof v === 'string' || typeof v === 'boolean' || (typeof v === 'number' && Number.isFinite(v))),
  );
}

function isMetrics(value: unknown): value is Record<string, number> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  return Object.entries(value).every(
    ([key, v]) => isName(key) && typeof v === 'number' && Number.isFinite(v),
  );
}

function isCount(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}

function parseStatus(value: unknown): FolderStatus | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const s = value as Record<string, unknown>;
  const counts = ['folders', 'eventFiles', 'skippedLinks', 'bytes', 'bytesRead', 'points'] as const;
  if (!counts.every((key) => isCount(s[key]))) return undefined;
  if (!Array.isArray(s.otherTags) || typeof s.otherRecords !== 'object' || s.otherRecords === null) {
    return undefined;
  }
  const otherTags: OtherTags[] = [];
  for (const entry of s.otherTags as unknown[]) {
    if (typeof entry !== 'object' || entry === null) return undefined;
    const { plugin, count, examples } = entry as Record<string, unknown>;
    if (!isName(plugin) || !isCount(count) || !Array.isArray(examples) || !examples.every(isName)) {
      return undefined;
    }
    otherTags.push({ plugin, count, examples: examples as string[] });
  }
  const otherRecords: Record<string, number> = {};
  for (const [kind, count] of Object.entries(s.otherRecords as Record<string, unknown>)) {
    if (!isCount(count)) return undefined;
    otherRecords[kind] = count;
  }
  return {
    folders: s.folders as number,
    eventFiles: s.eventFiles as number,
    skippedLinks: s.skippedLinks as number,
    bytes: s.bytes as number,
    bytesRead: s.bytesRead as number,
    points: s.points as number,
    otherTags,
    otherRecords,
  };
}

export function encodeNumber(value: number): WireNumber {
  if (Number.isFinite(value)) return value;
  return Number.isNaN(value) ? 'NaN' : value > 0 ? 'Infinity' : '-Infinity';
}

export function decodeNumber(value: WireNumber): number {
  return typeof value === 'number' ? value : Number(value);
}

/** Points ready to post; the same array when every value is finite (nearly always). */
export function encodePoints(points: readonly ScalarPoint[]): readonly WirePoint[] {
  if (points.every((p) => Number.isFinite(p.value))) return points;
  return points.map((p) => ({ step: p.step, wallTime: p.wallTime, value: encodeNumber(p.value) }));
}

export function decodePoints(points: readonly WirePoint[]): ScalarPoint[] {
  return points.map((p) => ({ step: p.step, wallTime: p.wallTime, value: decodeNumber(p.value) }));
}
