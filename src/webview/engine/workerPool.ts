/**
 * The CPU engine's workers as its driver (./engine.ts) sees them: started, joined pairwise by MessageChannels for
 * the per-step gradient exchange, and called with numbered requests whose replies settle promises. Progress
 * reports go to the handler registered for their call's id; an error outside any call (a worker script that did
 * not load) fails every call pending. The engine's API and its checks stay in ./engine.ts; this is the plumbing.
 */
import type { DriverToWorker, ProgressReport, WorkerToDriver } from './messages';

/** The part of a Worker (browser, or a Node worker_threads adapter) the engine uses. */
export interface EngineWorkerLike {
  postMessage(message: unknown, transfer?: Transferable[]): void;
  addEventListener(type: 'message', listener: (event: { data: unknown }) => void): void;
  terminate(): void;
}

export interface WorkerPoolOptions {
  threads: number;
  /** The worker bundle's URL (dist/webview/engine.worker.js): fetched and started from a blob: URL. */
  workerUrl?: string | URL;
  /** Starts a worker instead (Node: worker_threads); then workerUrl is not used. */
  spawnWorker?: () => EngineWorkerLike;
}

type Reply<T extends WorkerToDriver['type']> = Extract<WorkerToDriver, { type: T }>;

export interface WorkerPool {
  readonly workers: readonly EngineWorkerLike[];
  /** `peers[rank]`: that worker's ports to every other (null at its own rank), for its `init`. */
  readonly peers: readonly (MessagePort | null)[][];
  /** A fresh request id. */
  nextId(): number;
  /** Sends `message` (which carries an id from nextId) to one worker; resolves with its reply, rejects on error. */
  call<T extends WorkerToDriver['type']>(
    worker: EngineWorkerLike,
    message: DriverToWorker,
    transfer?: Transferable[],
  ): Promise<Reply<T>>;
  /** The message `make(rank)` to every worker; resolves with their replies, in rank order. */
  all<T extends WorkerToDriver['type']>(make: (rank: number) => DriverToWorker): Promise<Reply<T>[]>;
  /** Routes the progress reports of call `id` to `handler` (undefined: no longer). */
  onProgress(id: number, handler: ((p: ProgressReport) => void) | undefined): void;
  /** Terminates the workers; pending calls reject. */
  dispose(): void;
}

/** A blob: URL of the fetched worker script: a webview's `worker-src blob:` allows it where a URL would not be. */
async function blobWorkerFactory(
  workerUrl: string | URL,
): Promise<{ spawn: () => EngineWorkerLike; url: string }> {
  const source = await (await fetch(workerUrl)).text();
  const url = URL.createObjectURL(new Blob([source], { type: 'text/javascript' }));
  const spawn = () => {
    const worker = new Worker(url);
    // A script error reaches the driver as the message a failing call sends, so pending calls reject with it.
    worker.addEventListener('error', (e) =>
      worker.dispatchEvent(
        new MessageEvent('message', { data: { type: 'error', message: `onramp-cpu worker: ${e.message}` } }),
      ),
    );
    return worker as unknown as EngineWorkerLike;
  };
  return { spawn, url };
}

export async function startWorkerPool(options: WorkerPoolOptions): Promise<WorkerPool> {
  let spawn = options.spawnWorker;
  let blobUrl: string | null = null;
  if (!spawn) {
    if (!options.workerUrl) throw new Error('onramp-cpu: workerUrl or spawnWorker is required');
    const made = await blobWorkerFactory(options.workerUrl);
    spawn = made.spawn;
    blobUrl = made.url;
  }

  const pending = new Map<number, { resolve: (m: WorkerToDriver) => void; reject: (e: Error) => void }>();
  const progressHandlers = new Map<number, (p: ProgressReport) => void>();
  let lastId = 0;
  let disposed = false;

  const onMessage = (event: { data: unknown }) => {
    const m = event.data as WorkerToDriver;
    if (m.type === 'progress') {
      const { type: _t, id, ...report } = m;
      progressHandlers.get(id)?.(report);
      return;
    }
    const id = m.id;
    if (id === undefined) {
      // A worker failed outside any call (e.g. its script did not load): fail everything pending.
      if (m.type === 'error') for (const p of pending.values()) p.reject(new Error(m.message));
      if (m.type === 'error') pending.clear();
      return;
    }
    const p = pending.get(id);
    if (!p) return;
    pending.delete(id);
    if (m.type === 'error') p.reject(new Error(m.message));
    else p.resolve(m);
  };

  const workers: EngineWorkerLike[] = [];
  for (let r = 0; r < options.threads; r++) {
    const w = spawn();
    w.addEventListener('message', onMessage);
    workers.push(w);
  }
  const peers: (MessagePort | null)[][] = workers.map(() => workers.map(() => null));
  for (let a = 0; a < workers.length; a++) {
    for (let b = a + 1; b < workers.length; b++) {
      const ch = new MessageChannel();
      peers[a][b] = ch.port1;
      peers[b][a] = ch.port2;
    }
  }

  const call = <T extends WorkerToDriver['type']>(
    worker: EngineWorkerLike,
    message: DriverToWorker,
    transfer: Transferable[] = [],
  ): Promise<Reply<T>> => {
    if (disposed) return Promise.reject(new Error('onramp-cpu: engine disposed'));
    const id = 'id' in message ? message.id : 0;
    const reply = new Promise<WorkerToDriver>((resolve, reject) => pending.set(id, { resolve, reject }));
    worker.postMessage(message, transfer);
    return reply as Promise<Reply<T>>;
  };

  const all = <T extends WorkerToDriver['type']>(
    make: (rank: number) => DriverToWorker,
  ): Promise<Reply<T>[]> => Promise.all(workers.map((w, r) => call<T>(w, make(r))));

  return {
    workers,
    peers,
    nextId: () => ++lastId,
    call,
    all,
    onProgress(id, handler) {
      if (handler) progressHandlers.set(id, handler);
      else progressHandlers.delete(id);
    },
    dispose() {
      if (disposed) return;
      disposed = true;
      for (const w of workers) w.terminate();
      if (blobUrl) URL.revokeObjectURL(blobUrl);
      for (const p of pending.values()) p.reject(new Error('onramp-cpu: engine disposed'));
      pending.clear();
    },
  };
}
