// Automatic's choice of backend from given probes and measurements (src/webview/training/backendChoice.ts):
// what it measures, when a stored measurement still holds, and that the fastest measured candidate wins,
// a GPU included; the user's explicit choice always wins.
import assert from 'node:assert/strict';
import {
  isBackendMeasurement,
  parseWebviewMessage,
  type BackendMeasurement,
} from '../../src/shared/protocol/training';
import {
  chooseBackend,
  measurementCandidates,
  measurementKey,
  usableMeasurement,
  type BackendProbe,
} from '../../src/webview/training/backendChoice';

const cpuSide: BackendProbe[] = [
  { name: 'wasm', available: true, hardware: false },
  { name: 'cpu', available: true, hardware: false },
  { name: 'onramp-cpu', available: true, hardware: false },
];
/** This machine: WebGL on SwiftShader, no WebGPU adapter, our engine. */
const swiftShader: BackendProbe[] = [
  { name: 'webgpu', available: false, hardware: false, reason: { id: 'reasonNoAdapter' } },
  {
    name: 'webgl',
    available: true,
    hardware: false,
    renderer: 'ANGLE (Google, Vulkan 1.3.0 (SwiftShader Device (Subzero)), SwiftShader driver)',
    reason: { id: 'reasonSoftware', args: ['SwiftShader'] },
  },
  ...cpuSide,
];
/** A laptop: hardware WebGPU and WebGL. */
const laptop: BackendProbe[] = [
  {
    name: 'webgpu',
    available: true,
    hardware: true,
    renderer: 'intel gen-12lp Intel(R) Iris(R) Xe Graphics',
  },
  { name: 'webgl', available: true, hardware: true, renderer: 'ANGLE (Intel, Iris Xe, OpenGL 4.6)' },
  ...cpuSide,
];

const measured = (key: string, figures: Record<string, number | null>): BackendMeasurement => ({
  key,
  measuredAt: 1,
  results: Object.entries(figures).map(([backend, samplesPerSec]) => ({
    backend: backend as BackendMeasurement['results'][number]['backend'],
    samplesPerSec,
    ...(samplesPerSec === null ? { error: 'shader compile failed' } : {}),
  })),
});

const reasonOf = (r: ReturnType<typeof chooseBackend>, name: string) =>
  r.skipped.find((s) => s.name === name)?.reason;

describe('Automatic backend choice (pure logic)', () => {
  it('measures the hardware GPUs and the CPU engine; software GPUs only where there is no hardware one', () => {
    assert.deepEqual(measurementCandidates(laptop), ['webgpu', 'webgl', 'onramp-cpu']);
    assert.deepEqual(measurementCandidates(swiftShader), ['webgl', 'onramp-cpu']);
    const noEngine = swiftShader.map((p) => (p.name === 'onramp-cpu' ? { ...p, available: false } : p));
    assert.deepEqual(measurementCandidates(noEngine), ['webgl', 'wasm']);
    const noGpu = swiftShader.map((p) => (p.name === 'webgl' ? { ...p, available: false } : p));
    assert.deepEqual(measurementCandidates(noGpu), ['onramp-cpu'], 'one candidate: nothing to measure');
  });

  it('picks the CPU engine over WebGL on SwiftShader, with both figures in the reasons', () => {
    const key = measurementKey(swiftShader, '0.1.0', 32, 2);
    const m = measured(key, { webgl: 410.4, 'onramp-cpu': 24_870 });
    const r = chooseBackend(
      swiftShader,
      'auto',
      usableMeasurement([m], key, measurementCandidates(swiftShader)),
    );
    assert.equal(r.backend, 'onramp-cpu');
    assert.equal(r.measuredSamplesPerSec, 24_870);
    assert.deepEqual(reasonOf(r, 'webgl'), { id: 'reasonMeasuredSlower', args: ['410', '24,870'] });
    assert.deepEqual(reasonOf(r, 'webgpu'), { id: 'reasonNoAdapter' });
    assert.equal(r.skipped.length, 4);
  });

  it('picks a GPU that measures faster than the CPU engine', () => {
    const key = measurementKey(laptop, '0.1.0', 32, 8);
    const m = measured(key, { webgpu: 61_000, webgl: 38_500, 'onramp-cpu': 30_200 });
    const r = chooseBackend(laptop, 'auto', m);
    assert.equal(r.backend, 'webgpu');
    assert.equal(r.measuredSamplesPerSec, 61_000);
    assert.deepEqual(reasonOf(r, 'webgl')?.args, ['38,500', '61,000']);
    assert.deepEqual(reasonOf(r, 'onramp-cpu')?.args, ['30,200', '61,000']);
    assert.deepEqual(reasonOf(r, 'wasm'), { id: 'reasonLowerPriority' });
  });

  it('picks the CPU engine over a hardware GPU that measures slower, and skips a failed one', () => {
    const key = measurementKey(laptop, '0.1.0', 32, 8);
    const r = chooseBackend(
      laptop,
      'auto',
      measured(key, { webgpu: null, webgl: 9_800, 'onramp-cpu': 30_200 }),
    );
    assert.equal(r.backend, 'onramp-cpu');
    assert.deepEqual(reasonOf(r, 'webgpu'), { id: 'reasonMeasureFailed', args: ['shader compile failed'] });
    assert.equal(reasonOf(r, 'webgl')?.id, 'reasonMeasuredSlower');
  });

  it('falls back to the fixed order when nothing measured a figure', () => {
    const key = measurementKey(laptop, '0.1.0', 32, 8);
    const r = chooseBackend(laptop, 'auto', measured(key, { webgpu: null, webgl: null, 'onramp-cpu': null }));
    assert.equal(r.backend, 'webgpu');
    assert.equal(r.measuredSamplesPerSec, undefined);
    assert.equal(chooseBackend(laptop, 'auto').backend, 'webgpu', 'no measurement: hardware GPU first');
    assert.equal(chooseBackend(swiftShader, 'auto').backend, 'onramp-cpu');
  });

  it('lets the user’s explicit choice win over any measurement', () => {
    const key = measurementKey(swiftShader, '0.1.0', 32, 2);
    const m = measured(key, { webgl: 400, 'onramp-cpu': 25_000 });
    const r = chooseBackend(swiftShader, 'webgl', m);
    assert.equal(r.backend, 'webgl');
    assert.equal(r.measuredSamplesPerSec, undefined);
    assert.deepEqual(reasonOf(r, 'onramp-cpu'), { id: 'reasonNotChosen' });
  });

  it('keeps a measurement only for the same adapters, renderer, version and batch size, covering every candidate', () => {
    const key = measurementKey(swiftShader, '0.1.0', 32, 2);
    const candidates = measurementCandidates(swiftShader);
    const m = measured(key, { webgl: 400, 'onramp-cpu': 25_000 });
    assert.equal(usableMeasurement([undefined, m], key, candidates), m);
    for (const other of [
      measurementKey(swiftShader, '0.2.0', 32, 2),
      measurementKey(swiftShader, '0.1.0', 128, 2),
      measurementKey(laptop, '0.1.0', 32, 2),
      measurementKey(
        swiftShader.map((p) =>
          p.name === 'webgl' ? { ...p, renderer: 'ANGLE (NVIDIA GeForce RTX 3060)' } : p,
        ),
        '0.1.0',
        32,
        2,
      ),
    ]) {
      assert.notEqual(other, key);
      assert.equal(usableMeasurement([m], other, candidates), undefined);
    }
    const partial = measured(key, { 'onramp-cpu': 25_000 });
    assert.equal(usableMeasurement([partial], key, candidates), undefined, 'WebGL was not measured');
  });
});

describe('backendMeasurement message (validated on the host)', () => {
  const good: BackendMeasurement = {
    key: 'version=0.1.0; webgl=SwiftShader; batch=32',
    measuredAt: 1_764_581_000_000,
    results: [
      { backend: 'webgl', samplesPerSec: 44.2 },
      { backend: 'onramp-cpu', samplesPerSec: 25_590 },
      { backend: 'webgpu', samplesPerSec: null, error: 'device lost' },
    ],
  };

  it('accepts a measurement and refuses malformed ones with a reason', () => {
    assert.deepEqual(parseWebviewMessage({ type: 'backendMeasurement', measurement: good }), {
      ok: true,
      value: { type: 'backendMeasurement', measurement: good },
    });
    const bad: [unknown, RegExp][] = [
      [undefined, /measurement must be an object/],
      [{ ...good, key: 7 }, /key/],
      [{ ...good, key: 'k'.repeat(2001) }, /key/],
      [{ ...good, measuredAt: 'today' }, /measuredAt/],
      [{ ...good, results: [{ backend: 'cuda', samplesPerSec: 1 }] }, /unknown backend/],
      [{ ...good, results: [{ backend: 'webgl', samplesPerSec: -1 }] }, /samplesPerSec/],
      [{ ...good, results: [{ backend: 'webgl', samplesPerSec: Infinity }] }, /samplesPerSec/],
      [{ ...good, results: [{ backend: 'webgl', samplesPerSec: null, error: 'x'.repeat(10_001) }] }, /error/],
      [{ ...good, results: Array(6).fill({ backend: 'webgl', samplesPerSec: 1 }) }, /results/],
    ];
    for (const [measurement, reason] of bad) {
      const parsed = parseWebviewMessage({ type: 'backendMeasurement', measurement });
      assert.equal(parsed.ok, false, JSON.stringify(measurement)?.slice(0, 80));
      assert.match((parsed as { error: string }).error, reason);
      assert.equal(isBackendMeasurement(measurement), false);
    }
    assert.equal(isBackendMeasurement(good), true);
  });
});
