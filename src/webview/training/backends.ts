/**
 * Backend detection and activation. A software adapter (SwiftShader, llvmpipe, …, as the unmasked renderer or
 * adapter info names it) counts as no GPU: on a 2-core machine it trains tens of times slower than the CPU
 * engine. The choice itself (fixed order, or by measurement) is pure logic in backendChoice.ts.
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-webgpu';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import type { BackendName } from '../../shared/protocol/training';
import { isSoftwareRenderer, type BackendProbe } from './backendChoice';
import { registerWasmConv2DBackpropFilter } from './wasmKernels';

export {
  automaticOrder,
  chooseBackend,
  isSoftwareRenderer,
  measurementCandidates,
  nextBackend,
  type BackendChoiceResult,
  type BackendProbe,
  type Reason,
} from './backendChoice';

interface GpuAdapterLike {
  isFallbackAdapter?: boolean;
  info?: Record<string, unknown>;
  requestAdapterInfo?: () => Promise<Record<string, unknown>>;
}

/**
 * How long the page waits for WebGPU's adapter. The spec lets requestAdapter wait as long as the browser likes
 * (a page in the background may be made to wait), and the panel says `ready` only after its probes: a promise
 * that never settles would leave it dead. Past this, WebGPU counts as unavailable for this page, and says why.
 */
export const ADAPTER_WAIT_MS = 5000;

/** `promise`'s value, or `timedOut` when it has not settled within `ms`. */
function within<T, U>(promise: Promise<T>, ms: number, timedOut: U): Promise<T | U> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<U>((resolve) => (timer = setTimeout(() => resolve(timedOut), ms)));
  return Promise.race([promise, late]).finally(() => clearTimeout(timer));
}

async function probeWebGpu(): Promise<BackendProbe> {
  const gpu = (navigator as unknown as { gpu?: { requestAdapter(): Promise<GpuAdapterLike | null> } }).gpu;
  if (!gpu) return { name: 'webgpu', available: false, hardware: false, reason: { id: 'reasonNoWebGpu' } };
  const late = Symbol('late');
  const adapter = await within(
    gpu.requestAdapter().catch(() => null),
    ADAPTER_WAIT_MS,
    late,
  );
  if (adapter === late) {
    const seconds = String(ADAPTER_WAIT_MS / 1000);
    return {
      name: 'webgpu',
      available: false,
      hardware: false,
      reason: { id: 'reasonAdapterLate', args: [seconds] },
    };
  }
  if (!adapter)
    return { name: 'webgpu', available: false, hardware: false, reason: { id: 'reasonNoAdapter' } };
  const asked = adapter.info ? undefined : adapter.requestAdapterInfo?.().catch(() => undefined);
  const info = adapter.info ?? (asked && (await within(asked, ADAPTER_WAIT_MS, undefined))) ?? {};
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
