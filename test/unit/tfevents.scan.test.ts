import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as path from 'node:path';
import { maskedCrc32c } from '../../src/extension/tensorboard/crc32c';
import { ScalarDecoder, type EventSink } from '../../src/extension/tensorboard/events';
import { RecordScanner, scanRecords, type ScanResult } from '../../src/extension/tensorboard/tfrecord';
import { concatBytes, encodeScalarEvent, frameRecord } from '../helpers/tfeventsWriter';

/** A fixed-seed xorshift32, so that a failure can be replayed. */
function random(seed: number): (n: number) => number {
  let x = seed;
  return (n) => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return Math.floor(((x >>> 0) / 4294967296) * n);
  };
}

/** What scanRecords and the WebAssembly scanner report for `bytes`: the records' ranges and the end. */
function scanBoth(bytes: Uint8Array, scanner: RecordScanner) {
  const js: [number, number][] = [];
  const jsResult = scanRecords(bytes, (s, e) => js.push([s, e]));
  scanner.reserve(bytes.length);
  scanner.chunk.set(bytes);
  const wasm: [number, number][] = [];
  const wasmResult: ScanResult = scanner.scan(bytes.length, (s, e) => wasm.push([s, e]));
  return { js, jsResult, wasm, wasmResult };
}

describe('the WebAssembly record scanner', () => {
  it('finds what scanRecords finds in whole, cut and corrupted bytes, with the same reasons', () => {
    const next = random(0x5eed);
    const records: Uint8Array[] = [];
    // Lengths around every tail the checksum loops have (16, 8, 4 and single bytes), and a long one.
    for (let i = 0; i < 200; i++) {
      const length = i === 100 ? 40_000 : next(i % 2 ? 40 : 300);
      records.push(frameRecord(Uint8Array.from({ length }, () => next(256))));
    }
    const whole = concatBytes(records);
    const scanner = new RecordScanner(16);
    const cases: [string, Uint8Array][] = [['whole', whole]];
    for (let i = 0; i < 60; i++) cases.push([`cut at ${i}`, whole.subarray(0, next(whole.length))]);
    for (let i = 0; i < 200; i++) {
      const at = next(whole.length);
      const flipped = whole.slice();
      flipped[at] ^= 1 << next(8);
      cases.push([`bit flipped at ${at}`, flipped]);
    }
    // A length over 256 MiB whose own checksum is right.
    const huge = frameRecord(new Uint8Array(4));
    const view = new DataView(huge.buffer, huge.byteOffset);
    view.setUint32(0, 257 * 1024 * 1024, true);
    view.setUint32(8, maskedCrc32c(huge, 0, 8), true);
    cases.push(['a record over 256 MiB', concatBytes([records[0], huge])]);
    const kinds = new Set<string>();
    for (const [name, bytes] of cases) {
      const { js, jsResult, wasm, wasmResult } = scanBoth(bytes, scanner);
      assert.deepEqual(wasmResult, jsResult, name);
      assert.deepEqual(wasm, js, name);
      kinds.add(jsResult.end.kind === 'corrupt' ? jsResult.end.reason : jsResult.end.kind);
    }
    assert.deepEqual([...kinds].sort(), [
      'a record is larger than 256 MiB',
      'complete',
      'partial',
      'the checksum of a record does not match',
      'the checksum of a record length does not match',
    ]);
  });

  it('reports every record of a chunk holding more than one call lists', () => {
    const bytes = concatBytes(Array.from({ length: 40_000 }, (_, i) => frameRecord(Uint8Array.of(i & 0xff))));
    const { js, jsResult, wasm, wasmResult } = scanBoth(bytes, new RecordScanner(bytes.length));
    assert.equal(wasm.length, 40_000);
    assert.deepEqual(wasmResult, jsResult);
    assert.deepEqual(wasm, js);
  });

  it('keeps its chunk when it grows, and refuses more bytes than it holds', () => {
    const scanner = new RecordScanner(100);
    const capacity = scanner.capacity;
    scanner.chunk[0] = 42;
    scanner.reserve(capacity + 1);
    assert.ok(scanner.capacity > capacity);
    assert.equal(scanner.chunk[0], 42);
    assert.throws(() => scanner.scan(scanner.capacity + 1, () => {}), RangeError);
  });

  it('is the module scripts/build-tfrecord-wasm.mjs writes', function () {
    this.timeout(30_000);
    execFileSync(
      process.execPath,
      [path.join(__dirname, '../../scripts/build-tfrecord-wasm.mjs'), '--check'],
      {
        stdio: 'pipe',
      },
    );
  });
});

describe('the scalar decoder on reused buffers', () => {
  it('knows a tag again after the buffer it was first read from is overwritten, and batches its points', () => {
    const seen: [string, number, number, number][] = [];
    const sink: EventSink = {
      scalar: (tag, step, _wallTime, value, tagId) => seen.push([tag, tagId, step, value]),
      sessionStart() {},
      otherValue() {},
      otherRecord() {},
    };
    const decoder = new ScalarDecoder();
    // One buffer, as a tailer's chunk is: every event is written over the one before.
    const chunk = Buffer.alloc(256);
    const view = new DataView(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    for (let step = 1; step <= 600; step++) {
      const tag = step % 3 === 0 ? 'epoch_accuracy' : 'epoch_loss';
      const event = encodeScalarEvent(step, step, [{ tag, value: step / 4, encoding: 'tensor_content' }]);
      chunk.fill(0xee);
      chunk.set(event);
      decoder.decode(chunk, 0, event.length, view, sink);
    }
    decoder.flush();
    assert.equal(seen.length, 600);
    const ids = new Map(seen.map(([tag, id]) => [tag, id]));
    assert.deepEqual([...ids.keys()].sort(), ['epoch_accuracy', 'epoch_loss']);
    for (const [tag, id, step, value] of seen) {
      assert.equal(id, ids.get(tag), `${tag} at step ${step} has one number`);
      assert.equal(value, step / 4);
    }
    assert.deepEqual(
      seen.map(([, , step]) => step),
      Array.from({ length: 600 }, (_, i) => i + 1),
      'in order',
    );
  });
});
