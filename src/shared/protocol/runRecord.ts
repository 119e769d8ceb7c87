/**
 * A training run as the page reports it and the history keeps it (one JSON file a run in global storage),
 * and its validator: checked and copied field by field, with bounded arrays, since the host writes runs to
 * disk as they come.
 */
import type { ScalarPoint } from '../series';
import { BACKENDS, HYPERPARAMETERS, type BackendName, type Hyperparameters } from '../hyperparameters';
import { SEED } from '../architecture';
import { readArchitecture } from './architecture';
import type { Architecture } from '../model';
import { isFiniteNum, isInt, isNumOrNull, isObj, isText, need, readHyperparameters } from './validate';

/** One point of a curve (step: batches seen): the shared point type, src/shared/series.ts. */
export type CurvePoint = ScalarPoint;

export interface RunCurves {
  trainLoss: CurvePoint[];
  trainAccuracy: CurvePoint[];
  valLoss: CurvePoint[];
  valAccuracy: CurvePoint[];
}

export interface EpochMemory {
  epoch: number;
  numTensors: number;
  numBytes: number;
}

/** 'diverged': the loss stopped being finite, or climbed and stayed far above its start; `error` says so. */
export type RunStatus = 'running' | 'completed' | 'stopped' | 'failed' | 'diverged';
export const RUN_STATUSES: readonly RunStatus[] = ['running', 'completed', 'stopped', 'failed', 'diverged'];

export interface RunRecord {
  id: string;
  startedAt: number;
  durationMs: number;
  status: RunStatus;
  error?: string;
  hyperparameters: Hyperparameters;
  /** The backend that really ran (the last one, when a lost WebGL context moved the run). */
  backend: BackendName;
  trainSamples: number;
  testSamples: number;
  epochsCompleted: number;
  samplesPerSec: number;
  testAccuracy?: number;
  testLoss?: number;
  curves: RunCurves;
  memory: EpochMemory[];
  /** The model the run trained (src/shared/model.ts); absent in runs recorded before the editor (the article's). */
  architecture?: Architecture;
  /** The seed of its initial weights (`initialWeights`); absent in older runs and in fine-tunes. */
  seed?: number;
  /** Present when the run is a fine-tune of "Your examples" (src/webview/examples): what it started from. */
  fineTune?: FineTuneOrigin;
}

/**
 * What a fine-tune started from and trained on: the run whose model it took (`of`, its id and start), or the
 * model file it took (`ofFile`), or neither when the page no longer knew; how many of the learner's examples,
 * each repeated `repeats` times, among `mnistImages` MNIST images.
 */
export interface FineTuneOrigin {
  of?: { runId: string; startedAt: number };
  ofFile?: string;
  examples: number;
  repeats: number;
  mnistImages: number;
}

function readFineTuneOrigin(v: unknown): FineTuneOrigin {
  need(isObj(v), 'run.fineTune must be an object');
  need(
    isInt(v.examples, 1, 60_000) && isInt(v.repeats, 1, 60_000) && isInt(v.mnistImages, 0, 60_000),
    'run.fineTune sizes',
  );
  let of: FineTuneOrigin['of'];
  if (v.of !== undefined) {
    need(
      isObj(v.of) &&
        typeof v.of.runId === 'string' &&
        /^[\w.-]{1,100}$/.test(v.of.runId) &&
        isFiniteNum(v.of.startedAt),
      'run.fineTune.of',
    );
    of = { runId: v.of.runId, startedAt: v.of.startedAt };
  }
  if (v.ofFile !== undefined) need(isText(v.ofFile) && v.ofFile.length <= 200, 'run.fineTune.ofFile');
  return {
    ...(of && { of }),
    ...(v.ofFile !== undefined && { ofFile: v.ofFile as string }),
    examples: v.examples,
    repeats: v.repeats,
    mnistImages: v.mnistImages,
  };
}

const MAX_POINTS = 200_000;
/** One memory entry an epoch: a bound far above the schema's most epochs, that only a crafted run meets. */
const MAX_MEMORY_ENTRIES = 1000;

function readCurve(v: unknown, name: string): CurvePoint[] {
  need(Array.isArray(v) && v.length <= MAX_POINTS, `${name} must be an array`);
  return v.map((p: unknown) => {
    need(
      isObj(p) && isFiniteNum(p.step) && isFiniteNum(p.wallTime) && isNumOrNull(p.value),
      `${name} has a malformed point`,
    );
    return { step: p.step, wallTime: p.wallTime, value: p.value as number };
  });
}

/**
 * A run record as the page sends it or the history holds it, checked and copied field by field, so that
 * nothing unknown reaches the disk. Throws (an Error saying what is wrong) on a malformed one.
 */
export function readRunRecord(v: unknown): RunRecord {
  need(isObj(v), 'run must be an object');
  need(typeof v.id === 'string' && /^[\w.-]{1,100}$/.test(v.id), 'run.id must be a short word');
  need(isFiniteNum(v.startedAt) && isFiniteNum(v.durationMs), 'run times must be numbers');
  need(RUN_STATUSES.includes(v.status as RunStatus), 'run.status is unknown');
  if (v.error !== undefined) need(isText(v.error), 'run.error');
  const hyperparameters = readHyperparameters(v.hyperparameters);
  need(BACKENDS.includes(v.backend as BackendName), 'run.backend is unknown');
  need(isInt(v.trainSamples, 0, 60_000) && isInt(v.testSamples, 0, 10_000), 'run sample counts');
  need(isInt(v.epochsCompleted, 0, HYPERPARAMETERS.epochs.max), 'run.epochsCompleted');
  need(isNumOrNull(v.samplesPerSec), 'run.samplesPerSec');
  if (v.testAccuracy !== undefined) need(isNumOrNull(v.testAccuracy), 'run.testAccuracy');
  if (v.testLoss !== undefined) need(isNumOrNull(v.testLoss), 'run.testLoss');
  need(isObj(v.curves), 'run.curves must be an object');
  const curves: RunCurves = {
    trainLoss: readCurve(v.curves.trainLoss, 'trainLoss'),
    trainAccuracy: readCurve(v.curves.trainAccuracy, 'trainAccuracy'),
    valLoss: readCurve(v.curves.valLoss, 'valLoss'),
    valAccuracy: readCurve(v.curves.valAccuracy, 'valAccuracy'),
  };
  need(
    Array.isArray(v.memory) && v.memory.length <= MAX_MEMORY_ENTRIES,
    `run.memory must be an array of at most ${MAX_MEMORY_ENTRIES} entries`,
  );
  const memory = v.memory.map((m: unknown): EpochMemory => {
    need(
      isObj(m) && isFiniteNum(m.epoch) && isFiniteNum(m.numTensors) && isFiniteNum(m.numBytes),
      'run.memory',
    );
    return { epoch: m.epoch, numTensors: m.numTensors, numBytes: m.numBytes };
  });
  const architecture = v.architecture === undefined ? undefined : readArchitecture(v.architecture);
  if (v.seed !== undefined) need(isInt(v.seed, SEED.min, SEED.max), 'run.seed');
  const fineTune = v.fineTune === undefined ? undefined : readFineTuneOrigin(v.fineTune);
  return {
    id: v.id,
    startedAt: v.startedAt,
    durationMs: v.durationMs,
    status: v.status as RunStatus,
    ...(v.error !== undefined && { error: v.error }),
    hyperparameters,
    backend: v.backend as BackendName,
    trainSamples: v.trainSamples,
    testSamples: v.testSamples,
    epochsCompleted: v.epochsCompleted,
    samplesPerSec: v.samplesPerSec as number,
    ...(v.testAccuracy !== undefined && { testAccuracy: v.testAccuracy as number }),
    ...(v.testLoss !== undefined && { testLoss: v.testLoss as number }),
    curves,
    memory,
    ...(architecture && { architecture }),
    ...(v.seed !== undefined && { seed: v.seed as number }),
    ...(fineTune && { fineTune }),
  };
}

/** Checks a run record without copying it (kept for callers that only ask whether it is valid). */
export function checkRunRecord(v: unknown): void {
  readRunRecord(v);
}
