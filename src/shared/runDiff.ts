/**
 * What tells two runs apart, as W&B's run comparer shows it with "diff only": the layers (added, removed, a
 * field changed), the settings that change what is learned (learning rate and its schedule, epochs, batch size,
 * optimizer, seed), and apart from those what changes only where or on how much it ran (the backend, the
 * training images). Also a run's model in a few words (a preset's id, else a Keras-like line), for run lists and
 * chart labels. Pure: the panel's page and the host both read it.
 */
import { PRESETS, sameArchitecture, type PresetId } from './architecture';
import { ARTICLE_MODEL, type Architecture, type Layer, type LayerKind } from './model';
import type { RunRecord } from './protocol/runRecord';

/** The model a run trained: runs recorded before the editor trained the article's. */
export function runArchitecture(run: Pick<RunRecord, 'architecture'>): Architecture {
  return run.architecture ?? ARTICLE_MODEL;
}

/** The preset an architecture is, if it is one. */
export function presetOf(arch: Architecture): PresetId | undefined {
  return (Object.keys(PRESETS) as PresetId[]).find((id) => sameArchitecture(PRESETS[id], arch));
}

/** One layer in a few words: its Keras name, its size, and only the fields that are not the usual ones. */
function layerWords(l: Layer): string {
  switch (l.kind) {
    case 'conv2d':
      return [
        `Conv2D ${l.filters}`,
        ...(l.kernelSize !== 3 ? [`${l.kernelSize}×${l.kernelSize}`] : []),
        ...(l.padding !== 'valid' ? [l.padding] : []),
        ...(l.activation !== 'relu' ? [l.activation] : []),
      ].join(' ');
    case 'maxPooling2d':
      return 'MaxPool';
    case 'dropout':
      return `Dropout ${l.rate}`;
    case 'flatten':
      return 'Flatten';
    case 'dense':
      return l.activation === 'linear' ? `Dense ${l.units} linear` : `Dense ${l.units}`;
  }
}

/** A stack in one short Keras-like line: "Conv2D 16 · MaxPool · Flatten · Dense 10". */
export function architectureSummary(arch: Architecture): string {
  return arch.layers.map(layerWords).join(' · ');
}

/** A field of a layer that two runs set differently. */
export interface FieldChange {
  field: string;
  from: string | number;
  to: string | number;
}

/**
 * One row of the layer comparison, in stack order. Positions are 1-based: `from` in the first run's stack,
 * `to` in the second's; an added layer has only `to`, a removed one only `from`.
 */
export type LayerRow =
  | { change: 'same'; kind: LayerKind; from: number; to: number; layer: Layer }
  | { change: 'changed'; kind: LayerKind; from: number; to: number; fields: FieldChange[]; layer: Layer }
  | { change: 'added'; kind: LayerKind; to: number; layer: Layer }
  | { change: 'removed'; kind: LayerKind; from: number; layer: Layer };

/** The settings compared: what the learner tunes, then (in `apart`) what is no change to the model. */
export type SettingKey =
  'learningRate' | 'schedule' | 'epochs' | 'batchSize' | 'optimizer' | 'seed' | 'backend' | 'trainSamples';

export interface SettingRow {
  key: SettingKey;
  /** Absent: the run did not record it (a seed of a run from before the seed field). */
  a?: string | number;
  b?: string | number;
  same: boolean;
}

export interface RunDiff {
  layers: LayerRow[];
  /** Learning rate, schedule, epochs, batch size, optimizer, seed, in that order. */
  settings: SettingRow[];
  /** The backend that ran and the training images: listed apart, since neither changes the model. */
  apart: SettingRow[];
  /** Rows that differ in `layers` and `settings` (what changes the model), and in `apart`. */
  modelChanges: number;
  otherChanges: number;
}

const MODEL_SETTINGS = ['learningRate', 'schedule', 'epochs', 'batchSize', 'optimizer'] as const;

function fieldsOf(l: Layer): Record<string, string | number> {
  const { kind: _kind, ...fields } = l as unknown as Record<string, string | number>;
  return fields;
}

/**
 * The layers of two stacks aligned as a diff: a longest common subsequence of layer kinds (a layer of the same
 * kind whose fields changed is one "changed" row, not a removal and an addition), preferring pairs whose
 * fields are all equal, and the earliest pair where two alignments tie, so that a layer added after an equal
 * one reads as added after it.
 */
export function diffLayers(a: Architecture, b: Architecture): LayerRow[] {
  const x = a.layers;
  const y = b.layers;
  const same = (i: number, j: number) => sameArchitecture({ layers: [x[i]] }, { layers: [y[j]] });
  // score[i][j]: the best alignment of x[i..] and y[j..]; a pair counts far more than its equality bonus.
  const score = Array.from({ length: x.length + 1 }, () => new Array<number>(y.length + 1).fill(0));
  const pair = (i: number, j: number) =>
    x[i].kind === y[j].kind ? 2 * (y.length + x.length + 1) + (same(i, j) ? 1 : 0) : -1;
  for (let i = x.length - 1; i >= 0; i--) {
    for (let j = y.length - 1; j >= 0; j--) {
      const p = pair(i, j);
      score[i][j] = Math.max(score[i + 1][j], score[i][j + 1], p < 0 ? -1 : p + score[i + 1][j + 1]);
    }
  }
  const rows: LayerRow[] = [];
  let i = 0;
  let j = 0;
  while (i < x.length || j < y.length) {
    const p = i < x.length && j < y.length ? pair(i, j) : -1;
    if (p >= 0 && score[i][j] === p + score[i + 1][j + 1]) {
      const from = fieldsOf(x[i]);
      const to = fieldsOf(y[j]);
      const fields = Object.keys({ ...from, ...to })
        .filter((f) => from[f] !== to[f])
        .map((f) => ({ field: f, from: from[f], to: to[f] }));
      rows.push(
        fields.length === 0
          ? { change: 'same', kind: y[j].kind, from: i + 1, to: j + 1, layer: y[j] }
          : { change: 'changed', kind: y[j].kind, from: i + 1, to: j + 1, fields, layer: y[j] },
      );
      i++;
      j++;
    } else if (i < x.length && (j >= y.length || score[i][j] === score[i + 1][j])) {
      rows.push({ change: 'removed', kind: x[i].kind, from: i + 1, layer: x[i] });
      i++;
    } else {
      rows.push({ change: 'added', kind: y[j].kind, to: j + 1, layer: y[j] });
      j++;
    }
  }
  return rows;
}

/** What changed from run `a` to run `b`: every row, each marked same or not (a view filters them). */
export function diffRuns(a: RunRecord, b: RunRecord): RunDiff {
  const layers = diffLayers(runArchitecture(a), runArchitecture(b));
  const row = (key: SettingKey, va: string | number | undefined, vb: string | number | undefined) => ({
    key,
    ...(va !== undefined && { a: va }),
    ...(vb !== undefined && { b: vb }),
    same: va === vb,
  });
  const settings: SettingRow[] = [
    ...MODEL_SETTINGS.map((k) => row(k, a.hyperparameters[k], b.hyperparameters[k])),
    row('seed', a.seed, b.seed),
  ];
  const apart: SettingRow[] = [
    row('backend', a.backend, b.backend),
    row('trainSamples', a.trainSamples, b.trainSamples),
  ];
  const differing = (rows: readonly { same: boolean }[]) => rows.filter((r) => !r.same).length;
  return {
    layers,
    settings,
    apart,
    modelChanges: layers.filter((l) => l.change !== 'same').length + differing(settings),
    otherChanges: differing(apart),
  };
}
