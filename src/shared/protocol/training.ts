/**
 * Messages between the extension host and the training panel's webview, and their validators. Both sides
 * import this file; the host validates everything it receives (a webview is untrusted input), and the
 * webview validates what it receives too, since a stale page can meet a newer host after a reload.
 *
 * Webview → host: ready, runUpdate (the run so far, a few times an epoch), runFinished, startRefused, log, saveFile (a chart
 * export the host saves through its save dialog), saveModelFiles / loadModelFiles (the playground's export and
 * reload of the trained model, through a folder or file picker), backendMeasurement (what Automatic measured, for the
 * host to keep in its globalState), openPythonProject ("Open as a Python project": the model and hyperparameters
 * the host turns into a New AI Project with generated Keras and PyTorch scripts), insideViewOpened (the learner
 * opened a look-inside view: the walkthrough's "What did the network learn?" step ticks once both were).
 * Host → webview: start (optional overrides, used by the command's args and tests), stop, settings, history,
 * modelFilesSaved / modelFilesLoaded / pythonProjectOpened (the answers to those three), showInsideView (open
 * a look-inside view on its tab: the command's `show` argument, the walkthrough step's link).
 * "Your examples" adds its own messages (addExample, deleteExamples, …; examples.ts) to both unions.
 * A parsed message holds only the fields named here (a copy, never the object received), with bounded arrays:
 * the host writes runs to disk as they come. `ready` and `saveFile` come from common.ts, shared with the
 * TensorBoard panel and handled by the one webview host.
 */
import {
  isPlainFileName,
  parseSaveFileMessage,
  type Parsed,
  type ReadyMessage,
  type SaveFileMessage,
} from './common';

export { isPlainFileName, type Parsed } from './common';

import { BACKENDS, type BackendName, type Hyperparameters } from '../hyperparameters';
import type { Architecture } from '../model';
import { readArchitecture } from './architecture';
export { architectureError, readArchitecture } from './architecture';
import { readRunRecord, type RunRecord } from './runRecord';
import {
  readExamplesHostMessage,
  readExamplesWebviewMessage,
  type ExamplesHostMessage,
  type ExamplesWebviewMessage,
} from './examples';
export {
  MAX_EXAMPLES,
  readLearnerExamples,
  type ExamplesHostMessage,
  type ExamplesWebviewMessage,
  type LearnerExample,
} from './examples';
import {
  Invalid,
  isFiniteNum,
  isInt,
  isObj,
  isOneOf,
  isOptionalText,
  isText,
  need,
  pick,
  readHyperparameters,
  readPartialHyperparameters,
  type Obj,
} from './validate';

// The hyperparameters' types, lists and ranges live in the schema; messages here carry them.
export {
  BACKENDS,
  LR_SCHEDULES,
  OPTIMIZERS,
  type BackendChoice,
  type BackendName,
  type Hyperparameters,
  type LearningRateSchedule,
  type OptimizerName,
} from '../hyperparameters';
// A run record (the page's report, the history's file) and its validator.
export {
  RUN_STATUSES,
  checkRunRecord,
  readRunRecord,
  type CurvePoint,
  type EpochMemory,
  type FineTuneOrigin,
  type RunCurves,
  type RunRecord,
  type RunStatus,
} from './runRecord';
export { checkHyperparameters } from './validate';

/** Limits that make a short run (tests, benchmarks): how many training and test samples to use. */
export interface RunLimits {
  trainSamples?: number;
  testSamples?: number;
}

/** One backend's figure from Automatic's measurement: samples/s, or why it could not be measured. */
export interface MeasuredBackend {
  backend: BackendName;
  samplesPerSec: number | null;
  error?: string;
}

/**
 * What Automatic measured on this machine (src/webview/training/measure.ts). `key` names what the figures hold
 * for (adapter and renderer strings, extension version, batch size): another key means measure again.
 */
export interface BackendMeasurement {
  key: string;
  measuredAt: number;
  results: MeasuredBackend[];
}

export type WebviewMessage =
  | ReadyMessage
  | { type: 'backendMeasurement'; measurement: BackendMeasurement }
  | { type: 'runUpdate'; run: RunRecord }
  | { type: 'runFinished'; run: RunRecord }
  | { type: 'log'; level: 'info' | 'warn' | 'error'; message: string }
  /** The answer to a `start` the page did not follow (a value its fields refuse, a run already going). */
  | { type: 'startRefused'; error: string }
  | SaveFileMessage
  // The playground (src/webview/playground): export the model to a folder the user picks, or load one back.
  | { type: 'saveModelFiles'; requestId: string; files: ModelFilePayload[] }
  | { type: 'loadModelFiles'; requestId: string }
  /** "Open as a Python project": the host generates the scripts from these (never takes code from the page). */
  | { type: 'openPythonProject'; requestId: string; model: PythonProjectModel }
  /** The learner opened one of the look-inside views (src/webview/inside): the filters or the activations. */
  | { type: 'insideViewOpened'; view: InsideView }
  // "Your examples" (src/webview/examples): the learner's drawings, kept by the host (./examples.ts).
  | ExamplesWebviewMessage;

/** The look-inside views; the walkthrough step ticks once the learner has opened each. */
export const INSIDE_VIEWS = ['filters', 'activations'] as const;
export type InsideView = (typeof INSIDE_VIEWS)[number];

/** What a generated Python project is made from: the layers and the run's hyperparameters. */
export interface PythonProjectModel {
  architecture: Architecture;
  hyperparameters: Hyperparameters;
}

export type HostMessage =
  | { type: 'start'; hyperparameters?: Partial<Hyperparameters>; limits?: RunLimits }
  | { type: 'stop' }
  | { type: 'settings'; hyperparameters: Hyperparameters }
  | { type: 'history'; runs: RunRecord[] }
  /** Select the view's tab (filters: Train, activations: Try it), open the view and scroll it into sight. */
  | { type: 'showInsideView'; view: InsideView }
  | {
      type: 'modelFilesSaved';
      requestId: string;
      outcome: 'saved' | 'cancelled' | 'failed';
      /** Where the files went, as the user would write it. */
      folder?: string;
      error?: string;
    }
  | {
      type: 'modelFilesLoaded';
      requestId: string;
      outcome: 'loaded' | 'cancelled' | 'failed';
      /** The model.json the user picked, as the user would write it. */
      source?: string;
      files?: ModelFilePayload[];
      error?: string;
    }
  | {
      type: 'pythonProjectOpened';
      requestId: string;
      outcome: 'created' | 'cancelled' | 'failed';
      /** The project folder, when its files were written (also when the install failed afterwards). */
      folder?: string;
      error?: string;
    }
  | ExamplesHostMessage;

/** One file of a saved model (model.json, its weights .bin files, weights.npz), base64-encoded. */
export interface ModelFilePayload {
  /** A plain file name: no folders, no leading dot. */
  name: string;
  content: string;
}

export const MODEL_FILE_NAME = /^[A-Za-z0-9_][\w.-]{0,99}\.(json|bin|npz)$/;
const MAX_MODEL_FILES = 32;
/** Base64 of 64 MiB: far above the article's model (0.2 MB), far below what would strain the host. */
const MAX_MODEL_BASE64 = Math.ceil((64 * 1024 * 1024) / 3) * 4;

/** A saved model's file name: plain, beginning with a letter, digit or `_`, ending .json, .bin or .npz. */
export function isModelFileName(name: unknown): name is string {
  return isPlainFileName(name) && MODEL_FILE_NAME.test(name);
}

// ---- validators: each returns a copy holding only the known fields ------------------------------------

function readLimits(v: unknown): RunLimits {
  need(isObj(v), 'limits must be an object');
  if (v.trainSamples !== undefined) need(isInt(v.trainSamples, 1, 60_000), 'trainSamples must be 1–60000');
  if (v.testSamples !== undefined) need(isInt(v.testSamples, 1, 10_000), 'testSamples must be 1–10000');
  return pick(v, ['trainSamples', 'testSamples']) as RunLimits;
}

function readModelFiles(v: unknown, what: string): ModelFilePayload[] {
  need(
    Array.isArray(v) && v.length >= 1 && v.length <= MAX_MODEL_FILES,
    `${what} must list 1–${MAX_MODEL_FILES} files`,
  );
  let total = 0;
  // Windows and macOS file systems ignore case by default: model.json and MODEL.json would be one file.
  const names = new Map<string, string>();
  return v.map((f: unknown) => {
    need(isObj(f) && isModelFileName(f.name), `${what} has a bad file name`);
    const name = f.name as string;
    const same = names.get(name.toLowerCase());
    need(same !== name, `${what} repeats ${name}`);
    need(same === undefined, `${what} has ${same} and ${name}, one file where case does not count`);
    names.set(name.toLowerCase(), name);
    need(
      typeof f.content === 'string' && /^[A-Za-z0-9+/]*={0,2}$/.test(f.content),
      `${what}: ${name} is not base64`,
    );
    total += f.content.length;
    need(total <= MAX_MODEL_BASE64, `${what} are too large`);
    return { name, content: f.content };
  });
}

const isRequestId = (v: unknown): v is string => typeof v === 'string' && /^[\w.-]{1,100}$/.test(v);

/**
 * A Python project's model, checked and copied: the architecture by architecture.ts's kinds, ranges and
 * shapes (src/shared/protocol/architecture.ts), the hyperparameters by the schema, no other field.
 */
export function readPythonProjectModel(v: unknown): PythonProjectModel {
  need(isObj(v), 'model must be an object');
  const extra = Object.keys(v).filter((k) => k !== 'architecture' && k !== 'hyperparameters');
  need(extra.length === 0, `model has unknown fields: ${extra.join(', ').slice(0, 100)}`);
  return {
    architecture: readArchitecture(v.architecture),
    hyperparameters: readHyperparameters(v.hyperparameters),
  };
}

/** A measurement as the page sends it or globalState holds it, checked and copied field by field. */
export function readBackendMeasurement(v: unknown): BackendMeasurement {
  need(isObj(v), 'measurement must be an object');
  need(typeof v.key === 'string' && v.key.length <= 2000, 'measurement.key must be a string');
  need(isFiniteNum(v.measuredAt), 'measurement.measuredAt must be a number');
  need(
    Array.isArray(v.results) && v.results.length <= BACKENDS.length,
    'measurement.results must be an array',
  );
  const results = v.results.map((r: unknown): MeasuredBackend => {
    need(isObj(r) && BACKENDS.includes(r.backend as BackendName), 'measurement has an unknown backend');
    need(
      r.samplesPerSec === null || (isFiniteNum(r.samplesPerSec) && r.samplesPerSec >= 0),
      'measurement.samplesPerSec must be a number or null',
    );
    need(isOptionalText(r.error), 'measurement.error must be short text');
    return {
      backend: r.backend as BackendName,
      samplesPerSec: r.samplesPerSec as number | null,
      ...(r.error !== undefined ? { error: r.error as string } : {}),
    };
  });
  return { key: v.key, measuredAt: v.measuredAt, results };
}

/** The same check as a boolean, for a measurement read back from storage. */
export function isBackendMeasurement(v: unknown): v is BackendMeasurement {
  try {
    readBackendMeasurement(v);
    return true;
  } catch (e) {
    if (e instanceof Invalid) return false;
    throw e;
  }
}

function parse<T>(v: unknown, read: (v: Obj) => T): Parsed<T> {
  try {
    need(isObj(v), 'message must be an object');
    need(typeof v.type === 'string', 'message has no type');
    return { ok: true, value: read(v) };
  } catch (e) {
    if (e instanceof Invalid) return { ok: false, error: e.message };
    throw e;
  }
}

function unknownType(m: Obj): never {
  throw new Invalid(`unknown message type ${JSON.stringify(m.type).slice(0, 40)}`);
}

export function parseWebviewMessage(v: unknown): Parsed<WebviewMessage> {
  return parse<WebviewMessage>(v, (m) => {
    switch (m.type) {
      case 'ready':
        return { type: 'ready' };
      case 'backendMeasurement':
        return { type: 'backendMeasurement', measurement: readBackendMeasurement(m.measurement) };
      case 'runUpdate':
      case 'runFinished':
        return { type: m.type, run: readRunRecord(m.run) };
      case 'startRefused':
        need(isText(m.error), 'startRefused.error');
        return { type: 'startRefused', error: m.error };
      case 'log':
        need(['info', 'warn', 'error'].includes(m.level as string), 'log.level is unknown');
        need(isText(m.message), 'log.message');
        return { type: 'log', level: m.level as 'info' | 'warn' | 'error', message: m.message };
      case 'saveFile': {
        const file = parseSaveFileMessage(m);
        if (!file.ok) throw new Invalid(file.error);
        return file.value;
      }
      case 'saveModelFiles':
        need(isRequestId(m.requestId), 'saveModelFiles.requestId');
        return {
          type: 'saveModelFiles',
          requestId: m.requestId,
          files: readModelFiles(m.files, 'saveModelFiles.files'),
        };
      case 'loadModelFiles':
        need(isRequestId(m.requestId), 'loadModelFiles.requestId');
        return { type: 'loadModelFiles', requestId: m.requestId };
      case 'openPythonProject':
        need(isRequestId(m.requestId), 'openPythonProject.requestId');
        return { type: 'openPythonProject', requestId: m.requestId, model: readPythonProjectModel(m.model) };
      case 'insideViewOpened':
        need(
          isOneOf(m.view, INSIDE_VIEWS),
          `insideViewOpened.view must be one of ${INSIDE_VIEWS.join(', ')}`,
        );
        return { type: 'insideViewOpened', view: m.view };
      default:
        return readExamplesWebviewMessage(m) ?? unknownType(m);
    }
  });
}

export function parseHostMessage(v: unknown): Parsed<HostMessage> {
  return parse<HostMessage>(v, (m) => {
    switch (m.type) {
      case 'start':
        return {
          type: 'start',
          ...(m.hyperparameters !== undefined && {
            hyperparameters: readPartialHyperparameters(m.hyperparameters),
          }),
          ...(m.limits !== undefined && { limits: readLimits(m.limits) }),
        };
      case 'stop':
        return { type: 'stop' };
      case 'settings':
        return { type: 'settings', hyperparameters: readHyperparameters(m.hyperparameters) };
      case 'history':
        need(Array.isArray(m.runs), 'history.runs must be an array');
        return { type: 'history', runs: m.runs.map(readRunRecord) };
      case 'showInsideView':
        need(isOneOf(m.view, INSIDE_VIEWS), `showInsideView.view must be one of ${INSIDE_VIEWS.join(', ')}`);
        return { type: 'showInsideView', view: m.view };
      case 'modelFilesSaved':
        need(isRequestId(m.requestId), 'modelFilesSaved.requestId');
        need(['saved', 'cancelled', 'failed'].includes(m.outcome as string), 'modelFilesSaved.outcome');
        need(isOptionalText(m.folder) && isOptionalText(m.error), 'modelFilesSaved.folder/error');
        return {
          type: 'modelFilesSaved',
          requestId: m.requestId,
          outcome: m.outcome as 'saved' | 'cancelled' | 'failed',
          ...(pick(m, ['folder', 'error']) as { folder?: string; error?: string }),
        };
      case 'modelFilesLoaded': {
        need(isRequestId(m.requestId), 'modelFilesLoaded.requestId');
        need(['loaded', 'cancelled', 'failed'].includes(m.outcome as string), 'modelFilesLoaded.outcome');
        need(isOptionalText(m.source) && isOptionalText(m.error), 'modelFilesLoaded.source/error');
        if (m.outcome !== 'loaded')
          need(m.files === undefined, 'modelFilesLoaded.files come only with a loaded model');
        return {
          type: 'modelFilesLoaded',
          requestId: m.requestId,
          outcome: m.outcome as 'loaded' | 'cancelled' | 'failed',
          ...(pick(m, ['source', 'error']) as { source?: string; error?: string }),
          ...(m.outcome === 'loaded' && { files: readModelFiles(m.files, 'modelFilesLoaded.files') }),
        };
      }
      case 'pythonProjectOpened':
        need(isRequestId(m.requestId), 'pythonProjectOpened.requestId');
        need(['created', 'cancelled', 'failed'].includes(m.outcome as string), 'pythonProjectOpened.outcome');
        need(isOptionalText(m.folder) && isOptionalText(m.error), 'pythonProjectOpened.folder/error');
        return {
          type: 'pythonProjectOpened',
          requestId: m.requestId,
          outcome: m.outcome as 'created' | 'cancelled' | 'failed',
          ...(pick(m, ['folder', 'error']) as { folder?: string; error?: string }),
        };
      default:
        return readExamplesHostMessage(m) ?? unknownType(m);
    }
  });
}

/** What the host injects into the page (a JSON element `#ai-onramp-config`). */
export interface TrainingPageConfig {
  /** Absolute URLs of the four gzip'd IDX assets. */
  data: { trainImages: string; trainLabels: string; testImages: string; testLabels: string };
  /** URL prefix (ending in `/`) where tfjs-backend-wasm*.wasm live. */
  wasmPrefix: string;
  /**
   * Our CPU engine (issue 7): the compiled module, its relaxed-SIMD build (used where the webview validates
   * it) and its worker script; absent when not built.
   */
  engine?: { wasmUrl: string; relaxedWasmUrl?: string; workerUrl: string };
  hyperparameters: Hyperparameters;
  /** Translated UI strings, keyed by the ids in src/webview/training/strings.ts. */
  strings: Record<string, string>;
  /** A saved panel state (from `vscode.setState`), restored after a reload. */
  state?: unknown;
  /** The extension's version: part of a backend measurement's key, so a new build measures again. */
  extensionVersion?: string;
  /** The last backend measurement the host kept (globalState), if any. */
  backendMeasurement?: BackendMeasurement;
}
