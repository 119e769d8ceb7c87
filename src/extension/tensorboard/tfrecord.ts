// TFRecord framing: each record is
//   uint64 length (little-endian) | uint32 masked crc32c(length) | data | uint32 masked crc32c(data)
import { maskedCrc32c } from './crc32c';

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
        end: { kind: 'corrupt', reason: 'the checksum of a record length does not match' },
      };
    }
    if (lengthHigh !== 0 || lengthLow > MAX_RECORD_BYTES) {
      return { consumed: pos, end: { kind: 'corrupt', reason: 'a record is larger than 256 MiB' } };
    }
    const recordEnd = pos + HEADER + lengthLow + 4;
    if (recordEnd > size) {
      return { consumed: pos, end: { kind: 'partial', needed: HEADER + lengthLow + 4 } };
    }
    const dataStart = pos + HEADER;
    const dataEnd = dataStart + lengthLow;
    if (maskedCrc32c(bytes, dataStart, dataEnd, view) !== view.getUint32(dataEnd, true)) {
      return { consumed: pos, end: { kind: 'corrupt', reason: 'the checksum of a record does not match' } };
    }
    onRecord(dataStart, dataEnd);
    pos = recordEnd;
  }
  return { consumed: pos, end: { kind: 'complete' } };
}
