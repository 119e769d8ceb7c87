/**
 * A training run as the page reports it and the history keeps it (one JSON file a run in global storage),
 * and its validator: checked and copied field by field, with bounded arrays, since the host writes runs to
 * disk as they come.
 */
import type { ScalarPoint } from '../series';
import { BACKENDS, HYPERPARAMETERS, type BackendName, type Hyperparameters } from '../hyperparameters';
import { LIMITS, MAX_LAYERS, SEED, validate } from '../architecture';
import type { Architecture, Layer } from '../model';
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
  /** The seed of its initial weights (`initialWeights`); absent in older runs. */
  seed?: number;
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

/** Each layer kind's fields, exactly: a layer with any other field is refused. */
const LAYER_FIELDS: Readonly<Record<Layer['kind'], readonly string[]>> = {
  conv2d: ['kind', 'filters', 'kernelSize', 'padding', 'activation'],
  maxPooling2d: ['kind', 'poolSize'],
  dropout: ['kind', 'rate'],
  flatten: ['kind'],
  dense: ['kind', 'units', 'activation'],
};

function readLayer(v: unknown, at: string): Layer {
  need(
    isObj(v) && typeof v.kind === 'string' && Object.hasOwn(LAYER_FIELDS, v.kind),
    `${at}.kind is unknown`,
  );
  const kind = v.kind as Layer['kind'];
  const fields = LAYER_FIELDS[kind];
  need(
    Object.keys(v).every((k) => fields.includes(k)),
    `${at} (${kind}) has fields other than ${fields.join(', ')}`,
  );
  const activation = (a: unknown, softmax: boolean) =>
    a === 'relu' || a === 'linear' || (softmax && a === 'softmax');
  switch (kind) {
    case 'conv2d':
      need(isInt(v.filters, LIMITS.filters.min, LIMITS.filters.max), `${at}.filters`);
      need((LIMITS.kernelSizes as readonly unknown[]).includes(v.kernelSize), `${at}.kernelSize`);
      need(v.padding === 'valid' || v.padding === 'same', `${at}.padding`);
      need(activation(v.activation, false), `${at}.activation`);
      return {
        kind,
        filters: v.filters as number,
        kernelSize: v.kernelSize as number,
        padding: v.padding as 'valid' | 'same',
        activation: v.activation as 'relu' | 'linear',
      };
    case 'maxPooling2d':
      need(v.poolSize === 2, `${at}.poolSize`);
      return { kind, poolSize: 2 };
    case 'dropout':
      need(
        isFiniteNum(v.rate) && v.rate >= LIMITS.dropoutRate.min && v.rate <= LIMITS.dropoutRate.max,
        `${at}.rate`,
      );
      return { kind, rate: v.rate };
    case 'flatten':
      return { kind };
    case 'dense':
      need(isInt(v.units, LIMITS.units.min, LIMITS.units.max), `${at}.units`);
      need(activation(v.activation, true), `${at}.activation`);
      return { kind, units: v.units as number, activation: v.activation as 'relu' | 'linear' | 'softmax' };
  }
}

/**
 * An architecture as a run record holds it, copied layer by layer: only the editor's layer kinds, fields and
 * ranges (src/shared/architecture.ts's LIMITS), at most MAX_LAYERS, and a stack `validate` accepts (shapes that
 * work out, Dense(10, softmax) last, under the parameter cap). Throws on anything else.
 */
export function readArchitecture(v: unknown): Architecture {
  need(isObj(v) && Object.keys(v).every((k) => k === 'layers'), 'architecture must be { layers }');
  need(
    Array.isArray(v.layers) && v.layers.length >= 1 && v.layers.length <= MAX_LAYERS,
    `architecture.layers must hold 1–${MAX_LAYERS} layers`,
  );
  const architecture: Architecture = {
    layers: v.layers.map((l: unknown, i: number) => readLayer(l, `architecture.layers[${i}]`)),
  };
  const problem = validate(architecture)[0];
  need(problem === undefined, `architecture cannot train: layer ${problem?.layer}: ${problem?.key}`);
  return architecture;
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
  };
}

/** Checks a run record without copying it (kept for callers that only ask whether it is valid). */
export function checkRunRecord(v: unknown): void {
  readRunRecord(v);
}
