/**
 * Backend detection and choice. Order of preference: a hardware WebGPU or WebGL adapter, then our CPU engine
 * (`onramp-cpu`), then tfjs WASM, then software WebGL/WebGPU, then tfjs CPU. A software adapter (SwiftShader,
 * llvmpipe, …, as the unmasked renderer or adapter info names it) counts as no GPU: on a 2-core machine it
 * trains tens of times slower than the CPU engine. Every backend not chosen gets a reason the panel shows.
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-webgpu';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { BACKENDS, type BackendChoice, type BackendName } from '../../protocol';
import type { StringId } from './strings';
import { registerWasmConv2DBackpropFilter } from './wasmKernels';

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
}

const SOFTWARE_RENDERER = /swiftshader|llvmpipe|lavapipe|softpipe|software|basic render|microsoft basic/i;

export function isSoftwareRenderer(description: string): boolean {
  return SOFTWARE_RENDERER.test(description);
}

interface GpuAdapterLike {
  isFallbackAdapter?: boolean;
  info?: Record<string, unknown>;
  requestAdapterInfo?: () => Promise<Record<string, unknown>>;
}

async function probeWebGpu(): Promise<BackendProbe> {
  const gpu = (navigator as unknown as { gpu?: { requestAdapter(): Promise<GpuAdapterLike | null> } }).gpu;
  if (!gpu) return { name: 'webgpu', available: false, hardware: false, reason: { id: 'reasonNoWebGpu' } };
  const adapter = await gpu.requestAdapter().catch(() => null);
  if (!adapter)
    return { name: 'webgpu', available: false, hardware: false, reason: { id: 'reasonNoAdapter' } };
  const info = adapter.info ?? (await adapter.requestAdapterInfo?.().catch(() => undefined)) ?? {};
  const renderer = ['vendor', 'architecture', 'device', 'description']
    .map((k) => info[k])
    .filter((v): v is string => typeof v === 'string' && v.length > 0)
    .join(' ');
  const software =
    adapter.isFallbackAdapter === true || info.isFallbackAdapter === true || isSoftwareRenderer(renderer);
  return {
    name: 'webgpu',
    available: true,
    hardware: !software,
    renderer: renderer || 'unknown adapter',
    reason: software ? { id: 'reasonSoftware', args: [renderer || 'fallback adapter'] } : undefined,
  };
}

function probeWebGl(): BackendProbe {
  const canvas = document.createElement('canvas');
  const gl = (canvas.getContext('webgl2') ?? canvas.getContext('webgl')) as WebGLRenderingContext | null;
  if (!gl) return { name: 'webgl', available: false, hardware: false, reason: { id: 'reasonNoWebGl' } };
  const debug = gl.getExtension('WEBGL_debug_renderer_info');
  const renderer = String(gl.getParameter(debug ? debug.UNMASKED_RENDERER_WEBGL : gl.RENDERER));
  // Free the probe's context at once: browsers cap live WebGL contexts, and tfjs makes its own.
  gl.getExtension('WEBGL_lose_context')?.loseContext();
  const software = isSoftwareRenderer(renderer);
  return {
    name: 'webgl',
    available: true,
    hardware: !software,
    renderer,
    reason: software ? { id: 'reasonSoftware', args: [renderer] } : undefined,
  };
}

export interface ProbeOptions {
  /** Whether our CPU engine is in this build and can run here. */
  engineAvailable: boolean;
}

export async function probeBackends(options: ProbeOptions): Promise<BackendProbe[]> {
  const webgpu = await probeWebGpu().catch((e): BackendProbe => ({
    name: 'webgpu',
    available: false,
    hardware: false,
    reason: { id: 'reasonInitFailed', args: [String(e)] },
  }));
  const wasm: BackendProbe =
    typeof WebAssembly === 'object'
      ? { name: 'wasm', available: true, hardware: false }
      : { name: 'wasm', available: false, hardware: false, reason: { id: 'reasonNoWasm' } };
  const engine: BackendProbe = options.engineAvailable
    ? { name: 'onramp-cpu', available: true, hardware: false }
    : { name: 'onramp-cpu', available: false, hardware: false, reason: { id: 'reasonNoEngine' } };
  return [webgpu, probeWebGl(), wasm, { name: 'cpu', available: true, hardware: false }, engine];
}

/** Automatic order: hardware GPUs, our engine, WASM, software GPUs, then tfjs CPU. */
export function automaticOrder(probes: readonly BackendProbe[]): BackendName[] {
  const find = (n: BackendName) => probes.find((p) => p.name === n);
  const order: BackendName[] = [];
  for (const n of ['webgpu', 'webgl'] as const) if (find(n)?.available && find(n)?.hardware) order.push(n);
  for (const n of ['onramp-cpu', 'wasm'] as const) if (find(n)?.available) order.push(n);
  for (const n of ['webgl', 'webgpu'] as const) if (find(n)?.available && !find(n)?.hardware) order.push(n);
  order.push('cpu');
  return order;
}

export function chooseBackend(probes: readonly BackendProbe[], choice: BackendChoice): BackendChoiceResult {
  const byName = new Map(probes.map((p) => [p.name, p]));
  let backend: BackendName;
  let fallback: BackendChoiceResult['fallback'];
  const wanted = choice === 'auto' ? undefined : byName.get(choice);
  if (choice !== 'auto' && wanted?.available) {
    backend = choice;
  } else {
    backend = automaticOrder(probes)[0];
    if (choice !== 'auto') {
      fallback = { chosen: choice, reason: wanted?.reason ?? { id: 'reasonInitFailed', args: ['?'] } };
    }
  }
  const skipped = BACKENDS.filter((n) => n !== backend).map((name) => {
    const p = byName.get(name);
    let reason: Reason;
    if (!p || !p.available) reason = p?.reason ?? { id: 'reasonInitFailed', args: ['?'] };
    else if (choice !== 'auto' && !fallback) reason = { id: 'reasonNotChosen' };
    else if (p.reason) reason = p.reason;
    else reason = { id: 'reasonLowerPriority' };
    return { name, reason };
  });
  return { backend, skipped, fallback };
}

/** The next backend to try after `failed` stopped working (e.g. a lost WebGL context). */
export function nextBackend(probes: readonly BackendProbe[], failed: BackendName): BackendName {
  const order = automaticOrder(probes).filter((n) => n !== failed && n !== 'webgpu' && n !== 'webgl');
  return order[0] ?? 'cpu';
}

let wasmPathsSet = false;

/** Points the WASM backend at the shipped binaries; must run before the backend first initialises. */
export function configureWasm(prefix: string): void {
  if (wasmPathsSet) return;
  wasmPathsSet = true;
  setWasmPaths(new URL(prefix, location.href).href);
  registerWasmConv2DBackpropFilter();
}

/** Makes `name` tfjs's active backend. `onramp-cpu` trains outside tfjs and keeps tfjs on its CPU backend. */
export async function activateBackend(name: BackendName): Promise<void> {
  const tfName = name === 'onramp-cpu' ? 'cpu' : name;
  if (tf.getBackend() === tfName) return;
  const ok = await tf.setBackend(tfName);
  if (!ok) throw new Error(`tfjs could not start its ${tfName} backend`);
  await tf.ready();
}
