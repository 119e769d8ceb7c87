/**
 * "Your examples"' pure parts in plain Node: accuracy per digit (the one function the Evaluate tab and Your
 * examples share), the messages' validators, the IDX pair (encoded, decoded, and read by the templates'
 * my_digits.py in a real python3 with numpy), and how a fine-tune mixes MNIST with the examples.
 * Run: TEST_GREP='examples' npx tsx scripts/test.ts unit
 */
import * as assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { perClassAccuracy } from '../../src/shared/examples/perClass';
import { decodeIdx, encodeIdxImages, encodeIdxLabels, idxPairNames } from '../../src/shared/examples/idx';
import { parseHostMessage, parseWebviewMessage } from '../../src/shared/protocol/training';
import { MAX_EXAMPLES, readLearnerExamples } from '../../src/shared/protocol/examples';
import { DEFAULT_HYPERPARAMETERS } from '../../src/shared/hyperparameters';
import { fineTuneData, fineTunePlan, MNIST_IMAGES } from '../../src/webview/training/fineTune';

const run = promisify(execFile);
const repo = path.resolve(__dirname, '../..');

function example(id: string, label: number, fill = label * 20) {
  return { id, label, pixels: Buffer.alloc(784, fill).toString('base64'), addedAt: 1_700_000_000_000 };
}

describe('examples: accuracy per digit', () => {
  it('counts each true digit and the right answers among them; a digit without images has no accuracy', () => {
    const labels = [0, 0, 0, 1, 1, 3, 9];
    const predicted = [0, 0, 6, 1, 7, 3, 4];
    const rows = perClassAccuracy(labels, predicted);
    assert.equal(rows.length, 10);
    assert.deepEqual(rows[0], { digit: 0, count: 3, correct: 2, accuracy: 2 / 3 });
    assert.deepEqual(rows[1], { digit: 1, count: 2, correct: 1, accuracy: 0.5 });
    assert.deepEqual(rows[2], { digit: 2, count: 0, correct: 0, accuracy: undefined });
    assert.deepEqual(rows[3], { digit: 3, count: 1, correct: 1, accuracy: 1 });
    assert.deepEqual(rows[9], { digit: 9, count: 1, correct: 0, accuracy: 0 });
    assert.equal(
      rows.reduce((s, r) => s + r.count, 0),
      labels.length,
    );
  });

  it('takes the first `count` items only, typed arrays too, and refuses more than it has', () => {
    const rows = perClassAccuracy(Uint8Array.from([5, 5, 5]), Uint8Array.from([5, 2, 5]), 2);
    assert.deepEqual(rows[5], { digit: 5, count: 2, correct: 1, accuracy: 0.5 });
    assert.throws(() => perClassAccuracy([1], [1, 2], 2), /2 items asked for, but 1 labels/);
  });
});

describe('examples: messages', () => {
  it('accepts the four page messages and keeps only their fields', () => {
    const add = parseWebviewMessage({
      type: 'addExample',
      example: { ...example('ex-1', 7), extra: 1 },
      x: 2,
    });
    assert.deepEqual(add, { ok: true, value: { type: 'addExample', example: example('ex-1', 7) } });
    assert.deepEqual(parseWebviewMessage({ type: 'deleteExamples', ids: ['ex-1', 'ex_2'] }), {
      ok: true,
      value: { type: 'deleteExamples', ids: ['ex-1', 'ex_2'] },
    });
    assert.deepEqual(parseWebviewMessage({ type: 'deleteAllExamples' }), {
      ok: true,
      value: { type: 'deleteAllExamples' },
    });
    assert.deepEqual(parseWebviewMessage({ type: 'exportExamples', requestId: 'r1' }), {
      ok: true,
      value: { type: 'exportExamples', requestId: 'r1' },
    });
  });

  it('refuses bad examples, saying which field', () => {
    const refused = (e: unknown) => {
      const r = parseWebviewMessage({ type: 'addExample', example: e });
      assert.equal(r.ok, false);
      return (r as { error: string }).error;
    };
    assert.match(refused({ ...example('ex 1', 1) }), /example\.id/);
    assert.match(refused({ ...example('../x', 1) }), /example\.id/);
    assert.match(refused({ ...example('a', 10) }), /example\.label must be an integer 0–9/);
    assert.match(refused({ ...example('a', 1.5) }), /example\.label/);
    assert.match(refused({ ...example('a', 1), pixels: Buffer.alloc(783).toString('base64') }), /784 bytes/);
    assert.match(refused({ ...example('a', 1), pixels: Buffer.alloc(785).toString('base64') }), /784 bytes/);
    assert.match(refused({ ...example('a', 1), pixels: 'x'.repeat(1048) }), /784 bytes/);
    assert.match(refused({ ...example('a', 1), addedAt: -1 }), /addedAt/);
    assert.match(refused('nope'), /must be an object/);
    const ids = parseWebviewMessage({ type: 'deleteExamples', ids: [] });
    assert.equal(ids.ok, false);
    assert.equal(parseWebviewMessage({ type: 'deleteExamples', ids: ['a/b'] }).ok, false);
    assert.equal(parseWebviewMessage({ type: 'exportExamples', requestId: '../x' }).ok, false);
  });

  it('checks the host list (no id twice, at most MAX_EXAMPLES) and the export answer', () => {
    const list = [example('a', 1), example('b', 2)];
    assert.deepEqual(parseHostMessage({ type: 'examples', examples: list }), {
      ok: true,
      value: { type: 'examples', examples: list },
    });
    const twice = parseHostMessage({ type: 'examples', examples: [example('a', 1), example('a', 2)] });
    assert.deepEqual(twice, { ok: false, error: 'examples.examples has a twice' });
    const many = Array.from({ length: MAX_EXAMPLES + 1 }, (_, i) => example(`e${i}`, i % 10));
    assert.equal(parseHostMessage({ type: 'examples', examples: many }).ok, false);
    assert.equal(readLearnerExamples(many.slice(0, MAX_EXAMPLES)).length, MAX_EXAMPLES);
    assert.deepEqual(
      parseHostMessage({
        type: 'examplesExported',
        requestId: 'r1',
        outcome: 'saved',
        folder: '/tmp/x',
        files: ['my-digits-images-idx3-ubyte', 'my-digits-labels-idx1-ubyte'],
        extra: true,
      }),
      {
        ok: true,
        value: {
          type: 'examplesExported',
          requestId: 'r1',
          outcome: 'saved',
          folder: '/tmp/x',
          files: ['my-digits-images-idx3-ubyte', 'my-digits-labels-idx1-ubyte'],
        },
      },
    );
    assert.equal(parseHostMessage({ type: 'examplesExported', requestId: 'r1', outcome: 'done' }).ok, false);
  });
});

describe('examples: IDX export', function () {
  this.timeout(60_000);

  it('encodes MNIST headers (magic 0x803 / 0x801, big-endian sizes) and decodes them back', () => {
    const images = Uint8Array.from({ length: 3 * 784 }, (_, i) => (i * 7) % 256);
    const labels = Uint8Array.from([4, 0, 9]);
    const imageFile = encodeIdxImages(images, 3);
    const labelFile = encodeIdxLabels(labels);
    assert.deepEqual([...imageFile.subarray(0, 16)], [0, 0, 8, 3, 0, 0, 0, 3, 0, 0, 0, 28, 0, 0, 0, 28]);
    assert.deepEqual([...labelFile.subarray(0, 8)], [0, 0, 8, 1, 0, 0, 0, 3]);
    assert.equal(imageFile.length, 16 + 3 * 784);
    assert.deepEqual(decodeIdx(imageFile), { dims: [3, 28, 28], data: images });
    assert.deepEqual(decodeIdx(labelFile), { dims: [3], data: labels });
    assert.throws(() => decodeIdx(imageFile.subarray(0, 100)), /needs 2352 bytes after the header, found 84/);
    assert.throws(() => decodeIdx(Uint8Array.from([0, 0, 0x0d, 1])), /not an unsigned-byte IDX file/);
    assert.deepEqual(idxPairNames('my-digits'), {
      images: 'my-digits-images-idx3-ubyte',
      labels: 'my-digits-labels-idx1-ubyte',
    });
  });

  it("is read by the templates' my_digits.py (python3 with numpy): same shape, pixels and labels", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'onramp-idx-'));
    try {
      const count = 25;
      const images = Uint8Array.from({ length: count * 784 }, (_, i) => (i * 31 + (i >> 5)) % 256);
      const labels = Uint8Array.from({ length: count }, (_, i) => (i * 3) % 10);
      const names = idxPairNames('my-digits');
      writeFileSync(path.join(dir, names.images), encodeIdxImages(images, count));
      writeFileSync(path.join(dir, names.labels), encodeIdxLabels(labels));
      const templates = path.join(repo, 'src/extension/scaffold/templates/common');
      const script = [
        'import json, sys',
        `sys.path.insert(0, ${JSON.stringify(templates)})`,
        'from my_digits import load_my_digits',
        `x, y = load_my_digits(${JSON.stringify(dir)})`,
        'print(json.dumps({"shape": list(x.shape), "dtype": str(x.dtype), "sum": int(x.astype("int64").sum()),',
        '  "first": x[0].flatten().tolist(), "last": x[-1].flatten().tolist(), "labels": y.tolist()}))',
      ].join('\n');
      const { stdout } = await run('python3', ['-c', script]);
      const read = JSON.parse(stdout) as Record<string, unknown>;
      assert.deepEqual(read.shape, [count, 28, 28]);
      assert.equal(read.dtype, 'uint8');
      assert.equal(
        read.sum,
        images.reduce((s, v) => s + v, 0),
      );
      assert.deepEqual(read.first, [...images.subarray(0, 784)]);
      assert.deepEqual(read.last, [...images.subarray((count - 1) * 784)]);
      assert.deepEqual(read.labels, [...labels]);
      // Run on its own, it says what the folder holds.
      const cli = await run('python3', [path.join(templates, 'my_digits.py'), dir]);
      const perDigit = Array.from({ length: 10 }, (_, d) => `${d}: ${labels.filter((l) => l === d).length}`);
      assert.equal(cli.stdout, `25 images of 28x28; per digit ${perDigit.join(', ')}\n`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('examples: the fine-tune mix', () => {
  it('repeats the examples so that about one image in five is theirs, capped, at a gentler learning rate', () => {
    const plan = fineTunePlan(30, DEFAULT_HYPERPARAMETERS);
    assert.equal(plan.repeats, Math.round(MNIST_IMAGES / 4 / 30));
    assert.equal(plan.hyperparameters.epochs, 1);
    assert.equal(plan.learningRate, Math.min(DEFAULT_HYPERPARAMETERS.learningRate, 0.001));
    assert.equal(fineTunePlan(1, DEFAULT_HYPERPARAMETERS).repeats, 200);
    assert.equal(fineTunePlan(5000, DEFAULT_HYPERPARAMETERS).repeats, 1);
  });

  it('puts an MNIST window, then every example `repeats` times, then the validation tail', () => {
    const trainCount = 60_000;
    const train = {
      images: Uint8Array.from({ length: trainCount * 784 }, (_, i) => Math.floor(i / 784) % 200),
      labels: Uint8Array.from({ length: trainCount }, (_, i) => i % 10),
      count: trainCount,
    };
    const data = { train, test: { images: new Uint8Array(784), labels: new Uint8Array(1), count: 1 } };
    const images = new Uint8Array(2 * 784).fill(250, 0, 784).fill(251, 784);
    const request = { architecture: {} as never, weights: [], images, labels: Uint8Array.from([7, 3]) };
    const plan = fineTunePlan(2, DEFAULT_HYPERPARAMETERS);
    const mix = fineTuneData(data, request, plan);
    assert.equal(mix.sizes.trainSamples, MNIST_IMAGES + 2 * plan.repeats);
    assert.equal(mix.data.train.count, mix.sizes.trainSamples + mix.sizes.valSamples);
    const labelsOfExamples = mix.data.train.labels.subarray(MNIST_IMAGES, mix.sizes.trainSamples);
    assert.equal(labelsOfExamples.filter((l) => l === 7).length, plan.repeats);
    assert.equal(labelsOfExamples.filter((l) => l === 3).length, plan.repeats);
    const px = (i: number) => mix.data.train.images[i * 784];
    assert.equal(px(MNIST_IMAGES), 250);
    assert.equal(px(MNIST_IMAGES + 1), 251);
    assert.equal(px(mix.sizes.trainSamples - 1), 251);
    // The validation tail is the training set's end, as every run's.
    assert.equal(mix.data.train.labels[mix.data.train.count - 1], train.labels[trainCount - 1]);
    assert.ok(px(0) < 200 && px(MNIST_IMAGES - 1) < 200, 'the window is MNIST images');
  });
});
