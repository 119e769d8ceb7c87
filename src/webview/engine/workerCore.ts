/**
 * The onramp CPU engine's worker: holds a copy of the data and the weights, and trains its share of
 * every batch. With several workers, each step's partial gradients go straight from worker to worker
 * (transferable buffers over MessagePorts, no SharedArrayBuffer needed), every worker sums them in rank
 * order (so all hold bit-identical weights) and applies the same Adam step. Worker 0 leads: it alone
 * takes pause/stop requests and tells the others where the epoch ends.
 */
import { sameArchitecture } from '../../shared/architecture';
import { ARTICLE_MODEL, type Architecture, cosineDecayedRate } from '../../shared/model';
import { createWasmKernels, instantiateLayerWasm, type Kernels, wasmSimdSupported } from './kernels';
import { createLayerKernels } from './layerKernels';
import { isArticleModel, shuffledOrder, stepSeed } from './layout';
import type { DriverToWorker, PeerMessage, TrainRequest, WorkerToDriver } from './messages';
import { OptimizerState } from './optimizers';
import { createTsKernels } from './tsKernels';

/** What the worker needs of its global scope (a browser worker's `self`, or a Node shim of it). */
export interface WorkerScope {
  postMessage(message: WorkerToDriver, transfer?: Transferable[]): void;
  addEventListener(type: 'message', listener: (event: { data: DriverToWorker }) => void): void;
}

class PeerInbox {
  private queue: PeerMessage[] = [];
  private waiting: ((m: PeerMessage) => void) | null = null;
  constructor(port: MessagePort) {
    port.onmessage = (e: MessageEvent<PeerMessage>) => {
      if (this.waiting) {
        const w = this.waiting;
        this.waiting = null;
        w(e.data);
      } else this.queue.push(e.data);
    };
  }
  /** The next message of this epoch (older epochs' leftovers are dropped). */
  async next(epochId: number): Promise<PeerMessage> {
    for (;;) {
      const m = this.queue.shift() ?? (await new Promise<PeerMessage>((r) => (this.waiting = r)));
      if (m.epochId === epochId) return m;
    }
  }
}

/** How often a lone worker (no peers to wait for) lets the driver's messages in during an epoch. */
const LONE_YIELD_MS = 50;

/**
 * A macrotask turn: with no peer to await, a lone worker's epoch would otherwise run to its end without reading
 * pause, stop or a weights request. In a browser worker, a message to itself (no timer clamp; it queues behind
 * the driver's messages). In Node, setImmediate: Node drains a port's messages in one go, so a port that posts
 * to itself would starve the parent's.
 */
function taskYielder(): () => Promise<void> {
  const immediate = (globalThis as { setImmediate?: (f: () => void) => unknown }).setImmediate;
  if (immediate) return () => new Promise<void>((r) => void immediate(r));
  let channel: MessageChannel | null = null;
  let resume: (() => void) | null = null;
  return () =>
    new Promise<void>((r) => {
      if (!channel) {
        channel = new MessageChannel();
        channel.port1.onmessage = () => {
          const w = resume;
          resume = null;
          w?.();
        };
      }
      resume = r;
      channel.port2.postMessage(0);
    });
}

export function runEngineWorker(scope: WorkerScope): void {
  let kernels: Kernels | null = null;
  let architecture: Architecture = ARTICLE_MODEL;
  /** The compiled SIMD engine, when this worker runs it (kept to serve the article's model again later). */
  let wasmModule: WebAssembly.Module | null = null;
  const optimizer = new OptimizerState();
  let rank = 0;
  let size = 1;
  let ports: (MessagePort | null)[] = [];
  let inboxes: (PeerInbox | null)[] = [];
  let images: Uint8Array = new Uint8Array(0);
  let labels: Uint8Array = new Uint8Array(0);
  let paused = false;
  let stopRequested = false;
  let wake: (() => void) | null = null;
  const spare: Float32Array[] = [];
  const yieldTask = taskYielder();

  const post = (m: WorkerToDriver, transfer?: Transferable[]) => scope.postMessage(m, transfer);
  const need = () => {
    if (!kernels) throw new Error('onramp-cpu worker: not initialised');
    return kernels;
  };
  /** The article's model trains on its specialised kernels; every other stack on the layer kernels. */
  const kernelsFor = async (arch: Architecture): Promise<Kernels> => {
    if (!isArticleModel(arch))
      return createLayerKernels(arch, wasmModule ? await instantiateLayerWasm(wasmModule) : undefined);
    return wasmModule ? createWasmKernels(wasmModule) : createTsKernels();
  };
  const wakeUp = () => {
    const w = wake;
    wake = null;
    w?.();
  };

  async function train(id: number, epochId: number, req: TrainRequest) {
    const k = need();
    const n = labels.length;
    if (n === 0) throw new Error('onramp-cpu: no training data (setData first)');
    const order = shuffledOrder(n, req.shuffleSeed);
    const batches = Math.ceil(n / req.batchSize);
    const adam = { learningRate: req.learningRate, beta1: req.beta1, beta2: req.beta2, epsilon: req.epsilon };
    const leader = rank === 0;
    stopRequested = false;
    let started = performance.now();
    let pausedMs = 0;
    let syncMs = 0;
    let lossSum = 0;
    let correct = 0;
    let samples = 0;
    let windowLoss = 0;
    let windowCorrect = 0;
    let windowSamples = 0;
    let completed = req.startBatch;
    let stopped = false;
    let diverged = false;
    const received: Float32Array[] = new Array(size);
    let lastYield = performance.now();
    for (let step = req.startBatch; step < batches; step++) {
      if (size === 1 && performance.now() - lastYield > LONE_YIELD_MS) {
        await yieldTask();
        lastYield = performance.now();
      }
      if (leader) {
        if (paused && !stopRequested) {
          const t = performance.now();
          await new Promise<void>((r) => (wake = r));
          pausedMs += performance.now() - t;
        }
        if (stopRequested) {
          for (const p of ports) p?.postMessage({ epochId, step, rank, abort: true } satisfies PeerMessage);
          stopped = true;
          break;
        }
      }
      const first = step * req.batchSize;
      const batch = Math.min(req.batchSize, n - first);
      const lo = first + Math.floor((rank * batch) / size);
      const hi = first + Math.floor(((rank + 1) * batch) / size);
      let stats = { lossSum: 0, correct: 0 };
      if (hi > lo) {
        k.loadBatch(images, labels, order, lo, hi - lo);
        k.setDropoutSeed?.(stepSeed(req.shuffleSeed, step), lo - first);
        stats = k.trainBatch(hi - lo, 1 / batch);
      } else k.grads().fill(0);
      let stepLoss = stats.lossSum;
      let stepCorrect = stats.correct;
      if (size > 1) {
        const t = performance.now();
        const mine = spare.pop() ?? new Float32Array(k.grads().length);
        mine.set(k.grads());
        received[rank] = mine;
        const others = ports.filter((p): p is MessagePort => p !== null);
        for (const p of others) {
          const g = spare.pop() ?? new Float32Array(mine.length);
          g.set(mine);
          p.postMessage({ epochId, step, rank, grads: g, ...stats } satisfies PeerMessage, [g.buffer]);
        }
        let abort = false;
        for (let r = 0; r < size; r++) {
          const inbox = inboxes[r];
          if (!inbox) continue;
          const m = await inbox.next(epochId);
          if ('abort' in m) {
            abort = true;
            continue;
          }
          received[r] = m.grads;
          stepLoss += m.lossSum;
          stepCorrect += m.correct;
        }
        if (abort) {
          stopped = true;
          break;
        }
        const g = k.grads();
        g.set(received[0]);
        for (let r = 1; r < size; r++) k.addToGrads(received[r]);
        for (let r = 0; r < size; r++) spare.push(received[r]);
        syncMs += performance.now() - t;
      }
      if (req.decaySteps > 0)
        adam.learningRate = cosineDecayedRate(req.learningRate, req.stepOffset + step, req.decaySteps);
      optimizer.step(k, { ...adam, optimizer: req.optimizer });
      completed = step + 1;
      lossSum += stepLoss;
      correct += stepCorrect;
      samples += batch;
      windowLoss += stepLoss;
      windowCorrect += stepCorrect;
      windowSamples += batch;
      if (!Number.isFinite(stepLoss)) {
        stopped = diverged = true;
        break;
      }
      if (leader && (completed % req.progressEvery === 0 || completed === batches)) {
        const ms = performance.now() - started - pausedMs;
        post({
          type: 'progress',
          id,
          batch: completed,
          batches,
          loss: windowLoss / windowSamples,
          acc: windowCorrect / windowSamples,
          epochLoss: lossSum / samples,
          epochAcc: correct / samples,
          samplesPerSec: (samples / ms) * 1000,
          samples,
        });
        windowLoss = windowCorrect = windowSamples = 0;
      }
    }
    const ms = performance.now() - started - pausedMs;
    started = 0;
    post({
      type: 'trainDone',
      id,
      completedBatches: completed,
      batches,
      stopped,
      diverged,
      lossSum,
      correct,
      samples,
      ms,
      syncMs,
    });
  }

  async function handle(m: DriverToWorker) {
    switch (m.type) {
      case 'init': {
        rank = m.rank;
        size = m.size;
        ports = m.peers;
        inboxes = m.peers.map((p) => (p ? new PeerInbox(p) : null));
        const wantWasm = m.kernels !== 'ts' && m.wasm !== null && wasmSimdSupported();
        if (m.kernels === 'wasm' && !wantWasm)
          throw new Error('onramp-cpu: WebAssembly SIMD is not available');
        wasmModule = wantWasm ? await WebAssembly.compile(m.wasm as ArrayBuffer) : null;
        architecture = ARTICLE_MODEL;
        kernels = await kernelsFor(architecture);
        post({ type: 'ready', id: m.id, kind: kernels.kind });
        return;
      }
      case 'setData':
        images = m.images;
        labels = m.labels;
        post({ type: 'ok', id: m.id });
        return;
      case 'setParams': {
        need();
        if (!sameArchitecture(architecture, m.architecture)) {
          kernels = await kernelsFor(m.architecture);
          architecture = m.architecture;
          spare.length = 0;
          optimizer.reset();
        }
        const k = need();
        if (m.params.length !== k.params().length)
          throw new Error(`onramp-cpu: ${m.params.length} parameters for a model of ${k.params().length}`);
        k.params().set(m.params);
        if (m.resetOptimizer) {
          k.resetOptimizer();
          optimizer.reset();
        }
        post({ type: 'ready', id: m.id, kind: k.kind });
        return;
      }
      case 'getParams': {
        const all = need().params();
        const params = m.ranges
          ? new Float32Array(m.ranges.reduce((n, v, i) => n + (i % 2 ? v : 0), 0))
          : all.slice();
        if (m.ranges)
          for (let i = 0, at = 0; i < m.ranges.length; at += m.ranges[i + 1], i += 2)
            params.set(all.subarray(m.ranges[i], m.ranges[i] + m.ranges[i + 1]), at);
        post({ type: 'params', id: m.id, params }, [params.buffer]);
        return;
      }
      case 'train':
        paused = m.paused;
        await train(m.id, m.epochId, m);
        return;
      case 'evaluate': {
        const k = need();
        let lossSum = 0;
        let correct = 0;
        const count = m.labels.length;
        for (let s = 0; s < count; s += 256) {
          const c = Math.min(256, count - s);
          k.loadBatch(m.images, m.labels, null, s, c);
          const st = k.evaluateBatch(c);
          lossSum += st.lossSum;
          correct += st.correct;
        }
        post({ type: 'evaluated', id: m.id, lossSum, correct, count });
        return;
      }
      case 'pause':
        paused = true;
        return;
      case 'resume':
        paused = false;
        wakeUp();
        return;
      case 'stop':
        stopRequested = true;
        wakeUp();
        return;
    }
  }

  scope.addEventListener('message', (e) => {
    const m = e.data;
    handle(m).catch((err: unknown) =>
      post({
        type: 'error',
        id: 'id' in m ? m.id : undefined,
        message: err instanceof Error ? err.message : String(err),
      }),
    );
  });
}
