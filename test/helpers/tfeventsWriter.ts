// Writes TensorBoard event files for tests and the bench: a small protobuf encoder and TFRecord framing,
// written from the .proto definitions independently of the reader in src/extension/tensorboard/ (its own
// byte-at-a-time CRC-32C too, so a slip in the reader's slicing-by-8 cannot hide behind a shared one).

const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0x82f63b78 : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

export function referenceCrc32c(bytes: Uint8Array, start = 0, end = bytes.length): number {
  let crc = 0xffffffff;
  for (let i = start; i < end; i++) crc = CRC_TABLE[(crc ^ bytes[i]) & 0xff] ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

function maskedCrc32c(bytes: Uint8Array, start = 0, end = bytes.length): number {
  const crc = referenceCrc32c(bytes, start, end);
  return ((((crc >>> 15) | (crc << 17)) >>> 0) + 0xa282ead8) >>> 0;
}

class ProtoWriter {
  private buffer = new Uint8Array(64);
  private length = 0;

  private push(bytes: ArrayLike<number>): void {
    if (this.length + bytes.length > this.buffer.length) {
      const grown = new Uint8Array(Math.max(this.buffer.length * 2, this.length + bytes.length));
      grown.set(this.buffer.subarray(0, this.length));
      this.buffer = grown;
    }
    this.buffer.set(bytes, this.length);
    this.length += bytes.length;
  }

  varint(value: number | bigint): this {
    let v = BigInt.asUintN(64, BigInt(value));
    const out: number[] = [];
    do {
      let byte = Number(v & 0x7fn);
      v >>= 7n;
      if (v > 0n) byte |= 0x80;
      out.push(byte);
    } while (v > 0n);
    this.push(out);
    return this;
  }

  key(field: number, wire: number): this {
    return this.varint((field << 3) | wire);
  }

  bytes(field: number, data: Uint8Array): this {
    this.key(field, 2).varint(data.length);
    this.push(data);
    return this;
  }

  string(field: number, text: string): this {
    return this.bytes(field, new TextEncoder().encode(text));
  }

  double(field: number, value: number): this {
    const b = new Uint8Array(8);
    new DataView(b.buffer).setFloat64(0, value, true);
    this.key(field, 1).push(b);
    return this;
  }

  float(field: number, value: number): this {
    const b = new Uint8Array(4);
    new DataView(b.buffer).setFloat32(0, value, true);
    this.key(field, 5).push(b);
    return this;
  }

  finish(): Uint8Array {
    return this.buffer.slice(0, this.length);
  }
}

export type ScalarEncoding =
  /** TF1 / PyTorch / tensorboardX: `Summary.Value.simple_value`. */
  | 'simple_value'
  /** TF2 `tf.summary.scalar`: rank-0 DT_FLOAT tensor, 4 bytes of `tensor_content`. */
  | 'tensor_content'
  /** Rank-0 DT_FLOAT tensor with a packed `float_val`. */
  | 'float_val_packed'
  /** Rank-0 DT_FLOAT tensor with an unpacked `float_val` (one key per element). */
  | 'float_val_unpacked'
  /** Rank-0 DT_DOUBLE tensor with `double_val`. */
  | 'double_val';

export interface ScalarToWrite {
  readonly tag: string;
  readonly value: number;
  readonly encoding?: ScalarEncoding;
  /** Plugin name in the value's metadata; default `scalars` for tensors, none for simple_value. */
  readonly plugin?: string | null;
}

function encodeTensor(value: number, encoding: ScalarEncoding): Uint8Array {
  const t = new ProtoWriter();
  const dtype = encoding === 'double_val' ? 2 : 1;
  t.key(1, 0).varint(dtype);
  t.bytes(2, new Uint8Array(0)); // rank 0: an empty TensorShapeProto
  switch (encoding) {
    case 'tensor_content': {
      const b = new Uint8Array(4);
      new DataView(b.buffer).setFloat32(0, value, true);
      t.bytes(4, b);
      break;
    }
    case 'float_val_packed': {
      const b = new Uint8Array(4);
      new DataView(b.buffer).setFloat32(0, value, true);
      t.bytes(5, b);
      break;
    }
    case 'float_val_unpacked':
      t.float(5, value);
      break;
    case 'double_val': {
      const b = new Uint8Array(8);
      new DataView(b.buffer).setFloat64(0, value, true);
      t.bytes(6, b);
      break;
    }
    default:
      throw new Error(`not a tensor encoding: ${encoding}`);
  }
  return t.finish();
}

function encodeValue(scalar: ScalarToWrite): Uint8Array {
  const encoding = scalar.encoding ?? 'simple_value';
  const v = new ProtoWriter().string(1, scalar.tag);
  const plugin =
    scalar.plugin === undefined ? (encoding === 'simple_value' ? null : 'scalars') : scalar.plugin;
  if (plugin !== null) {
    const pluginData = new ProtoWriter().string(1, plugin).finish();
    v.bytes(9, new ProtoWriter().bytes(1, pluginData).finish());
  }
  if (encoding === 'simple_value') v.float(2, scalar.value);
  else v.bytes(8, encodeTensor(scalar.value, encoding));
  return v.finish();
}

/** A serialized `Event` holding scalars. */
export function encodeScalarEvent(
  step: number,
  wallTime: number,
  scalars: readonly ScalarToWrite[],
): Uint8Array {
  const summary = new ProtoWriter();
  for (const s of scalars) summary.bytes(1, encodeValue(s));
  const event = new ProtoWriter().double(1, wallTime);
  if (step !== 0) event.key(2, 0).varint(step);
  return event.bytes(5, summary.finish()).finish();
}

/** The first record of every event file. */
export function encodeFileVersionEvent(wallTime: number): Uint8Array {
  return new ProtoWriter().double(1, wallTime).string(3, 'brain.Event:2').finish();
}

/** An event carrying something that is not a scalar (a histogram-like blob under another plugin). */
export function encodeNonScalarEvent(
  step: number,
  wallTime: number,
  tag: string,
  payloadBytes: number,
): Uint8Array {
  const tensor = new ProtoWriter();
  tensor.key(1, 0).varint(1);
  const dim = new ProtoWriter()
    .key(1, 0)
    .varint(payloadBytes / 4)
    .finish();
  tensor.bytes(2, new ProtoWriter().bytes(2, dim).finish());
  tensor.bytes(
    4,
    new Uint8Array(payloadBytes).map((_, i) => i & 0xff),
  );
  const pluginData = new ProtoWriter().string(1, 'histograms').finish();
  const value = new ProtoWriter()
    .string(1, tag)
    .bytes(9, new ProtoWriter().bytes(1, pluginData).finish())
    .bytes(8, tensor.finish())
    .finish();
  const event = new ProtoWriter().double(1, wallTime).key(2, 0).varint(step);
  return event.bytes(5, new ProtoWriter().bytes(1, value).finish()).finish();
}

/** TFRecord framing of one record. */
export function frameRecord(data: Uint8Array): Uint8Array {
  const out = new Uint8Array(16 + data.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, data.length, true);
  view.setUint32(4, 0, true);
  view.setUint32(8, maskedCrc32c(out, 0, 8), true);
  out.set(data, 12);
  view.setUint32(12 + data.length, maskedCrc32c(data), true);
  return out;
}

export function concatBytes(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** A `SessionLog` event; status 1 is START (a restarted job), 2 STOP, 3 CHECKPOINT. */
export function encodeSessionLogEvent(step: number, wallTime: number, status = 1): Uint8Array {
  const sessionLog = new ProtoWriter().key(1, 0).varint(status).finish();
  const event = new ProtoWriter().double(1, wallTime);
  if (step !== 0) event.key(2, 0).varint(step);
  return event.bytes(7, sessionLog).finish();
}

/** A `graph_def` event, as Keras' callback writes with `write_graph=True` (the bytes are not parsed). */
export function encodeGraphEvent(wallTime: number, graphBytes: number): Uint8Array {
  return new ProtoWriter()
    .double(1, wallTime)
    .bytes(
      4,
      new Uint8Array(graphBytes).map((_, i) => (i * 7) & 0x7f),
    )
    .finish();
}

export interface TensorToWrite {
  readonly tag: string;
  /** The plugin in the value's metadata (`histograms`, `images`, `graph_keras_model`, `text`…). */
  readonly plugin: string;
  /** DataType: 1 float, 2 double, 7 string. */
  readonly dtype: number;
  readonly shape: readonly number[];
  /** Raw little-endian content (numeric tensors). */
  readonly content?: Uint8Array;
  /** `string_val` entries (string tensors: an image's width, height and PNG bytes; a model's JSON). */
  readonly strings?: readonly Uint8Array[];
}

/** An event with one non-scalar tensor value, the way TF2 summaries write histograms, images and text. */
export function encodeTensorEvent(step: number, wallTime: number, value: TensorToWrite): Uint8Array {
  const tensor = new ProtoWriter().key(1, 0).varint(value.dtype);
  const shape = new ProtoWriter();
  for (const size of value.shape) shape.bytes(2, new ProtoWriter().key(1, 0).varint(size).finish());
  tensor.bytes(2, shape.finish());
  if (value.content) tensor.bytes(4, value.content);
  for (const s of value.strings ?? []) tensor.bytes(8, s);
  const pluginData = new ProtoWriter().string(1, value.plugin).finish();
  const summaryValue = new ProtoWriter()
    .string(1, value.tag)
    .bytes(9, new ProtoWriter().bytes(1, pluginData).finish())
    .bytes(8, tensor.finish())
    .finish();
  const event = new ProtoWriter().double(1, wallTime);
  if (step !== 0) event.key(2, 0).varint(step);
  return event.bytes(5, new ProtoWriter().bytes(1, summaryValue).finish()).finish();
}

/** A TF1 `Summary.Value.histo` (HistogramProto: min 1, max 2, num 3, sum 4), as tensorboardX writes. */
export function encodeLegacyHistogramEvent(step: number, wallTime: number, tag: string): Uint8Array {
  const histo = new ProtoWriter().double(1, -1).double(2, 1).double(3, 10).double(4, 0).finish();
  const summaryValue = new ProtoWriter().string(1, tag).bytes(5, histo).finish();
  const event = new ProtoWriter().double(1, wallTime);
  if (step !== 0) event.key(2, 0).varint(step);
  return event.bytes(5, new ProtoWriter().bytes(1, summaryValue).finish()).finish();
}

/** `google.protobuf.Value`: number 2 (double), string 3, bool 4. */
function encodeProtobufValue(value: string | number | boolean): Uint8Array {
  const v = new ProtoWriter();
  if (typeof value === 'number') v.double(2, value);
  else if (typeof value === 'string') v.string(3, value);
  else v.key(4, 0).varint(value ? 1 : 0);
  return v.finish();
}

/** A value of the hparams plugin: tag `_hparams_/…`, the data in `plugin_data.content`, a rank-0 float tensor. */
function encodeHparamsEvent(tag: string, dataField: number, data: Uint8Array): Uint8Array {
  const content = new ProtoWriter().key(1, 0).varint(0).bytes(dataField, data).finish();
  const pluginData = new ProtoWriter().string(1, 'hparams').bytes(2, content).finish();
  const tensor = new ProtoWriter()
    .key(1, 0)
    .varint(1)
    .bytes(2, new Uint8Array(0))
    .bytes(4, new Uint8Array(4))
    .finish();
  const summaryValue = new ProtoWriter()
    .string(1, tag)
    .bytes(9, new ProtoWriter().bytes(1, pluginData).finish())
    .bytes(8, tensor)
    .finish();
  return new ProtoWriter()
    .double(1, 1700000000)
    .bytes(5, new ProtoWriter().bytes(1, summaryValue).finish())
    .finish();
}

/** `hp.hparams(…)`: `HParamsPluginData.session_start_info` (3) with the hparams map (1). */
export function encodeHparamsSessionEvent(
  hparams: Readonly<Record<string, string | number | boolean>>,
): Uint8Array {
  const info = new ProtoWriter();
  for (const [name, value] of Object.entries(hparams)) {
    info.bytes(1, new ProtoWriter().string(1, name).bytes(2, encodeProtobufValue(value)).finish());
  }
  info.double(5, 1700000000);
  return encodeHparamsEvent('_hparams_/session_start_info', 3, info.finish());
}

/** `hp.hparams_config(…)`: `HParamsPluginData.experiment` (2) with hparam infos (4) and metric infos (5). */
export function encodeHparamsExperimentEvent(
  hparams: readonly string[],
  metrics: readonly string[],
): Uint8Array {
  const experiment = new ProtoWriter();
  for (const name of hparams) experiment.bytes(4, new ProtoWriter().string(1, name).finish());
  for (const tag of metrics) {
    const metricName = new ProtoWriter().string(1, '').string(2, tag).finish();
    experiment.bytes(5, new ProtoWriter().bytes(1, metricName).string(3, tag).finish());
  }
  return encodeHparamsEvent('_hparams_/experiment', 2, experiment.finish());
}
