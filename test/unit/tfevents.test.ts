import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { crc32c, maskedCrc32c } from '../../src/extension/tensorboard/crc32c';
import { ProtoReader, ProtobufError } from '../../src/extension/tensorboard/protobuf';
import {
  EventFileTailer,
  LogDirectory,
  readEventFile,
  type PointsByTag,
} from '../../src/extension/tensorboard/reader';
import { scanRecords } from '../../src/extension/tensorboard/tfrecord';
import {
  concatBytes,
  encodeFileVersionEvent,
  encodeNonScalarEvent,
  encodeScalarEvent,
  frameRecord,
  referenceCrc32c,
  type ScalarToWrite,
} from '../helpers/tfeventsWriter';

const FIXTURES = path.join(__dirname, '..', 'fixtures', 'tfevents');

let tempDir: string;
beforeEach(async () => {
  tempDir = await fs.mkdtemp(path.join(os.tmpdir(), 'tfevents-'));
});
afterEach(async () => {
  await fs.rm(tempDir, { recursive: true, force: true });
});

/** A whole event file: file_version, then one event per step. */
function eventFile(
  steps: readonly { step: number; wallTime: number; scalars: ScalarToWrite[] }[],
): Uint8Array {
  return concatBytes([
    frameRecord(encodeFileVersionEvent(1700000000)),
    ...steps.map((s) => frameRecord(encodeScalarEvent(s.step, s.wallTime, s.scalars))),
  ]);
}

function only(points: PointsByTag, tag: string) {
  const list = points.get(tag);
  assert.ok(list, `tag ${tag} read (have: ${[...points.keys()].join(', ')})`);
  return list.toPoints();
}

describe('crc32c', () => {
  it('matches the standard check value and the RFC 3720 vectors', () => {
    assert.equal(crc32c(new TextEncoder().encode('123456789')), 0xe3069283);
    assert.equal(crc32c(new Uint8Array(0)), 0);
    assert.equal(crc32c(new Uint8Array(32)), 0x8a9136aa);
    assert.equal(crc32c(new Uint8Array(32).fill(0xff)), 0x62a8ab43);
    assert.equal(crc32c(Uint8Array.from({ length: 32 }, (_, i) => i)), 0x46dd794e);
    assert.equal(crc32c(Uint8Array.from({ length: 32 }, (_, i) => 31 - i)), 0x113fdb5c);
  });

  it('agrees with a byte-at-a-time CRC at every length and alignment', () => {
    const bytes = Uint8Array.from({ length: 300 }, (_, i) => (i * 151 + 7) & 0xff);
    for (let start = 0; start < 9; start++) {
      for (let end = start; end <= bytes.length; end += 7) {
        assert.equal(crc32c(bytes, start, end), referenceCrc32c(bytes, start, end), `[${start}, ${end})`);
      }
    }
  });

  it('agrees with a byte-at-a-time CRC on a view into a larger buffer, with or without its DataView', () => {
    const whole = Uint8Array.from({ length: 400 }, (_, i) => (i * 97 + 13) & 0xff);
    const bytes = whole.subarray(3, 350);
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    for (let start = 0; start < 5; start++) {
      for (let end = start; end <= bytes.length; end += 5) {
        const expected = referenceCrc32c(bytes, start, end);
        assert.equal(crc32c(bytes, start, end), expected, `[${start}, ${end})`);
        assert.equal(crc32c(bytes, start, end, view), expected, `[${start}, ${end}) with a view`);
      }
    }
  });

  it('masks as TFRecord does', () => {
    const crc = crc32c(new TextEncoder().encode('123456789'));
    const rotated = ((crc >>> 15) | (crc << 17)) >>> 0;
    assert.equal(maskedCrc32c(new TextEncoder().encode('123456789')), (rotated + 0xa282ead8) % 2 ** 32);
  });
});

describe('protobuf wire reader', () => {
  it('reads int64 varints exactly, negative ones as two’s complement', () => {
    const cases: [number[], number][] = [
      [[0x00], 0],
      [[0x96, 0x01], 150],
      [[0xff, 0xff, 0xff, 0xff, 0x0f], 0xffffffff],
      [[0x80, 0x80, 0x80, 0x80, 0x10], 2 ** 32],
      [[0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x0f], 2 ** 53 - 1],
      [[0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01], -1],
      [[0xfe, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01], -2],
    ];
    for (const [bytes, value] of cases) {
      const reader = new ProtoReader(Uint8Array.from(bytes));
      assert.equal(reader.int64(), value, `varint ${bytes.join(',')}`);
      assert.ok(reader.done);
    }
  });

  it('skips every wire type, groups included', () => {
    // field 1 varint 300, field 2 fixed64, field 3 bytes "ab", field 4 group { field 1 varint 1 }, field 5 fixed32
    const bytes = Uint8Array.from([
      0x08, 0xac, 0x02, 0x11, 1, 2, 3, 4, 5, 6, 7, 8, 0x1a, 2, 0x61, 0x62, 0x23, 0x08, 0x01, 0x24, 0x2d, 1, 2,
      3, 4, 0x30, 0x07,
    ]);
    const reader = new ProtoReader(bytes);
    const seen: number[] = [];
    while (!reader.done) {
      const key = reader.key();
      if (key >>> 3 === 6) seen.push(reader.uint32());
      else reader.skip(key & 7);
    }
    assert.deepEqual(seen, [7]);
  });

  it('refuses fields that run past the end', () => {
    assert.throws(() => new ProtoReader(Uint8Array.from([0x0a, 0x05, 0x61])).skip(2), ProtobufError);
    assert.throws(() => new ProtoReader(Uint8Array.from([0x01, 0x02]), 0, 2).double(), ProtobufError);
    assert.throws(() => new ProtoReader(Uint8Array.from([0x80, 0x80])).int64(), ProtobufError);
  });
});

describe('event files written by other programs', () => {
  it('reads TensorFlow 2 tensor scalars back exactly', async () => {
    const dir = path.join(FIXTURES, 'tf2-tensor-scalars');
    const [file] = await fs.readdir(dir);
    const { points, warning } = await readEventFile(path.join(dir, file));
    assert.equal(warning, undefined);
    assert.deepEqual([...points.keys()], ['my_metric']);
    const metric = only(points, 'my_metric');
    assert.deepEqual(
      metric.map((p) => p.step),
      Array.from({ length: 100 }, (_, i) => i),
    );
    assert.deepEqual(
      metric.map((p) => p.value),
      Array.from({ length: 100 }, (_, i) => 0.5 * i),
    );
    assert.equal(metric[0].wallTime, 1585499054.13341);
    assert.equal(metric[99].wallTime, 1585499054.156347);
    for (let i = 1; i < metric.length; i++) assert.ok(metric[i].wallTime >= metric[i - 1].wallTime);
  });

  it('reads PyTorch simple_value scalars back exactly', async () => {
    const dir = path.join(FIXTURES, 'pytorch-simple-value');
    const [file] = await fs.readdir(dir);
    const { points, warning } = await readEventFile(path.join(dir, file));
    assert.equal(warning, undefined);
    assert.deepEqual([...points.keys()], ['y=x']);
    const line = only(points, 'y=x');
    assert.deepEqual(
      line.map((p) => [p.step, p.value]),
      Array.from({ length: 100 }, (_, i) => [i, i]),
    );
    assert.equal(line[0].wallTime, 1662121387.5270739);
    assert.equal(line[99].wallTime, 1662121387.544062);
  });

  it('finds both fixtures as runs of one log folder', async () => {
    const logs = new LogDirectory(FIXTURES);
    const result = await logs.poll();
    assert.deepEqual(result.warnings, []);
    assert.ok(result.runsChanged);
    assert.deepEqual(logs.runs(), [
      { name: 'pytorch-simple-value', tags: ['y=x'] },
      { name: 'tf2-tensor-scalars', tags: ['my_metric'] },
    ]);
    assert.equal(logs.points('tf2-tensor-scalars', 'my_metric').length, 100);
    const again = await logs.poll();
    assert.equal(again.pointsRead, 0, 'nothing new on a second poll');
    assert.equal(again.runsChanged, false);
  });
});

describe('event files written by the tests', () => {
  it('reads every scalar encoding, several tags an event, and skips other plugins', async () => {
    const file = path.join(tempDir, 'events.out.tfevents.1.host');
    const steps = [0, 1, 2, 1000, 2 ** 40].map((step, i) => ({
      step,
      wallTime: 1700000000.25 + i,
      scalars: [
        { tag: 'loss', value: 1 / (i + 1) },
        { tag: 'tf2/content', value: i + 0.5, encoding: 'tensor_content' as const },
        { tag: 'tf2/packed', value: -i, encoding: 'float_val_packed' as const },
        { tag: 'tf2/unpacked', value: i * 3, encoding: 'float_val_unpacked' as const },
        { tag: 'tf2/double', value: Math.PI * i, encoding: 'double_val' as const },
        { tag: 'text/summary', value: 1, encoding: 'tensor_content' as const, plugin: 'text' },
      ],
    }));
    await fs.writeFile(file, eventFile(steps));
    const { points, warning } = await readEventFile(file);
    assert.equal(warning, undefined);
    assert.deepEqual([...points.keys()].sort(), [
      'loss',
      'tf2/content',
      'tf2/double',
      'tf2/packed',
      'tf2/unpacked',
    ]);
    const f32 = Math.fround;
    assert.deepEqual(
      only(points, 'loss'),
      steps.map((s, i) => ({ step: s.step, wallTime: s.wallTime, value: f32(1 / (i + 1)) })),
    );
    assert.deepEqual(
      only(points, 'tf2/content').map((p) => p.value),
      [0.5, 1.5, 2.5, 3.5, 4.5],
    );
    assert.deepEqual(
      only(points, 'tf2/packed').map((p) => p.value),
      [-0, -1, -2, -3, -4],
    );
    assert.deepEqual(
      only(points, 'tf2/unpacked').map((p) => p.value),
      [0, 3, 6, 9, 12],
    );
    assert.deepEqual(
      only(points, 'tf2/double').map((p) => p.value),
      [0, 1, 2, 3, 4].map((i) => Math.PI * i),
    );
    assert.deepEqual(
      only(points, 'tf2/double').map((p) => p.step),
      [0, 1, 2, 1000, 2 ** 40],
    );
  });

  it('keeps NaN and infinities, as TensorBoard shows them', async () => {
    const file = path.join(tempDir, 'events.out.tfevents.2.host');
    await fs.writeFile(
      file,
      eventFile(
        [NaN, Infinity, -Infinity, 2].map((value, step) => ({
          step,
          wallTime: 1,
          scalars: [{ tag: 'loss', value, encoding: 'tensor_content' as const }],
        })),
      ),
    );
    const { points } = await readEventFile(file);
    assert.deepEqual(
      only(points, 'loss').map((p) => p.value),
      [NaN, Infinity, -Infinity, 2],
    );
  });

  it('uses the plugin from the first value of a tag when later values carry no metadata', async () => {
    const file = path.join(tempDir, 'events.out.tfevents.3.host');
    const steps = [0, 1, 2].map((step) => ({
      step,
      wallTime: 10 + step,
      scalars: [
        {
          tag: 'epoch_loss',
          value: step,
          encoding: 'tensor_content' as const,
          plugin: step === 0 ? 'scalars' : null,
        },
        {
          tag: 'hist',
          value: step,
          encoding: 'tensor_content' as const,
          plugin: step === 0 ? 'histograms' : null,
        },
      ],
    }));
    await fs.writeFile(file, eventFile(steps));
    const { points } = await readEventFile(file);
    assert.deepEqual([...points.keys()], ['epoch_loss']);
    assert.equal(only(points, 'epoch_loss').length, 3);
  });

  it('reads TF2 float tensors that carry no metadata (every value of a tag after its first) exactly', async () => {
    const file = path.join(tempDir, 'events.out.tfevents.3b.host');
    const values = [0.1, -2.5, NaN, Infinity, -Infinity, 3e38, 1e-45, 0];
    // Tags of 1, 127 and 128 bytes: the last needs a two-byte length, which the common layout does not have.
    const tags = ['l', 'a'.repeat(127), 'b'.repeat(128)];
    const steps = values.map((value, step) => ({
      step,
      wallTime: 1700000000.5 + step,
      scalars: tags.map((tag) => ({
        tag,
        value,
        encoding: 'tensor_content' as const,
        plugin: step === 0 ? 'scalars' : null,
      })),
    }));
    await fs.writeFile(file, eventFile(steps));
    const { points, warning } = await readEventFile(file);
    assert.equal(warning, undefined);
    for (const tag of tags) {
      assert.deepEqual(
        only(points, tag),
        steps.map((s, i) => ({ step: s.step, wallTime: s.wallTime, value: Math.fround(values[i]) })),
        `${tag.length}-byte tag`,
      );
    }
  });

  it('reads records larger than one read chunk between scalar records', async () => {
    const file = path.join(tempDir, 'events.out.tfevents.4.host');
    await fs.writeFile(
      file,
      concatBytes([
        frameRecord(encodeScalarEvent(1, 1, [{ tag: 'a', value: 1 }])),
        frameRecord(encodeNonScalarEvent(1, 1, 'weights', 6 * 1024 * 1024)),
        frameRecord(encodeScalarEvent(2, 2, [{ tag: 'a', value: 2 }])),
      ]),
    );
    const { points, warning } = await readEventFile(file);
    assert.equal(warning, undefined);
    assert.deepEqual(
      only(points, 'a').map((p) => p.value),
      [1, 2],
    );
  });
});

describe('tailing event files', () => {
  it('reads only what was appended, piece by piece, waiting on partial records', async () => {
    const file = path.join(tempDir, 'events.out.tfevents.5.host');
    const records = [frameRecord(encodeFileVersionEvent(1))];
    for (let step = 0; step < 40; step++) {
      const encoding = step % 2 ? ('simple_value' as const) : ('tensor_content' as const);
      records.push(
        frameRecord(encodeScalarEvent(step, 100 + step, [{ tag: 'epoch_loss', value: step, encoding }])),
      );
    }
    const bytes = concatBytes(records);
    // Record boundaries, to know how many whole records each prefix holds.
    const ends: number[] = [];
    records.reduce((at, r) => (ends.push(at + r.length), at + r.length), 0);
    await fs.writeFile(file, new Uint8Array(0));
    const tailer = new EventFileTailer(file);
    const seen: number[] = [];
    let written = 0;
    // Pieces of odd sizes cut headers, data and checksums at every position.
    for (const size of [1, 5, 7, 11, 3, 17, 64, 2, 9, 13, 200, 31, 8, 1000]) {
      const end = Math.min(bytes.length, written + size);
      await fs.appendFile(file, bytes.subarray(written, end));
      written = end;
      const { points, warning } = await tailer.read();
      assert.equal(warning, undefined);
      for (const p of points.get('epoch_loss')?.toPoints() ?? []) seen.push(p.step);
      const whole = ends.filter((e) => e <= written).length;
      assert.equal(tailer.offset, whole ? ends[whole - 1] : 0, `offset after ${written} bytes`);
      assert.equal(tailer.pendingBytes, written - tailer.offset);
      assert.deepEqual(
        seen,
        Array.from({ length: Math.max(0, whole - 1) }, (_, i) => i),
      );
      if (written === bytes.length) break;
    }
    while (written < bytes.length) {
      await fs.appendFile(file, bytes.subarray(written, written + 500));
      written = Math.min(bytes.length, written + 500);
      for (const p of (await tailer.read()).points.get('epoch_loss')?.toPoints() ?? []) seen.push(p.step);
    }
    assert.deepEqual(
      seen,
      Array.from({ length: 40 }, (_, i) => i),
    );
    assert.equal(tailer.pendingBytes, 0);
    assert.equal((await tailer.read()).points.size, 0, 'nothing is read twice');
  });

  it('stops a file at a bad data checksum, keeping the points before it', async () => {
    const file = path.join(tempDir, 'events.out.tfevents.6.host');
    const good = frameRecord(encodeScalarEvent(1, 1, [{ tag: 'loss', value: 1 }]));
    const bad = frameRecord(encodeScalarEvent(2, 2, [{ tag: 'loss', value: 2 }]));
    bad[bad.length - 6] ^= 0x01; // one bit of the value
    const after = frameRecord(encodeScalarEvent(3, 3, [{ tag: 'loss', value: 3 }]));
    await fs.writeFile(file, concatBytes([good, bad, after]));
    const tailer = new EventFileTailer(file);
    const first = await tailer.read();
    assert.deepEqual(
      only(first.points, 'loss').map((p) => p.step),
      [1],
    );
    assert.match(
      first.warning ?? '',
      /checksum of a record does not match at byte \d+; the points before it are kept/,
    );
    assert.equal(tailer.offset, good.length);
    assert.ok(tailer.stopped);
    await fs.appendFile(file, after);
    const second = await tailer.read();
    assert.equal(second.points.size, 0, 'a stopped file is not read again');
    assert.equal(second.warning, undefined, 'the warning is given once');
  });

  it('stops a file at a bad length checksum', async () => {
    const file = path.join(tempDir, 'events.out.tfevents.7.host');
    const good = frameRecord(encodeScalarEvent(1, 1, [{ tag: 'loss', value: 1 }]));
    const bad = frameRecord(encodeScalarEvent(2, 2, [{ tag: 'loss', value: 2 }]));
    bad[8] ^= 0x80;
    await fs.writeFile(file, concatBytes([good, bad]));
    const { points, warning } = await readEventFile(file);
    assert.equal(only(points, 'loss').length, 1);
    assert.match(warning ?? '', /checksum of a record length does not match/);
  });

  it('waits on a truncated tail while tailing and reports it once the file is final', async () => {
    const file = path.join(tempDir, 'events.out.tfevents.8.host');
    const bytes = eventFile(
      [1, 2, 3].map((step) => ({ step, wallTime: step, scalars: [{ tag: 'loss', value: step }] })),
    );
    await fs.writeFile(file, bytes.subarray(0, bytes.length - 3));
    const tailer = new EventFileTailer(file);
    const tail = await tailer.read();
    assert.equal(tail.warning, undefined);
    assert.equal(only(tail.points, 'loss').length, 2);
    assert.ok(tailer.pendingBytes > 0);
    const once = await readEventFile(file);
    assert.equal(only(once.points, 'loss').length, 2);
    assert.match(once.warning ?? '', /ends inside a record/);
  });

  it('reads an empty file as no points and no warning, then what is appended', async () => {
    const file = path.join(tempDir, 'events.out.tfevents.9.host');
    await fs.writeFile(file, new Uint8Array(0));
    assert.deepEqual(await readEventFile(file), { points: new Map() });
    const tailer = new EventFileTailer(file);
    assert.equal((await tailer.read()).points.size, 0);
    await fs.appendFile(file, frameRecord(encodeScalarEvent(4, 4, [{ tag: 'acc', value: 0.5 }])));
    assert.deepEqual(only((await tailer.read()).points, 'acc'), [{ step: 4, wallTime: 4, value: 0.5 }]);
  });

  it('scans frames without decoding them', () => {
    const bytes = concatBytes([frameRecord(Uint8Array.of(1, 2, 3)), frameRecord(new Uint8Array(0))]);
    const ranges: [number, number][] = [];
    assert.deepEqual(
      scanRecords(bytes, (s, e) => ranges.push([s, e])),
      { consumed: bytes.length, end: { kind: 'complete' } },
    );
    assert.deepEqual(ranges, [
      [12, 15],
      [31, 31],
    ]);
  });
});

describe('log folders', () => {
  it('treats every folder with event files as a run, and follows new files and runs', async () => {
    // The layout Keras' TensorBoard callback writes.
    await fs.mkdir(path.join(tempDir, '20240101-120000', 'train'), { recursive: true });
    await fs.mkdir(path.join(tempDir, '20240101-120000', 'validation'), { recursive: true });
    await fs.mkdir(path.join(tempDir, 'empty'));
    await fs.writeFile(path.join(tempDir, 'notes.txt'), 'not an event file');
    const write = (run: string, name: string, steps: number[], tag: string) =>
      fs.appendFile(
        path.join(tempDir, run, name),
        concatBytes(
          steps.map((step) =>
            frameRecord(encodeScalarEvent(step, step, [{ tag, value: step, encoding: 'tensor_content' }])),
          ),
        ),
      );
    await write('20240101-120000/train', 'events.out.tfevents.100.host.1.v2', [0, 1], 'epoch_loss');
    await write('20240101-120000/validation', 'events.out.tfevents.100.host.2.v2', [0], 'epoch_loss');
    const logs = new LogDirectory(tempDir);
    const first = await logs.poll();
    assert.ok(first.runsChanged);
    assert.deepEqual(logs.runs(), [
      { name: '20240101-120000/train', tags: ['epoch_loss'] },
      { name: '20240101-120000/validation', tags: ['epoch_loss'] },
    ]);

    await write('20240101-120000/train', 'events.out.tfevents.100.host.1.v2', [2], 'epoch_loss');
    await write('20240101-120000/train', 'events.out.tfevents.200.host.1.v2', [3], 'epoch_loss');
    await write('.', 'events.out.tfevents.300.host', [7], 'lr');
    const second = await logs.poll();
    assert.ok(second.runsChanged, 'the root folder became a run');
    assert.equal(second.pointsRead, 3, 'the two train points and the new run’s one');
    assert.deepEqual(
      logs.points('20240101-120000/train', 'epoch_loss').map((p) => p.step),
      [0, 1, 2, 3],
    );
    assert.deepEqual(
      logs.runs().map((r) => r.name),
      ['.', '20240101-120000/train', '20240101-120000/validation'],
    );
  });

  it('reports a corrupt file as a warning naming its run and keeps reading the others', async () => {
    await fs.mkdir(path.join(tempDir, 'a'));
    await fs.mkdir(path.join(tempDir, 'b'));
    const bad = frameRecord(encodeScalarEvent(1, 1, [{ tag: 'x', value: 1 }]));
    bad[20] ^= 0xff;
    await fs.writeFile(path.join(tempDir, 'a', 'events.out.tfevents.1'), bad);
    await fs.writeFile(
      path.join(tempDir, 'b', 'events.out.tfevents.1'),
      frameRecord(encodeScalarEvent(1, 1, [{ tag: 'x', value: 1 }])),
    );
    const logs = new LogDirectory(tempDir);
    const result = await logs.poll();
    assert.equal(result.warnings.length, 1);
    assert.match(result.warnings[0], /^a: events\.out\.tfevents\.1: the checksum/);
    assert.deepEqual(logs.runs(), [{ name: 'b', tags: ['x'] }]);
  });

  it('says so when the log folder does not exist', async () => {
    const result = await new LogDirectory(path.join(tempDir, 'missing')).poll();
    assert.equal(result.warnings.length, 1);
    assert.match(result.warnings[0], /ENOENT/);
  });
});
