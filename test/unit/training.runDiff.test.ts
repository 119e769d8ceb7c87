// What tells two runs apart (src/shared/runDiff.ts), as the panel's "what changed" view lists it: layers aligned
// so that an edited layer is one change and an inserted one is an addition at its place, the settings that
// change the model, and apart from them the backend and the training images; and a run's model in a few words.
import assert from 'node:assert/strict';
import { PLAIN_MLP, PRESETS, SIMPLE_CONVNET } from '../../src/shared/architecture';
import { ARTICLE_MODEL, OUTPUT_LAYER, type Architecture, type Layer } from '../../src/shared/model';
import {
  architectureSummary,
  diffLayers,
  diffRuns,
  presetOf,
  runArchitecture,
} from '../../src/shared/runDiff';
import { sampleRun } from './runRecordFixture';

const conv = (filters: number, extra: Partial<Layer> = {}): Layer =>
  ({ kind: 'conv2d', filters, kernelSize: 3, padding: 'valid', activation: 'relu', ...extra }) as Layer;
const pool: Layer = { kind: 'maxPooling2d', poolSize: 2 };
const flatten: Layer = { kind: 'flatten' };
const stack = (...layers: Layer[]): Architecture => ({ layers: [...layers, OUTPUT_LAYER] });
/** Only the rows that differ, in a few words each. */
const changes = (a: Architecture, b: Architecture) =>
  diffLayers(a, b)
    .filter((r) => r.change !== 'same')
    .map((r) =>
      r.change === 'changed'
        ? `${r.kind} ${r.from}→${r.to}: ${r.fields.map((f) => `${f.field} ${f.from}→${f.to}`).join(', ')}`
        : r.change === 'added'
          ? `+${r.kind} ${r.to}`
          : `-${r.kind} ${r.from}`,
    );

describe('run diff: what changed between two runs', () => {
  it('names a preset, and any other stack in one Keras-like line', () => {
    assert.equal(presetOf(ARTICLE_MODEL), 'article');
    assert.equal(presetOf(JSON.parse(JSON.stringify(SIMPLE_CONVNET)) as Architecture), 'simpleConvnet');
    assert.equal(presetOf(PLAIN_MLP), 'mlp');
    assert.equal(presetOf(stack(conv(16), pool, flatten)), undefined);
    assert.equal(
      architectureSummary(stack(conv(16), pool, flatten)),
      'Conv2D 16 · MaxPool · Flatten · Dense 10',
    );
    assert.equal(
      architectureSummary(
        stack(
          conv(8, { kernelSize: 5, padding: 'same', activation: 'linear' } as Partial<Layer>),
          flatten,
          { kind: 'dropout', rate: 0.25 },
          { kind: 'dense', units: 64, activation: 'linear' },
        ),
      ),
      'Conv2D 8 5×5 same linear · Flatten · Dropout 0.25 · Dense 64 linear · Dense 10',
    );
    // A run from before the editor trained the article's model.
    assert.equal(runArchitecture(sampleRun()), ARTICLE_MODEL);
  });

  it('aligns layers: an edited field is one change, an inserted layer an addition at its place', () => {
    for (const arch of Object.values(PRESETS)) assert.deepEqual(changes(arch, arch), []);
    assert.deepEqual(changes(ARTICLE_MODEL, stack(conv(16), pool, flatten)), ['conv2d 1→1: filters 32→16']);
    assert.deepEqual(changes(ARTICLE_MODEL, SIMPLE_CONVNET), ['+conv2d 3', '+maxPooling2d 4', '+dropout 6']);
    assert.deepEqual(changes(SIMPLE_CONVNET, ARTICLE_MODEL), ['-conv2d 3', '-maxPooling2d 4', '-dropout 6']);
    // The equal Conv2D is the one kept, whichever of the two comes first.
    assert.deepEqual(changes(stack(conv(64), pool, flatten), SIMPLE_CONVNET), [
      '+conv2d 1',
      '+maxPooling2d 2',
      '+dropout 6',
    ]);
    assert.deepEqual(changes(ARTICLE_MODEL, PLAIN_MLP), ['-conv2d 1', '-maxPooling2d 2', '+dense 2']);
    assert.deepEqual(
      changes(
        stack(conv(32), pool, flatten),
        stack(conv(32, { kernelSize: 5, padding: 'same' } as Partial<Layer>), pool, flatten),
      ),
      ['conv2d 1→1: kernelSize 3→5, padding valid→same'],
    );
    // Every layer of both stacks is in exactly one row, in order.
    const rows = diffLayers(ARTICLE_MODEL, SIMPLE_CONVNET);
    assert.deepEqual(
      rows.flatMap((r) => ('from' in r ? [r.from] : [])),
      [1, 2, 3, 4],
    );
    assert.deepEqual(
      rows.flatMap((r) => ('to' in r ? [r.to] : [])),
      [1, 2, 3, 4, 5, 6, 7],
    );
  });

  it('lists the settings that change the model, and the backend and training images apart', () => {
    const a = sampleRun({ seed: 1 });
    const b = sampleRun({
      id: 'run-2',
      seed: 1,
      architecture: stack(conv(16), pool, flatten),
      hyperparameters: { ...a.hyperparameters, learningRate: 0.01 },
    });
    const d = diffRuns(a, b);
    assert.equal(d.modelChanges, 2);
    assert.equal(d.otherChanges, 0);
    assert.deepEqual(
      d.settings.filter((r) => !r.same),
      [{ key: 'learningRate', a: 0.003, b: 0.01, same: false }],
    );
    assert.deepEqual(
      d.settings.map((r) => r.key),
      ['learningRate', 'schedule', 'epochs', 'batchSize', 'optimizer', 'seed'],
    );
    const other = diffRuns(a, sampleRun({ backend: 'onramp-cpu', trainSamples: 3072, seed: 2 }));
    assert.equal(other.modelChanges, 1);
    assert.deepEqual(
      other.apart.filter((r) => !r.same).map((r) => [r.key, r.a, r.b]),
      [
        ['backend', 'wasm', 'onramp-cpu'],
        ['trainSamples', 512, 3072],
      ],
    );
    // A seed only one run recorded differs; two runs without one do not.
    assert.deepEqual(
      diffRuns(sampleRun(), a).settings.find((r) => r.key === 'seed'),
      { key: 'seed', b: 1, same: false },
    );
    assert.equal(diffRuns(sampleRun(), sampleRun()).modelChanges, 0);
    // A run from before the editor and one that names the article's model trained the same stack.
    assert.equal(diffRuns(sampleRun(), sampleRun({ architecture: ARTICLE_MODEL })).modelChanges, 0);
  });
});
