// The decoding workers (worker.ts): a LogDirectory hands them the chunks it reads, so that checking and
// decoding a large log folder takes both cores while the extension host's thread reads files and keeps
// points. Started on first use, one a core up to two, and unreferenced while idle, so that they never
// keep a process alive. Where none can start, reading falls back to decoding on the host's thread.
import * as os from 'node:os';
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { ChunkOutcome, EventBatch } from './chunk';
import type { ScalarDecoder } from './events';

export interface DecodeRequest {
  readonly id: number;
  /** The run whose decoder (a tag's plugin is named once a file) reads the chunk. */
  readonly run: number;
  readonly bytes: ArrayBuffer;
  readonly length: number;
  /** Start the run's decoder afresh from these tags' plugins (the worker's copy is out of date). */
  readonly plugins?: readonly (readonly [string, string])[];
  /** Runs whose decoders are dropped (their LogDirectory is disposed); nothing else is done. */
  readonly forget?: readonly number[];
}

export type DecodeReply =
  | {
      readonly id: number;
      readonly outcome: ChunkOutcome;
      readonly batch: EventBatch;
      /** Tags' plugins the chunk named for the first time. */
      readonly learned: readonly (readonly [string, string])[];
      readonly error?: undefined;
    }
  | { readonly id: number; readonly error: string; readonly outcome?: undefined; readonly batch?: undefined };

export interface DecodedChunk {
  readonly outcome: ChunkOutcome;
  readonly batch: EventBatch;
}

/**
 * A run as the pool sees it: the host's decoder is the run's own (what a chunk's metadata taught any
 * worker is added to it), and `version` counts what it learned, so that a worker whose copy is older is
 * sent the plugins again. A run's chunks go to whichever worker is least busy: Keras's `train/` is nine
 * tenths of a folder, and a fixed worker a run would leave the other core idle.
 */
export interface PooledRun {
  readonly id: number;
  readonly decoder: ScalarDecoder;
  version: number;
}

interface Pending {
  resolve(chunk: DecodeReply): void;
  reject(error: Error): void;
}

const MAX_WORKERS = 2;

/**
 * The worker's script: dist/tfevents-worker.js next to the bundle (scripts/build.mjs builds it), or, when
 * this file runs as TypeScript (tests, the bench), worker.ts through tsx's loader.
 */
function workerSource(): { script: string; eval: boolean } {
  if (__filename.endsWith('.ts')) {
    const entry = path.join(__dirname, 'worker.ts');
    const code =
      `const r = require('node:module').createRequire(${JSON.stringify(__filename)});` +
      `r(r.resolve('tsx/cjs')); r(${JSON.stringify(entry)});`;
    return { script: code, eval: true };
  }
  return { script: path.join(__dirname, 'tfevents-worker.js'), eval: false };
}

class DecodePool {
  private readonly workers: Worker[] = [];
  private readonly pending = new Map<number, Pending>();
  private readonly busy: number[] = [];
  /** The version of each run's decoder each worker holds. */
  private readonly versions: Map<number, number>[] = [];
  private nextId = 1;
  broken: Error | undefined;

  constructor(count: number) {
    const source = workerSource();
    for (let i = 0; i < count; i++) {
      const worker = new Worker(source.script, { eval: source.eval });
      worker.unref();
      worker.on('message', (reply: DecodeReply) => this.settle(i, reply));
      worker.on('error', (error) => this.fail(error));
      worker.on('exit', (code) => this.fail(new Error(`the decoding worker stopped (exit code ${code})`)));
      this.workers.push(worker);
      this.busy.push(0);
      this.versions.push(new Map());
    }
  }

  /** Decodes a chunk with `run`'s decoder; a run's chunks must be asked for one after another. */
  async decode(run: PooledRun, bytes: Buffer, length: number): Promise<DecodedChunk> {
    if (this.broken) throw this.broken;
    // The least busy worker; of two as busy, one that holds the run's decoder as it stands.
    const current = (i: number) => this.versions[i].get(run.id) === run.version;
    let w = 0;
    for (let i = 1; i < this.workers.length; i++) {
      const d = this.busy[i] - this.busy[w];
      if (d < 0 || (d === 0 && current(i) && !current(w))) w = i;
    }
    const upToDate = current(w);
    const id = this.nextId++;
    const buffer = bytes.buffer as ArrayBuffer;
    const whole = bytes.byteOffset === 0 && buffer.byteLength === bytes.length;
    // A buffer of its own is handed over without a copy; a view into a larger one is copied.
    const payload = whole ? buffer : buffer.slice(bytes.byteOffset, bytes.byteOffset + length);
    const reply = await new Promise<DecodeReply>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      if (this.busy[w]++ === 0) this.workers[w].ref();
      const request: DecodeRequest = {
        id,
        run: run.id,
        bytes: payload,
        length,
        ...(!upToDate && { plugins: run.decoder.plugins() }),
      };
      this.workers[w].postMessage(request, [payload]);
    });
    if (reply.error !== undefined) throw new Error(reply.error);
    if (reply.learned.length > 0) {
      run.decoder.teach(reply.learned);
      run.version++;
    }
    this.versions[w].set(run.id, run.version);
    return { outcome: reply.outcome, batch: reply.batch };
  }

  forget(runs: readonly number[]): void {
    if (this.broken || runs.length === 0) return;
    for (const known of this.versions) for (const run of runs) known.delete(run);
    for (const worker of this.workers)
      worker.postMessage({ id: 0, run: -1, bytes: new ArrayBuffer(0), length: 0, forget: runs });
  }

  private settle(w: number, reply: DecodeReply): void {
    if (--this.busy[w] === 0) this.workers[w].unref();
    const pending = this.pending.get(reply.id);
    if (!pending) return;
    this.pending.delete(reply.id);
    pending.resolve(reply);
  }

  private fail(error: Error): void {
    this.broken ??= error;
    for (const pending of this.pending.values()) pending.reject(error);
    this.pending.clear();
    for (const worker of this.workers) void worker.terminate();
  }
}

let pool: DecodePool | undefined;

/** The shared pool, started on first use; undefined where workers cannot run (then decode in place). */
export function decodePool(): DecodePool | undefined {
  if (pool?.broken) return undefined;
  if (!pool) {
    try {
      pool = new DecodePool(Math.max(1, Math.min(MAX_WORKERS, os.availableParallelism())));
    } catch {
      return undefined;
    }
  }
  return pool;
}

export type { DecodePool };
