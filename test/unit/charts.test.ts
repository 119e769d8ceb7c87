import { strict as assert } from 'node:assert';
import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import {
  SmoothedSeries,
  clampWeight,
  outlierRange,
  quantile,
  smooth,
} from '../../src/webview/charts/smoothing';
import { exportFileName, seriesToCsv, seriesToJson } from '../../src/webview/charts/export';
import { formatDuration, formatStep, formatValue } from '../../src/webview/charts/format';
import { nearestIndex } from '../../src/webview/charts/series';

/** Compares arrays element by element; NaN equals NaN, finite values within 1e-12 relative. */
function assertClose(actual: ArrayLike<number>, expected: number[]): void {
  assert.equal(actual.length, expected.length, `length ${actual.length} != ${expected.length}`);
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i];
    const e = expected[i];
    if (Number.isNaN(e)) assert.ok(Number.isNaN(a), `[${i}] ${a} is not NaN`);
    else if (!Number.isFinite(e)) assert.equal(a, e, `[${i}]`);
    else assert.ok(Math.abs(a - e) <= 1e-12 * Math.max(1, Math.abs(e)), `[${i}] ${a} != ${e}`);
  }
}

describe('charts: TensorBoard smoothing', () => {
  it('matches a hand-computed debiased EMA at w = 0.6', () => {
    // last: 0.4, 1.04, 1.824; divided by 1 - 0.6^n: 0.4, 0.64, 0.784.
    assertClose(smooth([1, 2, 3], 0.6), [1, 1.625, 1.824 / 0.784]);
  });

  it('handles negative values and w = 0.5', () => {
    // last: -0.5, 0.25; debias 0.5, 0.75.
    assertClose(smooth([-1, 1], 0.5), [-1, 0.25 / 0.75]);
  });

  it('passes NaN and ±Infinity through without counting them', () => {
    assertClose(smooth([1, NaN, 2, Infinity, 3, -Infinity], 0.6), [
      1,
      NaN,
      1.625,
      Infinity,
      1.824 / 0.784,
      -Infinity,
    ]);
    // 5, NaN, 5 is not constant (NaN != 5) yet the debiased EMA of 5, 5 is 5 exactly.
    assertClose(smooth([5, NaN, 5], 0.6), [5, NaN, 5]);
    assertClose(smooth([NaN, NaN], 0.6), [NaN, NaN]);
  });

  it('w = 0 returns the values unchanged', () => {
    assertClose(smooth([3, -1, 7.5, NaN, 2], 0), [3, -1, 7.5, NaN, 2]);
  });

  it('w = 1 draws every finite point of a non-constant series at 0, as TensorBoard does', () => {
    // TensorBoard: last stays 0 (last * 1 + 0 * y) and the divisor is 1 when w === 1, not 1 - 1^n = 0.
    assertClose(smooth([1, 2, NaN, 3], 1), [0, 0, NaN, 0]);
  });

  it('leaves a constant series unsmoothed at any weight (tensorboard#786)', () => {
    assertClose(smooth([5, 5, 5], 0.6), [5, 5, 5]);
    assertClose(smooth([5, 5, 5], 1), [5, 5, 5]);
    assertClose(smooth([Infinity, Infinity], 0.9), [Infinity, Infinity]);
    assertClose(smooth([], 0.6), []);
    assertClose(smooth([0.25], 0.999), [0.25]);
  });

  it('clamps the weight to [0, 1] and treats a non-finite weight as 0', () => {
    assert.equal(clampWeight(1.5), 1);
    assert.equal(clampWeight(-0.2), 0);
    assert.equal(clampWeight(NaN), 0);
    assert.equal(clampWeight(Infinity), 0);
    assertClose(smooth([1, 2, 3], NaN), [1, 2, 3]);
    assertClose(smooth([1, 2, 3], 7), [0, 0, 0]);
  });

  it('SmoothedSeries stays equal to smooth() as points arrive, across a constant prefix and weight changes', () => {
    const values = [2, 2, 2, NaN, 2, 3, 1, Infinity, 0.5, -4, 4, 4, 1e-9];
    const s = new SmoothedSeries(0.6, 2);
    for (let i = 0; i < values.length; i++) {
      s.push(values[i]);
      assertClose(s.smoothed, Array.from(smooth(values.slice(0, i + 1), 0.6)));
    }
    for (const w of [0, 0.3, 0.999, 1, 0.6]) {
      s.setWeight(w);
      assertClose(s.smoothed, Array.from(smooth(values, w)));
    }
    assertClose(s.values, values);
    s.clear();
    assert.equal(s.length, 0);
    s.pushAll([7, 7]);
    assertClose(s.smoothed, [7, 7]);
  });

  it('SmoothedSeries with a NaN first value is never constant', () => {
    const s = new SmoothedSeries(0.6);
    s.pushAll([NaN, 1, 2]);
    assertClose(s.smoothed, Array.from(smooth([NaN, 1, 2], 0.6)));
    assertClose(s.smoothed, [NaN, 1, 1.625]);
  });
});

describe('charts: y range (ignore outliers)', () => {
  const hundred = Array.from({ length: 100 }, (_, i) => i + 1);

  it('quantile interpolates like d3.quantile', () => {
    assert.equal(quantile(Float64Array.from(hundred.slice().reverse()), 0.05), 5.95);
    assert.ok(Math.abs(quantile(Float64Array.from(hundred), 0.95) - 95.05) < 1e-12);
    assert.equal(quantile(Float64Array.from([3]), 0.5), 3);
    assert.equal(quantile(Float64Array.from([1, 3]), 0.5), 2);
    assert.ok(Number.isNaN(quantile(new Float64Array(0), 0.5)));
  });

  it('fits the 5th–95th percentile across series, or min–max when outliers are kept', () => {
    const a = hundred.slice(0, 50).concat([NaN, Infinity]);
    const b = hundred.slice(50);
    const r = outlierRange([a, b], true)!;
    assert.equal(r[0], 5.95);
    assert.ok(Math.abs(r[1] - 95.05) < 1e-12);
    assert.deepEqual(outlierRange([a, b], false), [1, 100]);
  });

  it('drops values <= 0 for log axes and returns null when nothing is left', () => {
    assert.deepEqual(outlierRange([[-1, 0, 2, 8]], false, true), [2, 8]);
    assert.equal(outlierRange([[NaN, -Infinity]], true), null);
    assert.equal(outlierRange([[-1, 0]], true, true), null);
    assert.equal(outlierRange([], true), null);
  });

  it('a loss spike does not stretch the range when outliers are ignored', () => {
    const values = Array.from({ length: 200 }, (_, i) => 1 + Math.sin(i) * 0.1);
    values[100] = 1000;
    assert.ok(outlierRange([values], true)![1] < 2);
    assert.equal(outlierRange([values], false)![1], 1000);
  });
});

describe('charts: downloads in TensorBoard formats', () => {
  const points = [
    { wallTime: 1700000000.5, step: 1, value: 2.25 },
    { wallTime: 1700000001.25, step: 2, value: NaN },
    { wallTime: 1700000002, step: 3, value: 0.125 },
  ];

  it('CSV has the Wall time,Step,Value header and one row a point', () => {
    assert.equal(
      seriesToCsv(points),
      'Wall time,Step,Value\n1700000000.5,1,2.25\n1700000001.25,2,NaN\n1700000002,3,0.125\n',
    );
    assert.equal(seriesToCsv([]), 'Wall time,Step,Value\n');
  });

  it('JSON is [[wallTime, step, value], …] with null for non-finite values', () => {
    assert.deepEqual(JSON.parse(seriesToJson(points)), [
      [1700000000.5, 1, 2.25],
      [1700000001.25, 2, null],
      [1700000002, 3, 0.125],
    ]);
  });

  it('file names are safe on every OS', () => {
    assert.equal(exportFileName('run 3 (lr 0.01)', 'train', 'loss', 'csv'), 'run_3_lr_0.01_train_loss.csv');
    assert.equal(exportFileName('../../etc', '', 'a/b:c', 'json'), 'etc_a_b_c.json');
    assert.equal(exportFileName('', '', '', 'png'), 'series.png');
    assert.equal(exportFileName('训练', 'train', 'loss', 'csv'), '训练_train_loss.csv');
  });
});

describe('charts: formats and lookup', () => {
  it('formats values, steps and durations compactly', () => {
    assert.equal(formatValue(0.123456), '0.1235');
    assert.equal(formatValue(2), '2');
    assert.equal(formatValue(1.5e-7), '1.5e-7');
    assert.equal(formatValue(NaN), 'NaN');
    assert.equal(formatStep(1500), '1500');
    assert.equal(formatStep(25000), '25k');
    assert.equal(formatStep(2_000_000), '2M');
    assert.equal(formatDuration(12.5), '12.5s');
    assert.equal(formatDuration(185), '3m 5s');
    assert.equal(formatDuration(7260), '2h 1m');
    assert.equal(formatDuration(100000), '1d 3h');
  });

  it('nearestIndex finds the closest x by binary search', () => {
    const xs = [1, 2, 4, 8, 16];
    assert.equal(nearestIndex(xs, 0), 0);
    assert.equal(nearestIndex(xs, 5.9), 2);
    assert.equal(nearestIndex(xs, 6.1), 3);
    assert.equal(nearestIndex(xs, 100), 4);
    assert.equal(nearestIndex([], 1), -1);
  });
});

describe('charts: y range of long series', () => {
  it('samples long series evenly and stays within a hair of the exact percentiles', () => {
    const values = Array.from(
      { length: 100_000 },
      (_, i) => Math.exp(-i / 30_000) + ((i * 7919) % 1000) / 10_000,
    );
    const exact = outlierRange([values], true, false, Infinity)!;
    const sampled = outlierRange([values], true)!;
    const span = exact[1] - exact[0];
    assert.ok(Math.abs(sampled[0] - exact[0]) < span * 0.002, `${sampled[0]} vs ${exact[0]}`);
    assert.ok(Math.abs(sampled[1] - exact[1]) < span * 0.002, `${sampled[1]} vs ${exact[1]}`);
    const sorted = Float64Array.from(values).sort();
    assert.equal(
      exact[0],
      sorted[Math.floor(99_999 * 0.05)] +
        (sorted[Math.floor(99_999 * 0.05) + 1] - sorted[Math.floor(99_999 * 0.05)]) * ((99_999 * 0.05) % 1),
    );
  });
});

describe("charts: the folder's imports run one way", () => {
  const dir = path.join(__dirname, '../../src/webview/charts');
  /** Each file of the folder and the files of the folder it imports (comments left out). */
  const imports = new Map<string, string[]>();
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.ts'))) {
    const code = readFileSync(path.join(dir, file), 'utf8')
      .replace(/\/\*[\s\S]*?\*\//g, '')
      .replace(/^\s*\/\/.*$/gm, '');
    const targets = [...code.matchAll(/(?:from|import)\s+'\.\/([\w.-]+?)(?:\.ts)?'/g)].map(
      (m) => `${m[1]}.ts`,
    );
    imports.set(file, targets);
  }

  it('no file of the folder imports the public index.ts', () => {
    assert.ok(imports.size > 5, `read ${imports.size} files`);
    for (const [file, targets] of imports)
      assert.ok(!targets.includes('index.ts'), `${file} imports index.ts`);
  });

  it('has no import cycle, and the card files do not import the panel', () => {
    const state = new Map<string, 'open' | 'done'>();
    const visit = (file: string, trail: string[]): void => {
      if (state.get(file) === 'done') return;
      assert.notEqual(state.get(file), 'open', `cycle: ${[...trail, file].join(' -> ')}`);
      state.set(file, 'open');
      for (const target of imports.get(file) ?? []) visit(target, [...trail, file]);
      state.set(file, 'done');
    };
    for (const file of imports.keys()) visit(file, []);
    for (const file of [
      'card.ts',
      'menu.ts',
      'tooltip.ts',
      'image.ts',
      'scale.ts',
      'cardHost.ts',
      'sidebar.ts',
    ]) {
      assert.ok(imports.has(file), `${file} exists`);
      assert.ok(!imports.get(file)!.includes('panel.ts'), `${file} imports panel.ts`);
    }
  });
});
