/**
 * Bench of the TensorBoard event-file reader: generates a 100 MB event file of scalar events in a temp
 * folder (the worst case: many small records, every one checksummed and decoded), then reads it whole
 * the way the viewer does on open. `tsx scripts/bench-tfevents.ts` runs it alone.
 */
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { crc32c } from '../src/tensorboard/crc32c';
import { readEventFile } from '../src/tensorboard/reader';
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

export async function benchTfevents(): Promise<Row[]> {
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
