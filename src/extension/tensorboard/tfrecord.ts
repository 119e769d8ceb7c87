// TFRecord framing: each record is
//   uint64 length (little-endian) | uint32 masked crc32c(length) | data | uint32 masked crc32c(data)
import { CRC32C_TABLES, maskedCrc32c } from './crc32c';
import { CHUNK_AT, END_AT, MAX_RECORDS, RECORDS_AT, RECORD_SCAN_WASM } from './recordScanWasm';

export const RECORD_OVERHEAD = 16;
const HEADER = 12;
/** Larger lengths are refused rather than allocated; no scalar event comes near it. */
export const MAX_RECORD_BYTES = 256 * 1024 * 1024;

export type ScanEnd =
  /** Every byte was a whole record. */
  | { readonly kind: 'complete' }
  /** The bytes end inside a record; `needed` bytes from `consumed` would hold it whole. */
  | { readonly kind: 'partial'; readonly needed: number }
  /** A record is corrupt at `consumed`; nothing after it can be trusted. */
  | { readonly kind: 'corrupt'; readonly reason: string };

export interface ScanResult {
  /** Bytes of whole, valid records from the start of the buffer. */
  readonly consumed: number;
  readonly end: ScanEnd;
}

const LENGTH_CHECKSUM = 'the checksum of a record length does not match';
const TOO_LARGE = 'a record is larger than 256 MiB';
const DATA_CHECKSUM = 'the checksum of a record does not match';

/**
 * Walks the records in `bytes`, checking both checksums, and calls `onRecord` with each record's data
 * range. Stops at the first partial or corrupt record.
 */
export function scanRecords(bytes: Uint8Array, onRecord: (start: number, end: number) => void): ScanResult {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let pos = 0;
  const size = bytes.length;
  while (pos < size) {
    if (size - pos < HEADER) return { consumed: pos, end: { kind: 'partial', needed: HEADER } };
    const lengthLow = view.getUint32(pos, true);
    const lengthHigh = view.getUint32(pos + 4, true);
    if (maskedCrc32c(bytes, pos, pos + 8, view) !== view.getUint32(pos + 8, true)) {
      return {
        consumed: pos,
        end: { kind: 'corrupt', reason: LENGTH_CHECKSUM },
      };
    }
    if (lengthHigh !== 0 || lengthLow > MAX_RECORD_BYTES) {
      return { consumed: pos, end: { kind: 'corrupt', reason: TOO_LARGE } };
    }
    const recordEnd = pos + HEADER + lengthLow + 4;
    if (recordEnd > size) {
      return { consumed: pos, end: { kind: 'partial', needed: HEADER + lengthLow + 4 } };
    }
    const dataStart = pos + HEADER;
    const dataEnd = dataStart + lengthLow;
    if (maskedCrc32c(bytes, dataStart, dataEnd, view) !== view.getUint32(dataEnd, true)) {
      return { consumed: pos, end: { kind: 'corrupt', reason: DATA_CHECKSUM } };
    }
    onRecord(dataStart, dataEnd);
    pos = recordEnd;
  }
  return { consumed: pos, end: { kind: 'complete' } };
}

const PAGE = 65536;

/**
 * The part of the WebAssembly API the scanner uses. The extension's tsconfig has no DOM lib (where TypeScript
 * declares WebAssembly), and Node has the API, so it is typed here.
 */
interface WasmMemory {
  readonly buffer: ArrayBuffer;
  grow(pages: number): number;
}
interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Memory: new (descriptor: { initial: number }) => WasmMemory;
  Instance: new (module: object, imports: object) => { exports: Record<string, unknown> };
}
const wasm = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;
let scanModule: object | undefined;

/**
 * `scanRecords` in WebAssembly (scripts/build-tfrecord-wasm.mjs), over a chunk read straight into the
 * module's memory: the checksums, most of a read's work, cost about a third of the JavaScript loop's, and
 * the records of a chunk come back in one call. Each scanner has its own memory, so scanners used at the
 * same time do not share a chunk; `chunk` is valid until `reserve` is called again.
 */
export class RecordScanner {
  private readonly memory: WasmMemory;
  private readonly scanChunk: (from: number, size: number) => number;
  private words!: Uint32Array;
  /** The chunk to read into: `capacity` bytes in the module's memory. */
  chunk!: Buffer;

  constructor(capacity: number) {
    scanModule ??= new wasm.Module(RECORD_SCAN_WASM);
    this.memory = new wasm.Memory({ initial: Math.ceil((CHUNK_AT + capacity) / PAGE) });
    const instance = new wasm.Instance(scanModule, { env: { memory: this.memory } });
    this.scanChunk = instance.exports.scan as (from: number, size: number) => number;
    this.views();
    this.words.set(CRC32C_TABLES, 0);
  }

  get capacity(): number {
    return this.chunk.length;
  }

  /** Makes room for a chunk of `bytes` (the memory grows; the chunk's bytes are kept). */
  reserve(bytes: number): void {
    if (bytes <= this.capacity) return;
    this.memory.grow(Math.ceil((CHUNK_AT + bytes) / PAGE) - this.memory.buffer.byteLength / PAGE);
    this.views();
  }

  /** `scanRecords(chunk.subarray(0, size), onRecord)`, with the same records, results and reasons. */
  scan(size: number, onRecord: (start: number, end: number) => void): ScanResult {
    if (size > this.capacity) throw new RangeError(`${size} bytes do not fit a ${this.capacity}-byte chunk`);
    const words = this.words;
    let from = 0;
    for (;;) {
      const found = this.scanChunk(from, size);
      for (let i = 0, at = RECORDS_AT / 4; i < found; i++, at += 2) onRecord(words[at], words[at + 1]);
      const consumed = words[END_AT / 4];
      const kind = words[END_AT / 4 + 1];
      switch (kind) {
        case 0:
          return { consumed, end: { kind: 'complete' } };
        case 1:
          return { consumed, end: { kind: 'partial', needed: words[END_AT / 4 + 2] } };
        case 2:
          return { consumed, end: { kind: 'corrupt', reason: LENGTH_CHECKSUM } };
        case 3:
          return { consumed, end: { kind: 'corrupt', reason: TOO_LARGE } };
        case 4:
          // The list held MAX_RECORDS records: go on from the next one.
          if (found !== MAX_RECORDS) throw new Error('the record scanner stopped for no reason');
          from = consumed;
          break;
        default:
          return { consumed, end: { kind: 'corrupt', reason: DATA_CHECKSUM } };
      }
    }
  }

  private views(): void {
    const buffer = this.memory.buffer;
    this.words = new Uint32Array(buffer, 0, CHUNK_AT / 4);
    this.chunk = Buffer.from(buffer, CHUNK_AT, buffer.byteLength - CHUNK_AT);
  }
}
