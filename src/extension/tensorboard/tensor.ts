// The scalar in a summary value's `tensor` (TensorBoard 2 writes scalars as one-element tensors).
//   TensorProto:      dtype 1, tensor_shape 2, tensor_content 4, float_val 5, double_val 6, int_val 7,
//                     int64_val 10, half_val 13
//   TensorShapeProto: dim 2 → Dim.size 1, unknown_rank 3
import { WireType, type ProtoReader } from './protobuf';

const enum DataType {
  Float = 1,
  Double = 2,
  Int32 = 3,
  Int64 = 9,
  Half = 19,
}

/** The value of a one-element numeric tensor, or undefined for anything else; `scratch` reads the shape. */
export function scalarOfTensor(tensor: ProtoReader, scratch: ProtoReader): number | undefined {
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
