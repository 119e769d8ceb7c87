// Hostile and unlucky event files (issue 20): a deeply nested record, a file with very many tags,
// symbolic links in the log folder, and an event file deleted and written again under the same name.
import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { LogDirectory } from '../../src/extension/tensorboard/reader';
import {
  concatBytes,
  encodeFileVersionEvent,
  encodeScalarEvent,
  frameRecord,
} from '../helpers/tfeventsWriter';

let tempDir: string;
beforeEach(async () => {
  tempDir = await fs.mkdtemp(path.join(os.tmpdir(), 'tfevents-hardening-'));
});
afterEach(async () => {
  await fs.rm(tempDir, { recursive: true, force: true });
});

function lossRecords(steps: readonly number[], value: (step: number) => number): Uint8Array[] {
  return steps.map((step) =>
    frameRecord(encodeScalarEvent(step, 1700000000 + step, [{ tag: 'loss', value: value(step) }])),
  );
}

const range = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => from + i);

describe('event files that try to break the reader', () => {
  it('skips a record of 200,000 nested groups once, keeping the points before and after it', async () => {
    // A valid-CRC record whose Event is 200,000 start-group keys of field 1 (key 0x0b), never closed.
    const nested = frameRecord(new Uint8Array(200_000).fill(0x0b));
    const file = path.join(tempDir, 'events.out.tfevents.1.host');
    await fs.writeFile(
      file,
      concatBytes([
        frameRecord(encodeFileVersionEvent(1700000000)),
        ...lossRecords(range(0, 20), (s) => s),
        nested,
        ...lossRecords(range(20, 25), (s) => s),
      ]),
    );
    const logs = new LogDirectory(tempDir);
    const first = await logs.poll();
    assert.equal(first.warnings.length, 1, first.warnings.join('\n'));
    assert.match(first.warnings[0], /skipped 1 record/);
    assert.deepEqual(
      logs.points('.', 'loss').map((p) => p.step),
      range(0, 25),
    );
    const second = await logs.poll();
    assert.deepEqual(second.warnings, [], 'the warning is not repeated on the next poll');
    assert.equal(logs.points('.', 'loss').length, 25);
  });

  it('keeps memory in proportion to the points kept, not 64 points a tag', async () => {
    const tags = range(0, 500).map((i) => `metric_${i}`);
    const file = path.join(tempDir, 'events.out.tfevents.2.host');
    await fs.writeFile(
      file,
      concatBytes([
        frameRecord(
          encodeScalarEvent(
            1,
            1,
            tags.map((tag) => ({ tag, value: 1 })),
          ),
        ),
        ...range(0, 1000).map((step) =>
          frameRecord(encodeScalarEvent(step + 2, 2, [{ tag: 'long', value: step }])),
        ),
      ]),
    );
    const logs = new LogDirectory(tempDir);
    await logs.poll();
    const [run] = logs.runs();
    assert.equal(run.tags.length, 501);
    let kept = 0;
    let allocated = 0;
    for (const tag of run.tags) {
      const series = logs.series('.', tag);
      assert.ok(series);
      kept += series.length;
      allocated += series.steps.length;
    }
    assert.equal(kept, 1500);
    assert.ok(allocated <= 2 * kept + 64, `${allocated} points of room for ${kept} points`);
  });

  it('reads the first N tags of a file with very many and says how many were left out', async () => {
    const tags = range(0, 2000).map((i) => `t${i}`);
    await fs.writeFile(
      path.join(tempDir, 'events.out.tfevents.3.host'),
      concatBytes(
        range(0, 20).map((k) =>
          frameRecord(
            encodeScalarEvent(
              k,
              k,
              tags.slice(k * 100, k * 100 + 100).map((tag) => ({ tag, value: k })),
            ),
          ),
        ),
      ),
    );
    const logs = new LogDirectory(tempDir, { maxTags: 100 });
    const result = await logs.poll();
    assert.equal(logs.runs()[0].tags.length, 100);
    assert.deepEqual(result.warnings, ['showing the first 100 of 2000 tags']);
    assert.deepEqual((await logs.poll()).warnings, [], 'said once');
  });
});

describe('log folders with links and replaced files', () => {
  it('follows symbolic links to run folders and event files, and says which links it skipped', async () => {
    const outside = await fs.mkdtemp(path.join(os.tmpdir(), 'tfevents-outside-'));
    try {
      await fs.mkdir(path.join(outside, 'run-a'));
      await fs.writeFile(
        path.join(outside, 'run-a', 'events.out.tfevents.1.host'),
        concatBytes(lossRecords([1, 2], (s) => s)),
      );
      await fs.writeFile(
        path.join(outside, 'events.out.tfevents.2.host'),
        concatBytes(lossRecords([3], (s) => s)),
      );
      const logs = path.join(tempDir, 'logs');
      await fs.mkdir(path.join(logs, 'run-b'), { recursive: true });
      await fs.symlink(path.join(outside, 'run-a'), path.join(logs, 'run-a'));
      await fs.symlink(
        path.join(outside, 'events.out.tfevents.2.host'),
        path.join(logs, 'run-b', 'events.out.tfevents.2.host'),
      );
      await fs.symlink(path.join(outside, 'missing'), path.join(logs, 'events.out.tfevents.9.host'));
      await fs.symlink(logs, path.join(logs, 'run-b', 'loop'));
      const directory = new LogDirectory(logs);
      const result = await directory.poll();
      assert.deepEqual(directory.runs(), [
        { name: 'run-a', tags: ['loss'] },
        { name: 'run-b', tags: ['loss'] },
      ]);
      assert.equal(directory.points('run-a', 'loss').length, 2);
      assert.equal(directory.points('run-b', 'loss').length, 1);
      assert.equal(result.warnings.length, 2, result.warnings.join('\n'));
      assert.match(
        result.warnings.join('\n'),
        /events\.out\.tfevents\.9\.host: a symbolic link to .*missing.* that does not exist; skipped/,
      );
      assert.match(
        result.warnings.join('\n'),
        /run-b\/loop: a symbolic link to a folder already read \(a loop\); skipped/,
      );
      assert.deepEqual((await directory.poll()).warnings, [], 'said once');
    } finally {
      await fs.rm(outside, { recursive: true, force: true });
    }
  });

  it('reads an event file deleted and written again from its start, shorter or longer', async () => {
    const file = path.join(tempDir, 'events.out.tfevents.4.host');
    await fs.writeFile(file, concatBytes(lossRecords(range(0, 10), (s) => s)));
    const logs = new LogDirectory(tempDir);
    await logs.poll();
    assert.equal(logs.points('.', 'loss').length, 10);

    // Shorter: 3 new points.
    await fs.rm(file);
    await fs.writeFile(file, concatBytes(lossRecords(range(0, 3), (s) => 100 + s)));
    const shorter = await logs.poll();
    assert.deepEqual(
      logs.points('.', 'loss').map((p) => [p.step, p.value]),
      range(0, 3).map((s) => [s, 100 + s]),
    );
    assert.match(shorter.warnings.join('\n'), /was replaced; read again from the start/);

    // Longer: 15 new points, records the same size as before, so the old offset lands on a record.
    await fs.rm(file);
    await fs.writeFile(file, concatBytes(lossRecords(range(0, 15), (s) => 200 + s)));
    await logs.poll();
    assert.deepEqual(
      logs.points('.', 'loss').map((p) => [p.step, p.value]),
      range(0, 15).map((s) => [s, 200 + s]),
    );
  });
});
