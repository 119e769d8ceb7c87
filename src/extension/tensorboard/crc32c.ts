// CRC-32C (Castagnoli), the checksum TFRecord framing uses. Slicing-by-16: sixteen 256-entry tables
// (16 KB, within L1) let the loop consume sixteen bytes per iteration, several times faster than the
// byte-at-a-time table that the pure-JavaScript npm packages use (and about 1.3× slicing-by-8 here), with
// no dependency or native module to ship.

const POLY_REVERSED = 0x82f63b78;

/** The sixteen tables one after another (4,096 entries): the WebAssembly scanner (tfrecord.ts) copies them. */
export const CRC32C_TABLES = new Uint32Array(16 * 256);

const [t0, t1, t2, t3, t4, t5, t6, t7, t8, t9, t10, t11, t12, t13, t14, t15] = (() => {
  const tables = Array.from({ length: 16 }, (_, t) => CRC32C_TABLES.subarray(t * 256, (t + 1) * 256));
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ POLY_REVERSED : c >>> 1;
    tables[0][n] = c >>> 0;
  }
  for (let n = 0; n < 256; n++) {
    let c = tables[0][n];
    for (let t = 1; t < 16; t++) {
      c = tables[0][c & 0xff] ^ (c >>> 8);
      tables[t][n] = c >>> 0;
    }
  }
  return tables;
})();

/**
 * CRC-32C of `bytes[start, end)`. `view`, a DataView over exactly `bytes`, lets the loop load four bytes
 * at once (about 1.15× on records, 1.35× on long runs, against four byte loads); the record scanner has
 * one already, and without it one is made.
 */
export function crc32c(
  bytes: Uint8Array,
  start = 0,
  end = bytes.length,
  view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength),
): number {
  let crc = 0xffffffff;
  let i = start;
  const end16 = start + ((end - start) & ~15);
  while (i < end16) {
    const a = crc ^ view.getInt32(i, true);
    const b = view.getInt32(i + 4, true);
    const c = view.getInt32(i + 8, true);
    const d = view.getInt32(i + 12, true);
    crc =
      t15[a & 0xff] ^
      t14[(a >>> 8) & 0xff] ^
      t13[(a >>> 16) & 0xff] ^
      t12[a >>> 24] ^
      t11[b & 0xff] ^
      t10[(b >>> 8) & 0xff] ^
      t9[(b >>> 16) & 0xff] ^
      t8[b >>> 24] ^
      t7[c & 0xff] ^
      t6[(c >>> 8) & 0xff] ^
      t5[(c >>> 16) & 0xff] ^
      t4[c >>> 24] ^
      t3[d & 0xff] ^
      t2[(d >>> 8) & 0xff] ^
      t1[(d >>> 16) & 0xff] ^
      t0[d >>> 24];
    i += 16;
  }
  // Records are short (a scalar event is about 60 bytes, its length header 8), so the tail matters: eight
  // and four bytes at a time with the same tables before the last three one by one.
  if (end - i >= 8) {
    const a = crc ^ view.getInt32(i, true);
    const b = view.getInt32(i + 4, true);
    crc =
      t7[a & 0xff] ^
      t6[(a >>> 8) & 0xff] ^
      t5[(a >>> 16) & 0xff] ^
      t4[a >>> 24] ^
      t3[b & 0xff] ^
      t2[(b >>> 8) & 0xff] ^
      t1[(b >>> 16) & 0xff] ^
      t0[b >>> 24];
    i += 8;
  }
  if (end - i >= 4) {
    const a = crc ^ view.getInt32(i, true);
    crc = t3[a & 0xff] ^ t2[(a >>> 8) & 0xff] ^ t1[(a >>> 16) & 0xff] ^ t0[a >>> 24];
    i += 4;
  }
  while (i < end) crc = t0[(crc ^ bytes[i++]) & 0xff] ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

/** TFRecord stores checksums masked, because a CRC of data that itself holds CRCs is weak. */
export function maskCrc(crc: number): number {
  return ((((crc >>> 15) | (crc << 17)) >>> 0) + 0xa282ead8) >>> 0;
}

export function maskedCrc32c(
  bytes: Uint8Array,
  start = 0,
  end = bytes.length,
  view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength),
): number {
  return maskCrc(crc32c(bytes, start, end, view));
}
