// The onramp CPU engine's weights read (`getWeightArrays(only)`, what the live filter view asks for): the chosen
// weights are exactly those of a full read, and a read made while an epoch trains is answered between batches,
// before the epoch ends, with one worker and with two.
import assert from 'node:assert/strict';
import { initialWeights, SIMPLE_CONVNET } from '../../src/shared/architecture';
import { ARTICLE_MODEL } from '../../src/shared/model';
import { useNodeEngines } from '../helpers/nodeEngines';

describe('onramp CPU engine: reading some weights (the filter view)', function () {
  this.timeout(300_000);
  const engines = useNodeEngines();
  const make = (threads: number) => engines.make(threads);

  for (const [name, arch, only] of [
    ["the article's model", ARTICLE_MODEL, [0, 3, 2]],
    ['the Simple convnet', SIMPLE_CONVNET, [0, 2]],
  ] as const) {
    it(`${name}: getWeightArrays(only) gives exactly those weights of a full read`, async () => {
      const engine = await make(1);
      const weights = initialWeights(arch, 7);
      await engine.setWeights(weights, { architecture: arch });
      const picked = await engine.getWeightArrays(only);
      assert.equal(picked.length, only.length);
      only.forEach((w, i) => assert.deepEqual(picked[i], weights[w], `weight ${w}`));
      const all = await engine.getWeightArrays();
      only.forEach((w, i) => assert.deepEqual(picked[i], all[w]));
    });
  }

  for (const threads of [1, 2]) {
    it(`${threads} worker(s): a read while an epoch trains is answered before the epoch ends`, async () => {
      const engine = await make(threads);
      const n = 12_800;
      await engine.setData(
        engines.data.trainImages.subarray(0, n * 784),
        engines.data.trainLabels.subarray(0, n),
      );
      await engine.init(3);
      const before = (await engine.getWeightArrays([0]))[0];
      let ended = false;
      let firstProgress!: () => void;
      const progressed = new Promise<void>((r) => (firstProgress = r));
      const epoch = engine
        .trainEpoch({ batchSize: 32, shuffleSeed: 1, progressEvery: 20, onProgress: () => firstProgress() })
        .then((r) => {
          ended = true;
          return r;
        });
      await progressed;
      const reads: boolean[] = [];
      let kernel = before;
      for (let i = 0; i < 3; i++) {
        kernel = (await engine.getWeightArrays([0]))[0];
        reads.push(ended);
      }
      const done = await epoch;
      assert.deepEqual(
        reads,
        [false, false, false],
        `the reads waited for the epoch (${done.completedBatches} batches)`,
      );
      assert.equal(kernel.length, 288);
      assert.notDeepEqual(kernel, before, 'the kernel read mid-epoch has trained');
      assert.equal(done.completedBatches, n / 32);
    });
  }
});
