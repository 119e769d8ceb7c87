/**
 * Which backend trains: pure logic (no DOM, no tfjs), so unit tests can give it probes and measurements.
 * The user's explicit choice always wins. Automatic chooses by measurement where there is more than one
 * candidate: a hardware GPU is not always faster than our CPU engine for a model this small (an integrated
 * laptop GPU under tfjs can train slower than the engine's 20,000–35,000 samples/s), so the panel times a few
 * batches of each (measure.ts) and takes the fastest. Without a measurement the fixed order below applies:
 * hardware WebGPU or WebGL, our CPU engine (`onramp-cpu`), tfjs WASM, software WebGL/WebGPU, tfjs CPU.
 * Every backend not chosen gets a reason the panel shows under "Why not the others".
 */
import {
  BACKENDS,
  type BackendChoice,
  type BackendMeasurement,
  type BackendName,
} from '../../shared/protocol/training';
import type { StringId } from '../../shared/l10n/training';

export interface Reason {
  id: StringId;
  args?: (string | number)[];
}

export interface BackendProbe {
  name: BackendName;
  available: boolean;
  /** True for a real GPU; false for software renderers and CPU backends. */
  hardware: boolean;
  /** Renderer / adapter description, when there is one. */
  renderer?: string;
  /** Why it is unavailable (or, for a software adapter, why it is not preferred). */
  reason?: Reason;
}

export interface BackendChoiceResult {
  backend: BackendName;
  skipped: { name: BackendName; reason: Reason }[];
  /** Set when the user's choice is not available and another backend runs instead. */
  fallback?: { chosen: BackendName; reason: Reason };
  /** The chosen backend's measured samples/s, when Automatic chose by measurement. */
  measuredSamplesPerSec?: number;
}

const SOFTWARE_RENDERER = /swiftshader|llvmpipe|lavapipe|softpipe|software|basic render|microsoft basic/i;

export function isSoftwareRenderer(description: string): boolean {
  return SOFTWARE_RENDERER.test(description);
}

const GPUS = ['webgpu', 'webgl'] as const;

/** Automatic's order without a measurement: hardware GPUs, our engine, WASM, software GPUs, then tfjs CPU. */
export function automaticOrder(probes: readonly BackendProbe[]): BackendName[] {
  const find = (n: BackendName) => probes.find((p) => p.name === n);
  const order: BackendName[] = [];
  for (const n of GPUS) if (find(n)?.available && find(n)?.hardware) order.push(n);
  for (const n of ['onramp-cpu', 'wasm'] as const) if (find(n)?.available) order.push(n);
  for (const n of ['webgl', 'webgpu'] as const) if (find(n)?.available && !find(n)?.hardware) order.push(n);
  order.push('cpu');
  return order;
}

/**
 * What Automatic measures: every hardware GPU backend; where there is none, the software ones (SwiftShader
 * and the like: the measurement then shows in figures why the CPU side wins); and the best CPU-side backend
 * (our engine, else tfjs WASM). tfjs CPU is never measured: it is the last resort, slower than both.
 * Fewer than two candidates means there is nothing to compare.
 */
export function measurementCandidates(probes: readonly BackendProbe[]): BackendName[] {
  const available = (n: BackendName) => probes.some((p) => p.name === n && p.available);
  const hardware = GPUS.filter((n) => probes.some((p) => p.name === n && p.available && p.hardware));
  const gpus = hardware.length > 0 ? hardware : GPUS.filter(available);
  const cpuSide = (['onramp-cpu', 'wasm'] as const).find(available);
  return [...gpus, ...(cpuSide ? [cpuSide] : [])];
}

/**
 * What a measurement holds for: the adapter and renderer strings, the CPU's thread count, the extension's
 * version and the batch size (a GPU's advantage grows with the batch). Any change means measure again.
 */
export function measurementKey(
  probes: readonly BackendProbe[],
  extensionVersion: string,
  batchSize: number,
  cpuThreads: number,
): string {
  const describe = (n: BackendName) => {
    const p = probes.find((q) => q.name === n);
    return p?.available ? (p.renderer ?? 'available') : 'none';
  };
  return [
    `version=${extensionVersion}`,
    `webgpu=${describe('webgpu')}`,
    `webgl=${describe('webgl')}`,
    `engine=${describe('onramp-cpu')}`,
    `threads=${cpuThreads}`,
    `batch=${batchSize}`,
  ].join('; ');
}

/** The first stored measurement that holds for `key` and has a figure or an error for every candidate. */
export function usableMeasurement(
  stored: readonly (BackendMeasurement | undefined)[],
  key: string,
  candidates: readonly BackendName[],
): BackendMeasurement | undefined {
  return stored.find(
    (m) =>
      m !== undefined && m.key === key && candidates.every((c) => m.results.some((r) => r.backend === c)),
  );
}

const perSecond = (v: number) => Math.round(v).toLocaleString('en-US');

/** The fastest measured candidate, if any candidate has a figure. */
export function fastestMeasured(
  measurement: BackendMeasurement,
  candidates: readonly BackendName[],
): { backend: BackendName; samplesPerSec: number } | undefined {
  let best: { backend: BackendName; samplesPerSec: number } | undefined;
  for (const r of measurement.results) {
    if (!candidates.includes(r.backend) || r.samplesPerSec === null || !(r.samplesPerSec > 0)) continue;
    if (!best || r.samplesPerSec > best.samplesPerSec)
      best = { backend: r.backend, samplesPerSec: r.samplesPerSec };
  }
  return best;
}

/**
 * The backend a run uses. `measurement` (for Automatic only) is one that `usableMeasurement` accepted: the
 * fastest candidate in it wins, and every other measured candidate's reason carries its own figure.
 */
export function chooseBackend(
  probes: readonly BackendProbe[],
  choice: BackendChoice,
  measurement?: BackendMeasurement,
): BackendChoiceResult {
  const byName = new Map(probes.map((p) => [p.name, p]));
  let backend: BackendName;
  let fallback: BackendChoiceResult['fallback'];
  let measuredSamplesPerSec: number | undefined;
  const wanted = choice === 'auto' ? undefined : byName.get(choice);
  const candidates = measurementCandidates(probes);
  const fastest = choice === 'auto' && measurement ? fastestMeasured(measurement, candidates) : undefined;
  if (choice !== 'auto' && wanted?.available) {
    backend = choice;
  } else if (fastest) {
    backend = fastest.backend;
    measuredSamplesPerSec = fastest.samplesPerSec;
  } else {
    backend = automaticOrder(probes)[0];
    if (choice !== 'auto') {
      fallback = { chosen: choice, reason: wanted?.reason ?? { id: 'reasonInitFailed', args: ['?'] } };
    }
  }
  const measured = (name: BackendName) =>
    fastest && candidates.includes(name) ? measurement?.results.find((r) => r.backend === name) : undefined;
  const skipped = BACKENDS.filter((n) => n !== backend).map((name) => {
    const p = byName.get(name);
    const m = measured(name);
    let reason: Reason;
    if (!p || !p.available) reason = p?.reason ?? { id: 'reasonInitFailed', args: ['?'] };
    else if (choice !== 'auto' && !fallback) reason = { id: 'reasonNotChosen' };
    else if (m && m.samplesPerSec !== null && m.samplesPerSec > 0)
      reason = {
        id: 'reasonMeasuredSlower',
        args: [perSecond(m.samplesPerSec), perSecond(fastest!.samplesPerSec)],
      };
    else if (m) reason = { id: 'reasonMeasureFailed', args: [m.error ?? '?'] };
    else if (p.reason) reason = p.reason;
    else reason = { id: 'reasonLowerPriority' };
    return { name, reason };
  });
  return { backend, skipped, fallback, measuredSamplesPerSec };
}

/** The next backend to try after `failed` stopped working (e.g. a lost WebGL context). */
export function nextBackend(probes: readonly BackendProbe[], failed: BackendName): BackendName {
  const order = automaticOrder(probes).filter((n) => n !== failed && n !== 'webgpu' && n !== 'webgl');
  return order[0] ?? 'cpu';
}
