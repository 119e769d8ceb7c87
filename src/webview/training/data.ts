/**
 * MNIST loading: fetches the gzip'd IDX assets the build ships (scripts/build-data.mjs), inflates them with
 * DecompressionStream and checks magic numbers, dimensions and sizes, so a damaged file gives a clear error
 * rather than a model that trains on garbage.
 */

import { CLASSES, IMAGE_PIXELS, IMAGE_SIZE } from '../../shared/model';

// The image size and class count are the model description's; re-exported for the trainers that read them here.
export { CLASSES, IMAGE_SIZE };
export const PIXELS = IMAGE_PIXELS;
export const TRAIN_COUNT = 60_000;
export const TEST_COUNT = 10_000;
/** The last 5,000 training images are held out for the per-epoch validation curve. */
export const VALIDATION_COUNT = 5_000;

const IDX_UBYTE_IMAGES = 0x00000803;
const IDX_UBYTE_LABELS = 0x00000801;

export class DataError extends Error {
  constructor(
    readonly file: string,
    readonly detail: string,
  ) {
    super(`${file}: ${detail}`);
    this.name = 'DataError';
  }
}

export interface MnistSplit {
  /** count × 784 bytes, row-major 28×28, 0–255. */
  readonly images: Uint8Array;
  /** count labels, 0–9. */
  readonly labels: Uint8Array;
  readonly count: number;
}

export interface Mnist {
  readonly train: MnistSplit;
  readonly test: MnistSplit;
}

export interface MnistUrls {
  trainImages: string;
  trainLabels: string;
  testImages: string;
  testLabels: string;
}

function fileName(url: string): string {
  return decodeURIComponent(url.split(/[?#]/)[0].split('/').pop() || url);
}

/** Fetches a gzip'd asset and inflates it. */
export async function fetchGzip(url: string): Promise<Uint8Array> {
  const name = fileName(url);
  let response: Response;
  try {
    response = await fetch(url);
  } catch (e) {
    throw new DataError(name, `could not be fetched (${(e as Error).message})`);
  }
  if (!response.ok || !response.body) throw new DataError(name, `HTTP ${response.status}`);
  try {
    const inflated = response.body.pipeThrough(new DecompressionStream('gzip'));
    return new Uint8Array(await new Response(inflated).arrayBuffer());
  } catch (e) {
    throw new DataError(name, `not valid gzip data (${(e as Error).message})`);
  }
}

/** Parses an IDX file of unsigned bytes, checking it is `kind` with `count` items. */
export function parseIdx(
  bytes: Uint8Array,
  kind: 'images' | 'labels',
  count: number,
  name: string,
): Uint8Array {
  const headerSize = kind === 'images' ? 16 : 8;
  if (bytes.length < headerSize) throw new DataError(name, `too short (${bytes.length} bytes)`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const magic = view.getUint32(0);
  const expectedMagic = kind === 'images' ? IDX_UBYTE_IMAGES : IDX_UBYTE_LABELS;
  if (magic !== expectedMagic) {
    throw new DataError(
      name,
      `wrong IDX magic number 0x${magic.toString(16).padStart(8, '0')} (expected 0x${expectedMagic
        .toString(16)
        .padStart(8, '0')})`,
    );
  }
  const n = view.getUint32(4);
  if (n !== count) throw new DataError(name, `holds ${n} items, expected ${count}`);
  if (kind === 'images') {
    const rows = view.getUint32(8);
    const cols = view.getUint32(12);
    if (rows !== IMAGE_SIZE || cols !== IMAGE_SIZE) {
      throw new DataError(name, `images are ${rows}×${cols}, expected ${IMAGE_SIZE}×${IMAGE_SIZE}`);
    }
  }
  const itemSize = kind === 'images' ? PIXELS : 1;
  const expectedLength = headerSize + count * itemSize;
  if (bytes.length !== expectedLength) {
    throw new DataError(name, `is ${bytes.length} bytes, expected ${expectedLength}`);
  }
  const body = bytes.subarray(headerSize);
  if (kind === 'labels') {
    const bad = body.findIndex((v) => v >= CLASSES);
    if (bad >= 0) throw new DataError(name, `label ${body[bad]} at index ${bad} is not a digit`);
  }
  return body;
}

async function loadSplit(imagesUrl: string, labelsUrl: string, count: number): Promise<MnistSplit> {
  const [imageBytes, labelBytes] = await Promise.all([fetchGzip(imagesUrl), fetchGzip(labelsUrl)]);
  return {
    images: parseIdx(imageBytes, 'images', count, fileName(imagesUrl)),
    labels: parseIdx(labelBytes, 'labels', count, fileName(labelsUrl)),
    count,
  };
}

export async function loadMnist(urls: MnistUrls): Promise<Mnist> {
  const [train, test] = await Promise.all([
    loadSplit(urls.trainImages, urls.trainLabels, TRAIN_COUNT),
    loadSplit(urls.testImages, urls.testLabels, TEST_COUNT),
  ]);
  return { train, test };
}

/** Pixels / 255 as float32, the article's preprocessing, for images [start, start + count). */
export function normalizedImages(split: MnistSplit, start: number, count: number): Float32Array {
  const out = new Float32Array(count * PIXELS);
  const src = split.images.subarray(start * PIXELS, (start + count) * PIXELS);
  for (let i = 0; i < out.length; i++) out[i] = src[i] / 255;
  return out;
}

export function labelsInt32(split: MnistSplit, start: number, count: number): Int32Array {
  return Int32Array.from(split.labels.subarray(start, start + count));
}
