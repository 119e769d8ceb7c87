// A minimal protocol-buffers wire-format reader: just what event files need (varints, fixed 32/64-bit,
// length-delimited fields, skipping everything else). Reading by field number directly needs no
// generated code or .proto files, allocates nothing per field, and is several times faster on
// event files than a general decoder building message objects.

export const enum WireType {
  Varint = 0,
  Fixed64 = 1,
  LengthDelimited = 2,
  StartGroup = 3,
  EndGroup = 4,
  Fixed32 = 5,
}

export class ProtobufError extends Error {}

const TWO_POW_32 = 4294967296;

/** Protobuf's own default recursion limit; no event file nests groups at all. */
export const MAX_GROUP_DEPTH = 100;

export class ProtoReader {
  bytes: Uint8Array;
  pos: number;
  end: number;
  /** A DataView over exactly `bytes`, so that its indices are positions in `bytes`. */
  view: DataView;

  /** Reads `bytes[start, end)`; `view` (over exactly `bytes`) may be shared by readers of the same bytes. */
  constructor(bytes: Uint8Array, start = 0, end = bytes.length, view?: DataView) {
    this.bytes = bytes;
    this.pos = start;
    this.end = end;
    this.view = view ?? new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  /** Points this reader at other bytes: hot loops reuse readers instead of allocating one a message. */
  reset(bytes: Uint8Array, start: number, end: number, view: DataView): this {
    this.bytes = bytes;
    this.pos = start;
    this.end = end;
    this.view = view;
    return this;
  }

  get done(): boolean {
    return this.pos >= this.end;
  }

  /** A field key: `(fieldNumber << 3) | wireType`. */
  key(): number {
    return this.uint32();
  }

  /** A varint that fits in 32 bits (longer ones keep their low 32 bits, as protobuf does). */
  uint32(): number {
    const b = this.bytes;
    let pos = this.pos;
    let byte = b[pos++];
    let value = byte & 0x7f;
    if (byte >= 0x80) {
      byte = b[pos++];
      value |= (byte & 0x7f) << 7;
      if (byte >= 0x80) {
        byte = b[pos++];
        value |= (byte & 0x7f) << 14;
        if (byte >= 0x80) {
          byte = b[pos++];
          value |= (byte & 0x7f) << 21;
          if (byte >= 0x80) {
            byte = b[pos++];
            value |= byte << 28;
            // Up to five more bytes of a 64-bit varint, ignored.
            while (byte >= 0x80 && pos - this.pos < 10) byte = b[pos++];
            if (byte >= 0x80) throw new ProtobufError('varint longer than 10 bytes');
          }
        }
      }
    }
    if (pos > this.end) throw new ProtobufError('varint runs past the end of the message');
    this.pos = pos;
    return value >>> 0;
  }

  /** An int64 varint as a number: exact up to 2^53, two's complement for negative values. */
  int64(): number {
    const b = this.bytes;
    let pos = this.pos;
    let lo = 0;
    let hi = 0;
    let shift = 0;
    let byte: number;
    // Low 28 bits.
    do {
      byte = b[pos++];
      lo |= (byte & 0x7f) << shift;
      shift += 7;
    } while (byte >= 0x80 && shift < 28);
    if (byte >= 0x80) {
      // Bits 28..34 straddle both halves.
      byte = b[pos++];
      lo |= (byte & 0x7f) << 28;
      hi = (byte & 0x7f) >>> 4;
      shift = 3;
      while (byte >= 0x80) {
        if (shift > 31) throw new ProtobufError('varint longer than 10 bytes');
        byte = b[pos++];
        hi |= (byte & 0x7f) << shift;
        shift += 7;
      }
    }
    if (pos > this.end) throw new ProtobufError('varint runs past the end of the message');
    this.pos = pos;
    return (hi | 0) * TWO_POW_32 + (lo >>> 0);
  }

  double(): number {
    this.need(8);
    const value = this.view.getFloat64(this.pos, true);
    this.pos += 8;
    return value;
  }

  float(): number {
    this.need(4);
    const value = this.view.getFloat32(this.pos, true);
    this.pos += 4;
    return value;
  }

  /** Start and end of a length-delimited field's payload; the reader moves past it. */
  lengthDelimited(): { start: number; end: number } {
    const length = this.uint32();
    const start = this.pos;
    const end = start + length;
    if (end > this.end) throw new ProtobufError('length-delimited field runs past the end of the message');
    this.pos = end;
    return { start, end };
  }

  /** Moves past a length-delimited field and returns where its payload starts (it ends at `pos`). */
  skipLengthDelimited(): number {
    const length = this.uint32();
    const start = this.pos;
    if (start + length > this.end) {
      throw new ProtobufError('length-delimited field runs past the end of the message');
    }
    this.pos = start + length;
    return start;
  }

  /** A reader over the payload of a length-delimited field (an embedded message). */
  message(): ProtoReader {
    const { start, end } = this.lengthDelimited();
    return new ProtoReader(this.bytes, start, end, this.view);
  }

  string(): string {
    const { start, end } = this.lengthDelimited();
    return decodeUtf8(this.bytes, start, end);
  }

  skip(wireType: number): void {
    switch (wireType) {
      case WireType.Varint:
        this.int64();
        return;
      case WireType.Fixed64:
        this.need(8);
        this.pos += 8;
        return;
      case WireType.LengthDelimited:
        this.lengthDelimited();
        return;
      case WireType.Fixed32:
        this.need(4);
        this.pos += 4;
        return;
      case WireType.StartGroup: {
        // Deprecated groups: skip fields until the matching end-group key. A loop with a depth count,
        // not recursion: a record of nested start-group keys must not exhaust the stack.
        let depth = 1;
        while (depth > 0) {
          if (this.done) throw new ProtobufError('unterminated group');
          const key = this.key();
          const wire = key & 7;
          if (wire === WireType.EndGroup) depth--;
          else if (wire === WireType.StartGroup) {
            if (++depth > MAX_GROUP_DEPTH) {
              throw new ProtobufError(`groups nested deeper than ${MAX_GROUP_DEPTH}`);
            }
          } else this.skip(wire);
        }
        return;
      }
      default:
        throw new ProtobufError(`unknown wire type ${wireType}`);
    }
  }

  private need(n: number): void {
    if (this.pos + n > this.end)
      throw new ProtobufError('fixed-width field runs past the end of the message');
  }
}

const utf8 = new TextDecoder('utf-8');

/** UTF-8 text; short ASCII (nearly every tag) skips TextDecoder, which costs more than the decode itself. */
export function decodeUtf8(bytes: Uint8Array, start: number, end: number): string {
  if (end - start <= 64) {
    let s = '';
    for (let i = start; i < end; i++) {
      const c = bytes[i];
      if (c >= 0x80) return utf8.decode(bytes.subarray(start, end));
      s += String.fromCharCode(c);
    }
    return s;
  }
  return utf8.decode(bytes.subarray(start, end));
}
