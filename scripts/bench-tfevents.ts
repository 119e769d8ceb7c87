/**
 * Bench of the TensorBoard event-file reader. Generates in the OS temp folder, and deletes after:
 * - a 100 MB event file of scalar events (the worst case: many small records, every one checksummed
 *   and decoded), read whole as `readEventFile` does (every point kept);
 * - a 1 GB log folder (4 Keras-shaped runs, `train/` and `validation/`, distinct steps), read the way
 *   the viewer reads it: `LogDirectory.poll()` a slice at a time. "first chart" is the first poll plus
 *   building the messages of the first flush (JSON, as postMessage serialises them), i.e. the host's
 *   share of the first chart (the page's drawing is in the charts suite); the full read is every poll
 *   until none is left; peak memory is the largest RSS and heap + array buffers seen after a poll.
 * `tsx scripts/bench-tfevents.ts` runs it alone; BENCH_TFEVENTS_FOLDER_MB changes the folder's size.
 */
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { crc32c, maskedCrc32c } from '../src/extension/tensorboard/crc32c';
import { encodePoints } from '../src/shared/protocol/tensorboard';
import { chartPlacement } from '../src/shared/tensorboard/tags';
import { LogDirectory, readEventFile } from '../src/extension/tensorboard/reader';
import {
  concatBytes,
  encodeFileVersionEvent,
  encodeScalarEvent,
  frameRecord,
} from '../test/helpers/tfeventsWriter';

export interface Row {
  suite: string;
  name: string;
  [figure: string]: string | number;
}

const TARGET_BYTES = 100 * 1024 * 1024;
const MB = 1024 * 1024;
const FOLDER_BYTES = Number(process.env.BENCH_TFEVENTS_FOLDER_MB ?? 1024) * MB;

/** One block of distinct events, Keras-like (TF2 tensor scalars) and PyTorch-like (simple_value). */
function eventBlock(firstStep: number, steps: number): Uint8Array {
  const records: Uint8Array[] = [];
  for (let step = firstStep; step < firstStep + steps; step++) {
    const wallTime = 1700000000 + step * 0.01;
    records.push(
      frameRecord(
        encodeScalarEvent(step, wallTime, [
          { tag: 'epoch_loss', value: 1 / (1 + step), encoding: 'tensor_content' },
        ]),
      ),
      frameRecord(encodeScalarEvent(step, wallTime, [{ tag: 'train/accuracy', value: step / (step + 10) }])),
    );
  }
  return concatBytes(records);
}

async function writeBenchFile(file: string): Promise<{ bytes: number; points: number }> {
  const handle = await fs.open(file, 'w');
  try {
    await handle.write(frameRecord(encodeFileVersionEvent(1700000000)));
    // Encoding every event is slower than reading it; a block of distinct events is written repeatedly.
    const blockSteps = 20000;
    const block = eventBlock(0, blockSteps);
    let bytes = 0;
    let points = 0;
    while (bytes + block.length <= TARGET_BYTES) {
      await handle.write(block);
      bytes += block.length;
      points += 2 * blockSteps;
    }
    return { bytes, points };
  } finally {
    await handle.close();
  }
}

/**
 * Writes one event file of `bytes` bytes of TF2-style tensor scalars (`tags`, one event a step, steps
 * counting up from 0), building records straight into a buffer: encoding through the test writer would
 * take minutes for a gigabyte. The reader checks every checksum, so a slip here shows as a corrupt file.
 */
async function writeScalarFile(file: string, bytes: number, tags: readonly string[]): Promise<number> {
  const encoder = new TextEncoder();
  const tagBytes = tags.map((t) => encoder.encode(t));
  const chunk = Buffer.alloc(8 * MB);
  const view = new DataView(chunk.buffer, chunk.byteOffset, chunk.byteLength);
  const handle = await fs.open(file, 'w');
  let written = 0;
  let step = 0;
  let points = 0;
  try {
    while (written < bytes) {
      let at = 0;
      while (at < chunk.length - 256 && written + at < bytes) {
        // Event { wall_time 1, step 2, summary 5 { value 1 { tag 1, metadata 9 (first step), tensor 8 } } }
        const start = at + 12;
        let p = start;
        chunk[p++] = 0x09;
        view.setFloat64(p, 1700000000 + step * 0.01, true);
        p += 8;
        if (step > 0) {
          chunk[p++] = 0x10;
          for (let v = step; ; v = Math.floor(v / 128)) {
            if (v < 128) {
              chunk[p++] = v;
              break;
            }
            chunk[p++] = (v & 0x7f) | 0x80;
          }
        }
        chunk[p++] = 0x2a;
        const summaryLength = p++;
        const summaryStart = p;
        for (let t = 0; t < tagBytes.length; t++) {
          const tag = tagBytes[t];
          chunk[p++] = 0x0a;
          const valueLength = p++;
          const valueStart = p;
          chunk[p++] = 0x0a;
          chunk[p++] = tag.length;
          chunk.set(tag, p);
          p += tag.length;
          if (step === 0) {
            // metadata { plugin_data { plugin_name "scalars" } }
            chunk.set([0x4a, 0x0b, 0x0a, 0x09, 0x0a, 0x07, ...encoder.encode('scalars')], p);
            p += 13;
          }
          // tensor { dtype 1 (float), tensor_shape {}, tensor_content 4 bytes }
          chunk.set([0x42, 0x0a, 0x08, 0x01, 0x12, 0x00, 0x22, 0x04], p);
          p += 8;
          view.setFloat32(p, (t + 1) / (1 + step * 0.001), true);
          p += 4;
          chunk[valueLength] = p - valueStart;
          points++;
        }
        chunk[summaryLength] = p - summaryStart;
        const length = p - start;
        view.setUint32(at, length, true);
        view.setUint32(at + 4, 0, true);
        view.setUint32(at + 8, maskedCrc32c(chunk, at, at + 8), true);
        view.setUint32(p, maskedCrc32c(chunk, start, p), true);
        at = p + 4;
        step++;
      }
      await handle.write(chunk, 0, at);
      written += at;
    }
  } finally {
    await handle.close();
  }
  return points;
}

interface FolderFigures {
  bytes: number;
  points: number;
  firstChartMs: number;
  firstPoints: number;
  readMs: number;
  cpuMs: number;
  polls: number;
  peakRssMb: number;
  peakHeapMb: number;
  rssBeforeMb: number;
  heapBeforeMb: number;
  keptPoints: number;
}

/** The log folder read as the viewer reads it, with what the first flush would post. */
async function readFolder(root: string): Promise<FolderFigures> {
  const baseline = process.memoryUsage();
  let peakRss = 0;
  let peakHeap = 0;
  const sample = () => {
    const m = process.memoryUsage();
    peakRss = Math.max(peakRss, m.rss);
    peakHeap = Math.max(peakHeap, m.heapUsed + m.arrayBuffers);
  };
  const started = performance.now();
  const cpuBefore = process.cpuUsage();
  const logs = new LogDirectory(root);
  let result = await logs.poll();
  let posted = 0;
  for (const run of logs.runs()) {
    for (const tag of run.tags) {
      const points = logs.series(run.name, tag)?.toPoints() ?? [];
      chartPlacement(run.name, tag);
      posted += JSON.stringify({ type: 'points', run: run.name, tag, points: encodePoints(points) }).length;
    }
  }
  const firstChartMs = performance.now() - started;
  const firstPoints = result.pointsRead;
  if (posted === 0) throw new Error('the first poll read no points');
  sample();
  let polls = 1;
  while (result.more) {
    result = await logs.poll();
    polls++;
    sample();
  }
  const readMs = performance.now() - started;
  const cpu = process.cpuUsage(cpuBefore);
  const status = logs.status();
  let keptPoints = 0;
  for (const run of logs.runs())
    for (const tag of run.tags) keptPoints += logs.series(run.name, tag)?.length ?? 0;
  return {
    bytes: status.bytes,
    points: status.points,
    firstChartMs,
    firstPoints,
    readMs,
    cpuMs: (cpu.user + cpu.system) / 1000,
    polls,
    peakRssMb: peakRss / MB,
    peakHeapMb: peakHeap / MB,
    rssBeforeMb: baseline.rss / MB,
    heapBeforeMb: (baseline.heapUsed + baseline.arrayBuffers) / MB,
    keptPoints,
  };
}

/** 4 runs, each `train/` (batch and epoch scalars) and a smaller `validation/`, `folderBytes` in all. */
export async function writeFolder(root: string, folderBytes = FOLDER_BYTES): Promise<number> {
  let points = 0;
  const runs = 4;
  for (let r = 0; r < runs; r++) {
    const run = path.join(root, `2024010${r + 1}-120000`);
    await fs.mkdir(path.join(run, 'train'), { recursive: true });
    await fs.mkdir(path.join(run, 'validation'), { recursive: true });
    points += await writeScalarFile(
      path.join(run, 'train', `events.out.tfevents.${1700000000 + r}.bench.${r}.0.v2`),
      (folderBytes / runs) * 0.9,
      ['batch_loss', 'batch_accuracy'],
    );
    points += await writeScalarFile(
      path.join(run, 'validation', `events.out.tfevents.${1700000000 + r}.bench.${r}.1.v2`),
      (folderBytes / runs) * 0.1,
      ['evaluation_loss_vs_iterations', 'evaluation_accuracy_vs_iterations'],
    );
  }
  return points;
}

async function benchFolder(): Promise<Row[]> {
  const root = await fs.mkdtemp(path.join(os.tmpdir(), 'bench-tfevents-folder-'));
  try {
    const written = await writeFolder(root);
    const f = await readFolder(root);
    if (f.points !== written) throw new Error(`read ${f.points} of ${written} points`);
    const gb = f.bytes / 1024 / MB;
    const label = gb >= 1 ? `${round(gb)} GB` : `${Math.round(f.bytes / MB)} MB`;
    return [
      {
        suite: 'tfevents',
        name: `first chart, ${label} folder`,
        ms: round(f.firstChartMs),
        points: f.firstPoints,
        bytes: f.bytes,
      },
      {
        suite: 'tfevents',
        name: `read ${label} folder (8 files, 4 runs)`,
        mbPerSec: round(f.bytes / MB / (f.readMs / 1000)),
        ms: round(f.readMs),
        cpuMs: round(f.cpuMs),
        polls: f.polls,
        points: f.points,
        keptPoints: f.keptPoints,
        peakRssMb: round(f.peakRssMb),
        rssBeforeMb: round(f.rssBeforeMb),
        peakHeapMb: round(f.peakHeapMb),
        heapBeforeMb: round(f.heapBeforeMb),
      },
    ];
  } finally {
    await fs.rm(root, { recursive: true, force: true });
  }
}

export async function benchTfevents(): Promise<Row[]> {
  // The folder first, so that its memory figures start from a process that has read nothing yet.
  const folderRows = await benchFolder();
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'bench-tfevents-'));
  try {
    const file = path.join(dir, 'events.out.tfevents.1700000000.bench');
    const { points } = await writeBenchFile(file);
    const { size } = await fs.stat(file);
    // Wall and CPU time of each read; the median read is reported. CPU time says what the reader costs
    // when other processes share the cores.
    const times: { ms: number; cpuMs: number }[] = [];
    for (let run = 0; run < 3; run++) {
      const started = performance.now();
      const cpuBefore = process.cpuUsage();
      const result = await readEventFile(file);
      const cpu = process.cpuUsage(cpuBefore);
      times.push({ ms: performance.now() - started, cpuMs: (cpu.user + cpu.system) / 1000 });
      const read = [...result.points.values()].reduce((n, list) => n + list.length, 0);
      if (read !== points || result.warning)
        throw new Error(`read ${read} of ${points} points; ${result.warning}`);
    }
    const { ms, cpuMs } = times.sort((a, b) => a.ms - b.ms)[1];

    const crcBytes = new Uint8Array(64 * MB).map((_, i) => (i * 31) & 0xff);
    const crcStarted = performance.now();
    crc32c(crcBytes);
    const crcMs = performance.now() - crcStarted;

    return [
      {
        suite: 'tfevents',
        name: 'read 100 MB',
        mbPerSec: round(size / MB / (ms / 1000)),
        ms: round(ms),
        cpuMs: round(cpuMs),
        bytes: size,
        points,
        pointsPerSec: Math.round(points / (ms / 1000)),
      },
      { suite: 'tfevents', name: 'crc32c 64 MB', mbPerSec: round(64 / (crcMs / 1000)), ms: round(crcMs) },
      ...folderRows,
    ];
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
}

function round(x: number): number {
  return Math.round(x * 10) / 10;
}

if (require.main === module) {
  benchTfevents().then(
    (rows) => console.table(rows),
    (error: unknown) => {
      console.error(error);
      process.exitCode = 1;
    },
  );
}
