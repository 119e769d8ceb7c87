// The one hyperparameter schema (src/shared/hyperparameters.ts) against what reads or declares the same facts:
// the settings in package.json's `contributes.configuration` (defaults, ranges, choices), the command's
// argument parser and both directions of the protocol (each takes what the schema takes and refuses the rest).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import {
  DEFAULT_HYPERPARAMETERS,
  HYPERPARAMETER_KEYS,
  HYPERPARAMETER_SETTINGS,
  HYPERPARAMETERS,
  NUMERIC_KEYS,
  hyperparameterError,
} from '../../src/shared/hyperparameters';
import { parseOpenArgs } from '../../src/extension/training/args';
import { DEFAULT_HYPERPARAMETERS as SETTINGS_DEFAULTS } from '../../src/extension/training/defaults';
import { parseHostMessage, readRunRecord, type RunRecord } from '../../src/shared/protocol/training';

interface SettingSchema {
  type: string;
  default: unknown;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  enum?: string[];
}

const packageJson = JSON.parse(readFileSync(path.join(__dirname, '..', '..', 'package.json'), 'utf8')) as {
  contributes: { configuration: { properties: Record<string, SettingSchema> } };
};
const settings = packageJson.contributes.configuration.properties;
const setting = (key: (typeof HYPERPARAMETER_KEYS)[number]) => {
  const s = settings[`aiOnramp.training.${HYPERPARAMETER_SETTINGS[key]}`];
  assert.ok(s, `package.json declares aiOnramp.training.${HYPERPARAMETER_SETTINGS[key]}`);
  return s;
};

describe('hyperparameter schema', () => {
  it('declares in package.json each setting with the schema default, range and choices', () => {
    for (const key of HYPERPARAMETER_KEYS) {
      const s = setting(key);
      const field = HYPERPARAMETERS[key];
      assert.equal(s.default, field.default, `${key}: default`);
      if ('values' in field) {
        assert.equal(s.type, 'string', key);
        assert.deepEqual(s.enum, [...field.values], `${key}: choices`);
      } else {
        assert.equal(s.type, field.integer ? 'integer' : 'number', `${key}: type`);
        assert.equal(s.minimum, field.min, `${key}: minimum`);
        assert.equal(s.maximum, field.max, `${key}: maximum`);
        assert.equal(s.exclusiveMinimum, undefined, `${key}: the schema's ranges are inclusive`);
      }
    }
    // No other training setting that the schema does not know.
    const declared = Object.keys(settings).filter((k) => k.startsWith('aiOnramp.training.'));
    assert.deepEqual(
      declared.sort(),
      HYPERPARAMETER_KEYS.map((k) => `aiOnramp.training.${HYPERPARAMETER_SETTINGS[k]}`).sort(),
    );
  });

  it('gives the settings reader its defaults, each one inside its own range', () => {
    assert.equal(SETTINGS_DEFAULTS, DEFAULT_HYPERPARAMETERS);
    assert.equal(hyperparameterError(DEFAULT_HYPERPARAMETERS), undefined);
    assert.deepEqual(DEFAULT_HYPERPARAMETERS, {
      epochs: 5,
      batchSize: 32,
      learningRate: 0.003,
      schedule: 'cosine',
      optimizer: 'adam',
      backend: 'auto',
    });
  });

  it('has the command, the protocol and the schema agree on each bound: the bound passes, one step past it fails', () => {
    const run = (hyperparameters: object) =>
      ({
        id: 'run-1',
        startedAt: 1,
        durationMs: 1,
        status: 'completed',
        hyperparameters: { ...DEFAULT_HYPERPARAMETERS, ...hyperparameters },
        backend: 'wasm',
        trainSamples: 64,
        testSamples: 64,
        epochsCompleted: 1,
        samplesPerSec: 1,
        curves: { trainLoss: [], trainAccuracy: [], valLoss: [], valAccuracy: [] },
        memory: [],
      }) as RunRecord;
    for (const key of NUMERIC_KEYS) {
      const { min, max, integer } = HYPERPARAMETERS[key];
      const past = integer ? 1 : min;
      const cases: [number, boolean][] = [
        [min, true],
        [max, true],
        [min - past, false],
        [max + past, false],
        ...(integer ? ([[min + 0.5, false]] as [number, boolean][]) : []),
      ];
      for (const [value, ok] of cases) {
        const what = `${key} = ${value}`;
        const override = { [key]: value };
        assert.equal(hyperparameterError(override, true) === undefined, ok, `schema: ${what}`);
        if (ok)
          assert.deepEqual(parseOpenArgs(override), {
            ...override,
            trainSamples: undefined,
            testSamples: undefined,
            autoStart: undefined,
          });
        else
          assert.throws(
            () => parseOpenArgs(override),
            new RegExp(`^Error: ${key} must be`),
            `command: ${what}`,
          );
        assert.equal(parseHostMessage({ type: 'start', hyperparameters: override }).ok, ok, `start: ${what}`);
        assert.equal(
          parseHostMessage({ type: 'settings', hyperparameters: { ...DEFAULT_HYPERPARAMETERS, ...override } })
            .ok,
          ok,
          `settings: ${what}`,
        );
        if (ok) assert.equal(readRunRecord(run(override)).hyperparameters[key], value);
        else assert.throws(() => readRunRecord(run(override)), new RegExp(`${key} must be`), `run: ${what}`);
      }
    }
  });

  it('refuses in the command a learning rate of 5, which no field or setting takes, saying the range', () => {
    assert.throws(
      () => parseOpenArgs({ learningRate: 5, autoStart: true }),
      /^Error: learningRate must be a number 0\.000001–1$/,
    );
    assert.throws(() => parseOpenArgs({ epochs: 51 }), /^Error: epochs must be an integer 1–50$/);
    assert.throws(() => parseOpenArgs({ batchSize: 2048 }), /^Error: batchSize must be an integer 1–1024$/);
    assert.throws(
      () => parseOpenArgs({ optimizer: 'adagrad' }),
      /^Error: optimizer must be adam, sgd or rmsprop$/,
    );
    assert.throws(
      () => parseOpenArgs({ backend: 'cuda' }),
      /^Error: backend must be auto, webgpu, webgl, wasm, cpu or onramp-cpu$/,
    );
  });

  it('takes show (a look-inside view to open) in the command and the page, refusing any other view', () => {
    for (const view of ['activations', 'filters'] as const) {
      assert.equal(parseOpenArgs({ show: view })?.show, view);
      assert.deepEqual(parseHostMessage({ type: 'showInsideView', view }), {
        ok: true,
        value: { type: 'showInsideView', view },
      });
    }
    assert.throws(
      () => parseOpenArgs({ show: 'weights' }),
      /^Error: show must be one of filters, activations$/,
    );
    assert.throws(() => parseOpenArgs({ show: ['activations'] }), /^Error: show must be one of/);
    assert.equal('show' in parseOpenArgs({ epochs: 2 })!, false);
    assert.deepEqual(parseHostMessage({ type: 'showInsideView', view: 'weights' }), {
      ok: false,
      error: 'showInsideView.view must be one of filters, activations',
    });
    assert.equal(parseHostMessage({ type: 'showInsideView' }).ok, false);
  });
});
