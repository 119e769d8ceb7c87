// One chunk of an event file, checked and decoded: the same code in the extension host (tailer.ts, when no
// worker runs) and in the decoding workers (worker.ts), which send what a chunk held back as a batch that
// `replay` hands to the host's sink in the same order.
import type { EventSink, HParamsData, RecordKind, ScalarDecoder } from './events';
import { scanRecords, type ScanEnd } from './tfrecord';

export interface ChunkOutcome {
  /** Bytes of whole, valid records from the start of the chunk. */
  readonly consumed: number;
  readonly end: ScanEnd;
  /** Records whose checksums were right but whose contents did not decode (skipped). */
  readonly malformed: number;
  /** Why the first of them did not decode. */
  readonly reason?: string;
}

/** Checks and decodes the records of `bytes` into `sink`; a record that does not decode is skipped and counted. */
export function decodeChunk(decoder: ScalarDecoder, bytes: Uint8Array, sink: EventSink): ChunkOutcome {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let malformed = 0;
  let reason: string | undefined;
  const result = scanRecords(bytes, (start, end) => {
    try {
      decoder.decode(bytes, start, end, view, sink);
    } catch (error) {
      // Whatever a record with valid checksums provokes (a ProtobufError, or a RangeError from
      // bytes no writer makes), it is one bad record: skipped, and the file goes on.
      malformed++;
      reason ??= error instanceof Error ? error.message : String(error);
    }
  });
  return { consumed: result.consumed, end: result.end, malformed, reason };
}

/**
 * What a chunk's events were, in order, as a worker posts them: four numbers an event in `ops`, and the
 * strings and hparams they name in side tables (a structured clone of these is cheap; of one object an
 * event, it is not). An op is `[tag, step, wallTime, value]` for a scalar (the tag an index into
 * `strings`), or a negative code: `[SESSION_START, step]`, `[OTHER_VALUE, tag, plugin]`,
 * `[OTHER_RECORD, kind]`, `[HPARAMS, index into hparams]`.
 */
export interface EventBatch {
  readonly ops: Float64Array;
  readonly count: number;
  readonly strings: readonly string[];
  readonly hparams: readonly HParamsData[];
}

const SESSION_START = -1;
const OTHER_VALUE = -2;
const OTHER_RECORD = -3;
const HPARAMS = -4;

/** A sink that records the events of a chunk into an EventBatch. */
export class BatchRecorder implements EventSink {
  private ops: Float64Array;
  private at = 0;
  private strings: string[] = [];
  private indexOf = new Map<string, number>();
  private hparamsList: HParamsData[] = [];

  constructor(private readonly initialOps = 4096) {
    this.ops = new Float64Array(initialOps * 4);
  }

  scalar(tag: string, step: number, wallTime: number, value: number): void {
    this.op(this.index(tag), step, wallTime, value);
  }

  sessionStart(step: number): void {
    this.op(SESSION_START, step, 0, 0);
  }

  otherValue(tag: string, plugin: string): void {
    this.op(OTHER_VALUE, this.index(tag), this.index(plugin), 0);
  }

  otherRecord(kind: RecordKind): void {
    this.op(OTHER_RECORD, this.index(kind), 0, 0);
  }

  hparams(data: HParamsData): void {
    this.op(HPARAMS, this.hparamsList.push(data) - 1, 0, 0);
  }

  /** The batch so far; the recorder starts a new one. */
  take(): EventBatch {
    const batch: EventBatch = {
      ops: this.ops,
      count: this.at / 4,
      strings: this.strings,
      hparams: this.hparamsList,
    };
    this.ops = new Float64Array(this.initialOps * 4);
    this.at = 0;
    this.strings = [];
    this.indexOf = new Map();
    this.hparamsList = [];
    return batch;
  }

  private index(text: string): number {
    let i = this.indexOf.get(text);
    if (i === undefined) this.indexOf.set(text, (i = this.strings.push(text) - 1));
    return i;
  }

  private op(a: number, b: number, c: number, d: number): void {
    let ops = this.ops;
    if (this.at === ops.length) {
      const grown = new Float64Array(ops.length * 2);
      grown.set(ops);
      this.ops = ops = grown;
    }
    const at = this.at;
    ops[at] = a;
    ops[at + 1] = b;
    ops[at + 2] = c;
    ops[at + 3] = d;
    this.at = at + 4;
  }
}

/** What decodeChunk and a worker give, on this thread: a chunk decoded into a batch. */
export function decodeToBatch(
  decoder: ScalarDecoder,
  bytes: Uint8Array,
  length: number,
): { outcome: ChunkOutcome; batch: EventBatch } {
  // Room for an op every 32 bytes to start with: a scalar event is about 90 bytes and holds one or two.
  const recorder = new BatchRecorder(Math.max(1024, length >> 5));
  const outcome = decodeChunk(decoder, bytes.subarray(0, length), recorder);
  return { outcome, batch: recorder.take() };
}

/** Hands a batch's events to `sink`, in the order they were decoded. */
export function replay(batch: EventBatch, sink: EventSink): void {
  const { ops, strings } = batch;
  const end = batch.count * 4;
  for (let at = 0; at < end; at += 4) {
    const code = ops[at];
    if (code >= 0) sink.scalar(strings[code], ops[at + 1], ops[at + 2], ops[at + 3]);
    else if (code === SESSION_START) sink.sessionStart(ops[at + 1]);
    else if (code === OTHER_VALUE) sink.otherValue(strings[ops[at + 1]], strings[ops[at + 2]]);
    else if (code === OTHER_RECORD) sink.otherRecord(strings[ops[at + 1]] as RecordKind);
    else if (code === HPARAMS) sink.hparams?.(batch.hparams[ops[at + 1]]);
  }
}
