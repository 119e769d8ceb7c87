// Decodes TensorBoard `Event` protos (tensorflow/core/util/event.proto) down to the scalars in them.
// Field numbers used:
//   Event:            wall_time 1 (double), step 2 (int64), file_version 3, graph_def 4, summary 5,
//                     session_log 7, tagged_run_metadata 8, meta_graph_def 9
//   SessionLog:       status 1 (START = 1)
//   Summary:          value 1 (repeated)
//   Summary.Value:    tag 1, simple_value 2 (float), image 4, histo 5, audio 6, tensor 8, metadata 9
//   SummaryMetadata:  plugin_data 1 → PluginData.plugin_name 1
//   TensorProto:      dtype 1, tensor_shape 2, tensor_content 4, float_val 5, double_val 6, int_val 7,
//                     int64_val 10, half_val 13
//   TensorShapeProto: dim 2 → Dim.size 1, unknown_rank 3
import { ProtoReader, WireType, decodeUtf8 } from './protobuf';
import type { HParamValue } from '../../shared/protocol/tensorboard';
import { ScalarSeries } from './series';

/** Where decoded events go, in file order. */
export interface EventSink {
  /** One scalar; wall time in seconds since the Unix epoch, as written. */
  scalar(tag: string, step: number, wallTime: number, value: number): void;
  /** A `SessionLog` with status START at `step`: the job restarted, so later steps supersede earlier ones. */
  sessionStart(step: number): void;
  /** A value that is not a scalar (a histogram, an image, text…), with the plugin it belongs to. */
  otherValue(tag: string, plugin: string): void;
  /** A record with no summary: `file_version`, `graph`, `session_log`, `run_metadata` or `meta_graph`. */
  otherRecord(kind: RecordKind): void;
  /** The hparams plugin's record: a session's hyperparameters, or the experiment's metric tags. */
  hparams?(data: HParamsData): void;
}

/** What the hparams plugin's `HParamsPluginData` (tensorboard/plugins/hparams/plugin_data.proto) says. */
export type HParamsData =
  /** `session_start_info`: the hyperparameters of the run whose folder holds it. */
  | { readonly kind: 'session'; readonly hparams: Readonly<Record<string, HParamValue>> }
  /** `experiment`: the metrics the experiment compares runs by (their tags), in its order. */
  | { readonly kind: 'experiment'; readonly metrics: readonly string[] };

const HPARAMS_PLUGIN = 'hparams';

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
    sessionStart() {},
    otherValue() {},
    otherRecord() {},
  };
}

const enum DataType {
  Float = 1,
  Double = 2,
  Int32 = 3,
  Int64 = 9,
  Half = 19,
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

/** A tag's bytes and its decoded text, so that the same tag is not decoded again for every event. */
interface KnownTag {
  readonly bytes: Uint8Array;
  readonly tag: string;
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

  private decodeValue(value: ProtoReader, step: number, wallTime: number, sink: EventSink): void {
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
    const tag = this.tagOf(value.bytes, tagStart, tagEnd);
    if (metadataStart >= 0 && !this.pluginByTag.has(tag)) {
      const plugin = pluginName(this.innerReader.reset(value.bytes, metadataStart, metadataEnd, value.view));
      if (plugin !== undefined) this.pluginByTag.set(tag, plugin);
    }
    if (metadataStart >= 0 && sink.hparams && this.pluginByTag.get(tag) === HPARAMS_PLUGIN) {
      // Every hparams value carries its data in its metadata (not the first of the tag only).
      const data = hparamsData(this.innerReader.reset(value.bytes, metadataStart, metadataEnd, value.view));
      if (data) sink.hparams(data);
    }
    if (simpleValue !== undefined) {
      sink.scalar(tag, step, wallTime, simpleValue);
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
    if (scalar !== undefined) sink.scalar(tag, step, wallTime, scalar);
    else sink.otherValue(tag, plugin ?? 'tensors');
  }

  private tagOf(bytes: Uint8Array, start: number, end: number): string {
    const length = end - start;
    const known = this.knownTags;
    search: for (let k = 0; k < known.length; k++) {
      const candidate = known[k].bytes;
      if (candidate.length !== length) continue;
      for (let i = 0; i < length; i++) if (candidate[i] !== bytes[start + i]) continue search;
      return known[k].tag;
    }
    const tag = decodeUtf8(bytes, start, end);
    if (known.length < MAX_KNOWN_TAGS) known.push({ bytes: bytes.slice(start, end), tag });
    return tag;
  }
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

/** `SummaryMetadata.plugin_data.content` (field 1 → 2) read as `HParamsPluginData`, when it is one of ours. */
function hparamsData(metadata: ProtoReader): HParamsData | undefined {
  let data: HParamsData | undefined;
  while (metadata.pos < metadata.end) {
    const key = metadata.key();
    if (key !== ((1 << 3) | WireType.LengthDelimited)) {
      metadata.skip(key & 7);
      continue;
    }
    const pluginData = metadata.message();
    while (pluginData.pos < pluginData.end) {
      const k = pluginData.key();
      if (k !== ((2 << 3) | WireType.LengthDelimited)) {
        pluginData.skip(k & 7);
        continue;
      }
      const content = pluginData.message();
      while (content.pos < content.end) {
        const c = content.key();
        if (c === ((2 << 3) | WireType.LengthDelimited)) data = experimentOf(content.message());
        else if (c === ((3 << 3) | WireType.LengthDelimited)) data = sessionOf(content.message());
        else content.skip(c & 7);
      }
    }
  }
  return data;
}

/** `SessionStartInfo.hparams` (field 1): map entries of key 1 and a `google.protobuf.Value` 2. */
function sessionOf(info: ProtoReader): HParamsData {
  const hparams: Record<string, HParamValue> = {};
  while (info.pos < info.end) {
    const key = info.key();
    if (key !== ((1 << 3) | WireType.LengthDelimited)) {
      info.skip(key & 7);
      continue;
    }
    const entry = info.message();
    let name = '';
    let value: HParamValue | undefined;
    while (entry.pos < entry.end) {
      const k = entry.key();
      if (k === ((1 << 3) | WireType.LengthDelimited)) name = entry.string();
      else if (k === ((2 << 3) | WireType.LengthDelimited)) {
        // Value: number_value 2 (double), string_value 3, bool_value 4; null, struct and list are skipped.
        const v = entry.message();
        while (v.pos < v.end) {
          const vk = v.key();
          if (vk === ((2 << 3) | WireType.Fixed64)) value = v.double();
          else if (vk === ((3 << 3) | WireType.LengthDelimited)) value = v.string();
          else if (vk === ((4 << 3) | WireType.Varint)) value = v.uint32() !== 0;
          else v.skip(vk & 7);
        }
      } else entry.skip(k & 7);
    }
    if (name && value !== undefined) hparams[name] = value;
  }
  return { kind: 'session', hparams };
}

/** `Experiment.metric_infos` (field 5) → `MetricInfo.name` (1) → `MetricName.tag` (2). */
function experimentOf(experiment: ProtoReader): HParamsData {
  const metrics: string[] = [];
  while (experiment.pos < experiment.end) {
    const key = experiment.key();
    if (key !== ((5 << 3) | WireType.LengthDelimited)) {
      experiment.skip(key & 7);
      continue;
    }
    const info = experiment.message();
    while (info.pos < info.end) {
      const k = info.key();
      if (k !== ((1 << 3) | WireType.LengthDelimited)) {
        info.skip(k & 7);
        continue;
      }
      const name = info.message();
      while (name.pos < name.end) {
        const nk = name.key();
        if (nk === ((2 << 3) | WireType.LengthDelimited)) metrics.push(name.string());
        else name.skip(nk & 7);
      }
    }
  }
  return { kind: 'experiment', metrics };
}

/** The value of a one-element numeric tensor, or undefined for anything else; `scratch` reads the shape. */
function scalarOfTensor(tensor: ProtoReader, scratch: ProtoReader): number | undefined {
  let dtype = 0;
  let elements = 1;
  let contentStart = -1;
  let contentLength = 0;
  // The typed repeated fields (float_val 5, double_val 6, …): how many values, and the first.
  let valueField = 0;
  let valueCount = 0;
  let firstValue = 0;
  while (tensor.pos < tensor.end) {
    const key = tensor.key();
    const field = key >>> 3;
    const wire = key & 7;
    if (field === 1 && wire === WireType.Varint) dtype = tensor.uint32();
    else if (field === 2 && wire === WireType.LengthDelimited) {
      // A rank-0 shape is an empty message: nothing to read (every scalar, so the common case).
      const shapeStart = tensor.skipLengthDelimited();
      elements =
        tensor.pos === shapeStart
          ? 1
          : elementCount(scratch.reset(tensor.bytes, shapeStart, tensor.pos, tensor.view));
    } else if (field === 4 && wire === WireType.LengthDelimited) {
      contentStart = tensor.skipLengthDelimited();
      contentLength = tensor.pos - contentStart;
    } else if (field === 5 || field === 6 || field === 7 || field === 10 || field === 13) {
      const elementWire = field === 5 ? WireType.Fixed32 : field === 6 ? WireType.Fixed64 : WireType.Varint;
      const packed = wire === WireType.LengthDelimited;
      if (!packed && wire !== elementWire) {
        tensor.skip(wire);
        continue;
      }
      const values = packed ? tensor.message() : tensor;
      do {
        const v =
          field === 5
            ? values.float()
            : field === 6
              ? values.double()
              : field === 10
                ? values.int64()
                : field === 7
                  ? values.uint32() | 0
                  : values.uint32();
        if (valueField !== field) {
          valueField = field;
          valueCount = 0;
        }
        if (valueCount++ === 0) firstValue = v;
      } while (packed && !values.done);
    } else tensor.skip(wire);
  }
  if (elements !== 1) return undefined;
  if (contentStart >= 0) {
    const view = tensor.view;
    switch (dtype) {
      case DataType.Float:
        return contentLength === 4 ? view.getFloat32(contentStart, true) : undefined;
      case DataType.Double:
        return contentLength === 8 ? view.getFloat64(contentStart, true) : undefined;
      case DataType.Int32:
        return contentLength === 4 ? view.getInt32(contentStart, true) : undefined;
      case DataType.Int64:
        return contentLength === 8 ? Number(view.getBigInt64(contentStart, true)) : undefined;
      case DataType.Half:
        return contentLength === 2 ? halfToNumber(view.getUint16(contentStart, true)) : undefined;
      default:
        return undefined;
    }
  }
  if (valueCount !== 1 || valueField !== FIELD_OF_DTYPE[dtype]) return undefined;
  return dtype === DataType.Half ? halfToNumber(firstValue & 0xffff) : firstValue;
}

const FIELD_OF_DTYPE: Record<number, number | undefined> = {
  [DataType.Float]: 5,
  [DataType.Double]: 6,
  [DataType.Int32]: 7,
  [DataType.Int64]: 10,
  [DataType.Half]: 13,
};

/** Elements in a TensorShapeProto: 1 for rank 0; an unknown rank counts as not one. */
function elementCount(shape: ProtoReader): number {
  let count = 1;
  while (!shape.done) {
    const key = shape.key();
    if (key === ((2 << 3) | WireType.LengthDelimited)) {
      const dim = shape.message();
      let size = 0;
      while (!dim.done) {
        const k = dim.key();
        if (k === ((1 << 3) | WireType.Varint)) size = dim.int64();
        else dim.skip(k & 7);
      }
      count *= size;
    } else if (key === ((3 << 3) | WireType.Varint)) {
      if (shape.uint32() !== 0) count = -1;
    } else shape.skip(key & 7);
  }
  return count;
}

function halfToNumber(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exponent = (bits >>> 10) & 0x1f;
  const fraction = bits & 0x3ff;
  if (exponent === 0) return sign * 2 ** -14 * (fraction / 1024);
  if (exponent === 0x1f) return fraction ? NaN : sign * Infinity;
  return sign * 2 ** (exponent - 15) * (1 + fraction / 1024);
}
