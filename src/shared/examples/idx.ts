/**
 * The IDX format MNIST is published in (yann.lecun.com/exdb/mnist): a big-endian header (two zero bytes, the
 * element type 0x08 = unsigned byte, the number of dimensions, then each dimension as a uint32) followed by the
 * data. `*-images-idx3-ubyte` holds count × 28 × 28 bytes, `*-labels-idx1-ubyte` count bytes. The learner's
 * examples are exported in it, so anything that reads MNIST (the templates' `my_digits.py`, numpy, torchvision)
 * reads them too.
 */
import { IMAGE_SIZE } from '../model';

const UBYTE = 0x08;

function encode(dims: readonly number[], data: Uint8Array): Uint8Array {
  const size = dims.reduce((a, b) => a * b, 1);
  if (data.length !== size)
    throw new Error(`IDX data of ${dims.join('×')} holds ${size} bytes, not ${data.length}`);
  const out = new Uint8Array(4 + 4 * dims.length + size);
  const view = new DataView(out.buffer);
  out[2] = UBYTE;
  out[3] = dims.length;
  dims.forEach((d, i) => view.setUint32(4 + 4 * i, d, false));
  out.set(data, 4 + 4 * dims.length);
  return out;
}

/** `count` images of 28 × 28 bytes (0–255, row-major) as an idx3-ubyte file. */
export function encodeIdxImages(images: Uint8Array, count: number): Uint8Array {
  return encode([count, IMAGE_SIZE, IMAGE_SIZE], images.subarray(0, count * IMAGE_SIZE * IMAGE_SIZE));
}

/** Labels (0–9, one byte each) as an idx1-ubyte file. */
export function encodeIdxLabels(labels: Uint8Array): Uint8Array {
  return encode([labels.length], labels);
}

export interface IdxArray {
  readonly dims: number[];
  readonly data: Uint8Array;
}

/** Reads an unsigned-byte IDX file; throws saying what is wrong with one that is not. */
export function decodeIdx(bytes: Uint8Array): IdxArray {
  if (bytes.length < 4 || bytes[0] !== 0 || bytes[1] !== 0 || bytes[2] !== UBYTE) {
    throw new Error('not an unsigned-byte IDX file (its first bytes are not 00 00 08)');
  }
  const rank = bytes[3];
  const start = 4 + 4 * rank;
  if (rank === 0 || bytes.length < start) throw new Error(`an IDX header of ${rank} dimensions is cut short`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const dims = Array.from({ length: rank }, (_, i) => view.getUint32(4 + 4 * i, false));
  const size = dims.reduce((a, b) => a * b, 1);
  if (bytes.length !== start + size) {
    throw new Error(
      `IDX data of ${dims.join('×')} needs ${size} bytes after the header, found ${bytes.length - start}`,
    );
  }
  return { dims, data: bytes.subarray(start) };
}

/** The file names of an exported pair, MNIST's own pattern with the learner's prefix. */
export function idxPairNames(prefix: string): { images: string; labels: string } {
  return { images: `${prefix}-images-idx3-ubyte`, labels: `${prefix}-labels-idx1-ubyte` };
}
