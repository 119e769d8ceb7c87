// Decodes TensorBoard `Event` protos (tensorflow/core/util/event.proto) down to the scalars in them.
// Field numbers used:
//   Event:            wall_time 1 (double), step 2 (int64), file_version 3, graph_def 4, summary 5,
//                     session_log 7, tagged_run_metadata 8, meta_graph_def 9
//   SessionLog:       status 1 (START = 1)
//   Summary:          value 1 (repeated)
//   Summary.Value:    tag 1, simple_value 2 (float), image 4, histo 5, audio 6, tensor 8, metadata 9
//   SummaryMetadata:  plugin_data 1 → PluginData.plugin_name 1
//   TensorProto:      tensor.ts; the hparams plugin's data: hparams.ts
import { ProtoReader, WireType, decodeUtf8 } from './protobuf';
import { HPARAMS_PLUGIN, hparamsData, type HParamsData } from './hparams';
import { ScalarSeries } from './series';
import { scalarOfTensor } from './tensor';

export type { HParamsData } from './hparams';

/** Where decoded events go, in file order. */
export interface EventSink {
  /**
   * One scalar; wall time in seconds since the Unix epoch, as written. `tagId` is the decoder's number
   * for the tag, the same for every scalar of that tag from the same decoder (a sink may index by it
   * instead of looking the tag up), or -1 when the decoder has numbered as many tags as it keeps.
   */
  scalar(tag: string, step: number, wallTime: number, value: number, tagId: number): void;
  /**
   * Scalars in columns, the tag of each `batch.tags[batch.tagIds[i]]`: what `scalar` would have been
   * given for each, in the same order relative to every other call. Optional; without it the decoder
   * calls `scalar` for each. A batch is valid only during the call.
   */
  scalars?(batch: ScalarBatch): void;
  /** A `SessionLog` with status START at `step`: the job restarted, so later steps supersede earlier ones. */
  sessionStart(step: number): void;
  /** A value that is not a scalar (a histogram, an image, text…), with the plugin it belongs to. */
  otherValue(tag: string, plugin: string): void;
  /** A record with no summary: `file_version`, `graph`, `session_log`, `run_metadata` or `meta_graph`. */
  otherRecord(kind: RecordKind): void;
  /** The hparams plugin's record: a session's hyperparameters, or the experiment's metric tags. */
  hparams?(data: HParamsData): void;
}

/** Scalars the decoder read and has not passed on yet: `count` of them, in columns. */
export interface ScalarBatch {
  count: number;
  readonly tagIds: Int32Array;
  readonly steps: Float64Array;
  readonly wallTimes: Float64Array;
  readonly values: Float64Array;
  /** Tags by the decoder's number for them. */
  readonly tags: readonly string[];
}

/** Scalars a batch holds at most: 4 × 8 KB of columns, passed on in one call. */
const BATCH_POINTS = 1024;

export type RecordKind = 'file_version' | 'graph' | 'session_log' | 'run_metadata' | 'meta_graph';

/** Scalars by tag, kept whole (no sampling): what `readEventFile` returns. */
export type ScalarsByTag = Map<string, ScalarSeries>;

/** A sink that keeps every scalar in `points` and ignores the rest. */
export function collectScalars(points: ScalarsByTag): EventSink {
  return {
    scalar(tag, step, wallTime, value) {
      let series = points.get(tag);
      if (!series) points.set(tag, (series = new ScalarSeries()));
      series.push(step, wallTime, value);
    },
    scalars(batch) {
      const { tagIds, steps, wallTimes, values, tags } = batch;
      // Each tag looked up once a batch.
      const byTagId: ScalarSeries[] = [];
      for (let i = 0; i < batch.count; i++) {
        const id = tagIds[i];
        let series = byTagId[id];
        if (!series) {
          const tag = tags[id];
          series = points.get(tag) ?? new ScalarSeries();
          points.set(tag, (byTagId[id] = series));
        }
        series.push(steps[i], wallTimes[i], values[i]);
      }
    },
    sessionStart() {},
    otherValue() {},
    otherRecord() {},
  };
}

const SCALARS_PLUGIN = 'scalars';
const EMPTY = new Uint8Array(0);

const KEY_WALL_TIME = (1 << 3) | WireType.Fixed64;
const KEY_STEP = (2 << 3) | WireType.Varint;
const KEY_FILE_VERSION = (3 << 3) | WireType.LengthDelimited;
const KEY_GRAPH = (4 << 3) | WireType.LengthDelimited;
const KEY_SUMMARY = (5 << 3) | WireType.LengthDelimited;
const KEY_SESSION_LOG = (7 << 3) | WireType.LengthDelimited;
const KEY_RUN_METADATA = (8 << 3) | WireType.LengthDelimited;
const KEY_META_GRAPH = (9 << 3) | WireType.LengthDelimited;
const KEY_SESSION_STATUS = (1 << 3) | WireType.Varint;
const SESSION_START = 1;
const KEY_SUMMARY_VALUE = (1 << 3) | WireType.LengthDelimited;
const KEY_TAG = (1 << 3) | WireType.LengthDelimited;
const KEY_SIMPLE_VALUE = (2 << 3) | WireType.Fixed32;
const KEY_IMAGE = (4 << 3) | WireType.LengthDelimited;
const KEY_HISTO = (5 << 3) | WireType.LengthDelimited;
const KEY_AUDIO = (6 << 3) | WireType.LengthDelimited;
const KEY_TENSOR = (8 << 3) | WireType.LengthDelimited;
const KEY_METADATA = (9 << 3) | WireType.LengthDelimited;

/**
 * A tag's bytes and its decoded text, so that the same tag is not decoded again for every event, and the
 * plugin `pluginByTag` holds for it (kept here too, so that a scalar costs no map lookup).
 */
interface KnownTag {
  readonly bytes: Uint8Array;
  /** The bytes' whole little-endian 32-bit words, compared before the last few bytes. */
  readonly words: Int32Array;
  readonly tag: string;
  plugin: string | undefined;
}

/** Tags looked up by comparing bytes; logs seldom have more, and past it tags are decoded each time. */
const MAX_KNOWN_TAGS = 256;

/**
 * Turns event records into scalars. Keeps, per tag, the plugin named in the first metadata seen:
 * TensorFlow writes a value's `SummaryMetadata` only with the first value of a tag, and a tensor is
 * a scalar only when its tag belongs to the `scalars` plugin (TensorBoard's rule). One decoder per run.
 */
export class ScalarDecoder {
  private readonly pluginByTag = new Map<string, string>();
  private readonly knownTags: KnownTag[] = [];
  /**
   * TF2 float scalars of known tags read and not yet passed on: they go to the sink in columns, so that
   * no call in between carries (and allocates) a number per point. Passed on before anything else the
   * sink is given, and by `flush`.
   */
  private readonly batch: ScalarBatch & { tags: string[] } = {
    count: 0,
    tagIds: new Int32Array(BATCH_POINTS),
    steps: new Float64Array(BATCH_POINTS),
    wallTimes: new Float64Array(BATCH_POINTS),
    values: new Float64Array(BATCH_POINTS),
    tags: [],
  };
  /** The sink the batch's scalars go to. */
  private batchSink: EventSink | undefined;
  /** Where `tagIndex` starts searching: the tag after the last one found. */
  private lastTag = 0;
  // One reader per nesting level, reused for every record.
  private readonly eventReader = new ProtoReader(EMPTY);
  private readonly summaryReader = new ProtoReader(EMPTY);
  private readonly valueReader = new ProtoReader(EMPTY);
  private readonly innerReader = new ProtoReader(EMPTY);
  private readonly shapeReader = new ProtoReader(EMPTY);

  /**
   * Passes what one serialized `Event` in `bytes[start, end)` holds to `sink`; `view` is a DataView
   * over exactly `bytes`. Throws on malformed data (ProtobufError, or whatever the bytes provoke).
   */
  decode(bytes: Uint8Array, start: number, end: number, view: DataView, sink: EventSink): void {
    if (sink !== this.batchSink) {
      this.flush();
      this.batchSink = sink;
    }
    if (this.decodeScalarEvent(bytes, start, end, view, sink)) return;
    this.flush();
    const event = this.eventReader.reset(bytes, start, end, view);
    let wallTime = 0;
    let step = 0;
    let summaryStart = -1;
    let summaryEnd = -1;
    let sessionStart = -1;
    let sessionEnd = -1;
    let kind: RecordKind | undefined;
    while (event.pos < event.end) {
      const key = event.key();
      if (key === KEY_WALL_TIME) wallTime = event.double();
      else if (key === KEY_STEP) step = event.int64();
      else if (key === KEY_SUMMARY) {
        // The summary may precede wall_time and step on the wire; it is decoded once both are known.
        summaryStart = event.skipLengthDelimited();
        summaryEnd = event.pos;
      } else if (key === KEY_SESSION_LOG) {
        sessionStart = event.skipLengthDelimited();
        sessionEnd = event.pos;
        kind = 'session_log';
      } else {
        if (key === KEY_FILE_VERSION) kind = 'file_version';
        else if (key === KEY_GRAPH) kind = 'graph';
        else if (key === KEY_RUN_METADATA) kind = 'run_metadata';
        else if (key === KEY_META_GRAPH) kind = 'meta_graph';
        event.skip(key & 7);
      }
    }
    if (sessionStart >= 0) {
      const session = this.summaryReader.reset(bytes, sessionStart, sessionEnd, view);
      while (session.pos < session.end) {
        const key = session.key();
        if (key === KEY_SESSION_STATUS) {
          if (session.uint32() === SESSION_START) sink.sessionStart(step);
        } else session.skip(key & 7);
      }
    }
    if (summaryStart < 0) {
      if (kind !== undefined) sink.otherRecord(kind);
      return;
    }
    const summary = this.summaryReader.reset(bytes, summaryStart, summaryEnd, view);
    while (summary.pos < summary.end) {
      const key = summary.key();
      if (key === KEY_SUMMARY_VALUE) {
        const valueStart = summary.skipLengthDelimited();
        this.decodeValue(this.valueReader.reset(bytes, valueStart, summary.pos, view), step, wallTime, sink);
      } else summary.skip(key & 7);
    }
  }

  /**
   * The shape nearly every scalar event has: `wall_time`, `step` (under 2^28), then a `summary` that runs
   * to the end of the record, its values' keys and lengths one byte each. Read with byte loads rather than
   * the general walk, each value as decodeValue reads it; a summary is decoded after the event's other
   * fields, and here there are none after it, so the result is the general walk's. False when the
   * record has another shape (nothing read, nothing sent).
   */
  private decodeScalarEvent(
    b: Uint8Array,
    start: number,
    end: number,
    view: DataView,
    sink: EventSink,
  ): boolean {
    let p = start;
    if (end - p < 12 || b[p] !== 0x09) return false;
    const wallTime = view.getFloat64(p + 1, true);
    p += 9;
    let step = 0;
    if (b[p] === 0x10) {
      let byte = b[p + 1];
      step = byte & 0x7f;
      p += 2;
      if (byte >= 0x80) {
        byte = b[p++];
        step |= (byte & 0x7f) << 7;
        if (byte >= 0x80) {
          byte = b[p++];
          step |= (byte & 0x7f) << 14;
          if (byte >= 0x80) {
            byte = b[p++];
            if (byte >= 0x80) return false;
            step |= byte << 21;
          }
        }
      }
    }
    if (p + 2 > end || b[p] !== 0x2a) return false;
    let length = b[p + 1];
    p += 2;
    if (length >= 0x80) {
      if (p >= end || b[p] >= 0x80) return false;
      length = (length & 0x7f) | (b[p++] << 7);
    }
    if (p + length !== end) return false;
    const value = this.valueReader;
    while (p < end) {
      const valueLength = b[p + 1];
      const valueStart = p + 2;
      const valueEnd = valueStart + valueLength;
      if (b[p] !== 0x0a || valueLength >= 0x80 || valueEnd > end) {
        // Another field or a longer value: the rest of the summary as the general walk reads it.
        const summary = this.summaryReader.reset(b, p, end, view);
        while (summary.pos < summary.end) {
          const key = summary.key();
          if (key === KEY_SUMMARY_VALUE) {
            const at = summary.skipLengthDelimited();
            this.decodeValue(value.reset(b, at, summary.pos, view), step, wallTime, sink);
          } else summary.skip(key & 7);
        }
        return true;
      }
      // A lone float (decodeFloatScalar's shapes) here, without a reader or another call in between.
      const at = floatAt(b, view, valueStart, valueEnd);
      if (at >= 0) this.floatScalar(b, view, valueStart + 2, at, step, wallTime, sink);
      else this.decodeValue(value.reset(b, valueStart, valueEnd, view), step, wallTime, sink);
      p = valueEnd;
    }
    return true;
  }

  /**
   * Passes on the scalars read and not passed on yet. `decode` may keep up to a batch of scalars back;
   * whoever decodes calls this once the records at hand are decoded.
   */
  flush(): void {
    const batch = this.batch;
    const sink = this.batchSink;
    if (batch.count === 0 || !sink) return;
    try {
      if (sink.scalars) sink.scalars(batch);
      else {
        for (let i = 0; i < batch.count; i++) {
          const id = batch.tagIds[i];
          sink.scalar(batch.tags[id], batch.steps[i], batch.wallTimes[i], batch.values[i], id);
        }
      }
    } finally {
      batch.count = 0;
    }
  }

  private decodeValue(value: ProtoReader, step: number, wallTime: number, sink: EventSink): void {
    if (this.decodeFloatScalar(value, step, wallTime, sink)) return;
    this.flush();
    let tagStart = -1;
    let tagEnd = -1;
    let simpleValue: number | undefined;
    let tensorStart = -1;
    let tensorEnd = -1;
    let metadataStart = -1;
    let metadataEnd = -1;
    // TF1's typed values: an image, histogram or audio clip outside any plugin.
    let legacyPlugin: string | undefined;
    while (value.pos < value.end) {
      const key = value.key();
      if (key === KEY_TAG) {
        tagStart = value.skipLengthDelimited();
        tagEnd = value.pos;
      } else if (key === KEY_SIMPLE_VALUE) simpleValue = value.float();
      else if (key === KEY_TENSOR) {
        tensorStart = value.skipLengthDelimited();
        tensorEnd = value.pos;
      } else if (key === KEY_METADATA) {
        metadataStart = value.skipLengthDelimited();
        metadataEnd = value.pos;
      } else {
        if (key === KEY_HISTO) legacyPlugin = 'histograms';
        else if (key === KEY_IMAGE) legacyPlugin = 'images';
        else if (key === KEY_AUDIO) legacyPlugin = 'audio';
        value.skip(key & 7);
      }
    }
    if (tagStart < 0) return;
    const tagId = this.tagIndex(value.bytes, value.view, tagStart, tagEnd);
    const tag = tagId >= 0 ? this.knownTags[tagId].tag : decodeUtf8(value.bytes, tagStart, tagEnd);
    if (metadataStart >= 0 && !this.pluginByTag.has(tag)) {
      const plugin = pluginName(this.innerReader.reset(value.bytes, metadataStart, metadataEnd, value.view));
      if (plugin !== undefined) {
        this.pluginByTag.set(tag, plugin);
        if (tagId >= 0) this.knownTags[tagId].plugin = plugin;
      }
    }
    if (metadataStart >= 0 && sink.hparams && this.pluginByTag.get(tag) === HPARAMS_PLUGIN) {
      // Every hparams value carries its data in its metadata (not the first of the tag only).
      const data = hparamsData(this.innerReader.reset(value.bytes, metadataStart, metadataEnd, value.view));
      if (data) sink.hparams(data);
    }
    if (simpleValue !== undefined) {
      sink.scalar(tag, step, wallTime, simpleValue, tagId);
      return;
    }
    const plugin = this.pluginByTag.get(tag);
    if (tensorStart < 0) {
      sink.otherValue(tag, legacyPlugin ?? plugin ?? 'unknown');
      return;
    }
    // A tag with no metadata at all is accepted when its tensor is a lone number: writers that skip
    // metadata write scalars so. Any other plugin's tensors are not scalars, even when rank 0.
    if (plugin !== undefined && plugin !== SCALARS_PLUGIN) {
      sink.otherValue(tag, plugin);
      return;
    }
    const scalar = scalarOfTensor(
      this.innerReader.reset(value.bytes, tensorStart, tensorEnd, value.view),
      this.shapeReader,
    );
    if (scalar !== undefined) sink.scalar(tag, step, wallTime, scalar, tagId);
    else sink.otherValue(tag, plugin ?? 'tensors');
  }

  /**
   * What writers put in nearly every scalar value: TF2's summary writer (and so Keras) for every value of
   * a scalar tag after its first, `tag: "…" tensor { dtype: DT_FLOAT tensor_shape {} tensor_content: 4
   * bytes }`, and TF1 and PyTorch `tag: "…" simple_value: float`, each with nothing else, in that order
   * (floatAt). Recognised byte for byte and handled as the general walk below would handle it; false
   * (nothing read, nothing sent) for any other value.
   */
  private decodeFloatScalar(value: ProtoReader, step: number, wallTime: number, sink: EventSink): boolean {
    const at = floatAt(value.bytes, value.view, value.pos, value.end);
    if (at < 0) return false;
    this.floatScalar(value.bytes, value.view, value.pos + 2, at, step, wallTime, sink);
    value.pos = value.end;
    return true;
  }

  /**
   * The value of one of decodeFloatScalar's shapes whose tag starts at `tagStart` and whose float is at
   * `at`. A simple value is a scalar whatever its tag's plugin, a tensor only in the scalars plugin or
   * none, as decodeValue has it.
   */
  private floatScalar(
    b: Uint8Array,
    view: DataView,
    tagStart: number,
    at: number,
    step: number,
    wallTime: number,
    sink: EventSink,
  ): void {
    const tagEnd = tagStart + b[tagStart - 1];
    const simple = at === tagEnd + 1;
    const tagId = this.tagIndex(b, view, tagStart, tagEnd);
    if (tagId >= 0) {
      const plugin = this.knownTags[tagId].plugin;
      if (simple || plugin === undefined || plugin === SCALARS_PLUGIN) {
        const batch = this.batch;
        const i = batch.count++;
        batch.tagIds[i] = tagId;
        batch.steps[i] = step;
        batch.wallTimes[i] = wallTime;
        batch.values[i] = view.getFloat32(at, true);
        if (i + 1 === BATCH_POINTS) this.flush();
        return;
      }
    }
    this.flush();
    const tag = tagId >= 0 ? this.knownTags[tagId].tag : decodeUtf8(b, tagStart, tagEnd);
    const plugin = tagId >= 0 ? this.knownTags[tagId].plugin : this.pluginByTag.get(tag);
    if (!simple && plugin !== undefined && plugin !== SCALARS_PLUGIN) sink.otherValue(tag, plugin);
    else sink.scalar(tag, step, wallTime, view.getFloat32(at, true), tagId);
  }

  /**
   * The number of the tag in `bytes[start, end)` among the tags seen (numbered on first sight), or -1
   * past MAX_KNOWN_TAGS. The last tag found is tried first, then the one after it: events list their
   * tags in the same order every step, so the search seldom goes further.
   */
  private tagIndex(bytes: Uint8Array, view: DataView, start: number, end: number): number {
    const known = this.knownTags;
    const count = known.length;
    const length = end - start;
    const wordsEnd = start + (length & ~3);
    for (let n = 0, k = this.lastTag; n < count; n++, k = k + 1 === count ? 0 : k + 1) {
      const candidate = known[k];
      if (candidate.bytes.length !== length) continue;
      // Four bytes at a time, then the last few.
      const words = candidate.words;
      let at = start;
      let w = 0;
      while (at < wordsEnd && view.getInt32(at, true) === words[w]) {
        at += 4;
        w++;
      }
      if (at < wordsEnd) continue;
      const tail = candidate.bytes;
      while (at < end && tail[at - start] === bytes[at]) at++;
      if (at === end) {
        this.lastTag = k + 1 === count ? 0 : k + 1;
        return k;
      }
    }
    if (count >= MAX_KNOWN_TAGS) return -1;
    const tag = decodeUtf8(bytes, start, end);
    // A copy (a Buffer's slice would be a view of the chunk, which the next read overwrites).
    const copy = new Uint8Array(bytes.subarray(start, end));
    const words = new Int32Array(length >>> 2);
    const copyView = new DataView(copy.buffer);
    for (let w = 0; w < words.length; w++) words[w] = copyView.getInt32(4 * w, true);
    known.push({ bytes: copy, words, tag, plugin: this.pluginByTag.get(tag) });
    this.batch.tags.push(tag);
    return count;
  }
}

/**
 * Where the float of the summary value `b[p, end)` is when the value is a lone float scalar, -1 for any
 * other value. Two shapes, each `tag` then one field and nothing else:
 * - TF2's (and so Keras'): `tensor { dtype: DT_FLOAT tensor_shape {} tensor_content: 4 bytes }`;
 * - TF1's and PyTorch's: `simple_value: float`, the float one byte after the tag.
 */
function floatAt(b: Uint8Array, view: DataView, p: number, end: number): number {
  const tagLength = b[p + 1];
  const t = p + 2 + tagLength;
  if (b[p] !== 0x0a || tagLength >= 0x80) return -1;
  // The tensor's 8 bytes 42 0a 08 01 12 00 22 04 as two little-endian words.
  if (end - t === 12) {
    return view.getInt32(t, true) === 0x01080a42 && view.getInt32(t + 4, true) === 0x04220012 ? t + 8 : -1;
  }
  return end - t === 5 && b[t] === KEY_SIMPLE_VALUE ? t + 1 : -1;
}

function pluginName(metadata: ProtoReader): string | undefined {
  let name: string | undefined;
  while (!metadata.done) {
    const key = metadata.key();
    if (key === ((1 << 3) | WireType.LengthDelimited)) {
      const pluginData = metadata.message();
      while (!pluginData.done) {
        const k = pluginData.key();
        if (k === ((1 << 3) | WireType.LengthDelimited)) name = pluginData.string();
        else pluginData.skip(k & 7);
      }
    } else metadata.skip(key & 7);
  }
  return name;
}
