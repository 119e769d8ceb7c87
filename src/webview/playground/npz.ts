/**
 * Writes NumPy's `.npy` (format version 1.0, little-endian float32 `<f4`, C order) and `.npz` (a zip of
 * `.npy` files, stored without compression, each with its CRC-32) so that `numpy.load("weights.npz")` reads
 * the trained weights without any converter. Pure: runs in the page and in unit tests alike.
 * Formats: numpy.lib.format (https://numpy.org/doc/stable/reference/generated/numpy.lib.format.html) and
 * PKWARE's APPNOTE.TXT (local headers, central directory, end record; method 0 = stored).
 */

export interface NamedArray {
  /** The name numpy shows (`np.load(f)[name]`); `.npy` is appended inside the zip. */
  readonly name: string;
  readonly shape: readonly number[];
  readonly data: Float32Array;
}

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // "\x93NUMPY"
/** numpy aligns the data to 64 bytes (the spec asks for 16; 64 satisfies both). */
const ALIGN = 64;

export function npyHeader(shape: readonly number[]): string {
  const dims = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
  return `{'descr': '<f4', 'fortran_order': False, 'shape': ${dims}, }`;
}

export function npyBytes(shape: readonly number[], data: Float32Array): Uint8Array {
  for (const d of shape) {
    if (!Number.isInteger(d) || d < 0)
      throw new Error(`npy: bad dimension ${d} in shape [${shape.join(', ')}]`);
  }
  const count = shape.reduce((a, b) => a * b, 1);
  if (count !== data.length) {
    throw new Error(`npy: shape [${shape.join(', ')}] holds ${count} values, the data ${data.length}`);
  }
  let header = npyHeader(shape);
  const preamble = MAGIC.length + 2 + 2; // magic, version 1.0, uint16 header length
  const padded = Math.ceil((preamble + header.length + 1) / ALIGN) * ALIGN;
  header = header.padEnd(padded - preamble - 1, ' ') + '\n';
  if (header.length > 0xffff) throw new Error('npy: the header is too long for format 1.0');
  const out = new Uint8Array(padded + data.length * 4);
  const view = new DataView(out.buffer);
  out.set(MAGIC, 0);
  out[6] = 1;
  out[7] = 0;
  view.setUint16(8, header.length, true);
  for (let i = 0; i < header.length; i++) out[preamble + i] = header.charCodeAt(i);
  for (let i = 0; i < data.length; i++) view.setFloat32(padded + i * 4, data[i], true);
  return out;
}

let crcTable: Uint32Array | undefined;

/** CRC-32 as zip (and zlib) compute it: reflected polynomial 0xEDB88320. */
export function crc32(bytes: Uint8Array): number {
  if (!crcTable) {
    crcTable = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      crcTable[n] = c >>> 0;
    }
  }
  let crc = 0xffffffff;
  for (let i = 0; i < bytes.length; i++) crc = crcTable[(crc ^ bytes[i]) & 0xff] ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

export interface ZipEntry {
  readonly name: string;
  readonly data: Uint8Array;
}

/** DOS date 1980-01-01, time 00:00: a fixed stamp, so the same weights always give the same bytes. */
const DOS_TIME = 0;
const DOS_DATE = (0 << 9) | (1 << 5) | 1;

/** A zip archive of stored (uncompressed) entries; names are ASCII, sizes under 4 GiB (no zip64). */
export function zipStored(entries: readonly ZipEntry[]): Uint8Array {
  const encoder = new TextEncoder();
  const names = entries.map((e) => {
    if (!/^[\x20-\x7e]{1,200}$/.test(e.name)) throw new Error(`zip: entry name ${JSON.stringify(e.name)}`);
    return encoder.encode(e.name);
  });
  const localSize = entries.reduce((s, e, i) => s + 30 + names[i].length + e.data.length, 0);
  const centralSize = names.reduce((s, n) => s + 46 + n.length, 0);
  if (localSize + centralSize + 22 > 0xffffffff || entries.length > 0xffff) throw new Error('zip: too large');
  const out = new Uint8Array(localSize + centralSize + 22);
  const view = new DataView(out.buffer);
  const offsets: number[] = [];
  const crcs = entries.map((e) => crc32(e.data));
  let p = 0;
  entries.forEach((e, i) => {
    offsets.push(p);
    view.setUint32(p, 0x04034b50, true);
    view.setUint16(p + 4, 20, true); // version needed: 2.0
    view.setUint16(p + 6, 0, true); // flags
    view.setUint16(p + 8, 0, true); // method: stored
    view.setUint16(p + 10, DOS_TIME, true);
    view.setUint16(p + 12, DOS_DATE, true);
    view.setUint32(p + 14, crcs[i], true);
    view.setUint32(p + 18, e.data.length, true); // compressed size
    view.setUint32(p + 22, e.data.length, true); // uncompressed size
    view.setUint16(p + 26, names[i].length, true);
    view.setUint16(p + 28, 0, true); // extra field length
    out.set(names[i], p + 30);
    out.set(e.data, p + 30 + names[i].length);
    p += 30 + names[i].length + e.data.length;
  });
  const centralStart = p;
  entries.forEach((e, i) => {
    view.setUint32(p, 0x02014b50, true);
    view.setUint16(p + 4, 20, true); // version made by
    view.setUint16(p + 6, 20, true); // version needed
    view.setUint16(p + 8, 0, true);
    view.setUint16(p + 10, 0, true);
    view.setUint16(p + 12, DOS_TIME, true);
    view.setUint16(p + 14, DOS_DATE, true);
    view.setUint32(p + 16, crcs[i], true);
    view.setUint32(p + 20, e.data.length, true);
    view.setUint32(p + 24, e.data.length, true);
    view.setUint16(p + 28, names[i].length, true);
    // extra, comment, disk number, internal and external attributes: all zero
    view.setUint32(p + 42, offsets[i], true);
    out.set(names[i], p + 46);
    p += 46 + names[i].length;
  });
  view.setUint32(p, 0x06054b50, true);
  view.setUint16(p + 8, entries.length, true);
  view.setUint16(p + 10, entries.length, true);
  view.setUint32(p + 12, p - centralStart, true);
  view.setUint32(p + 16, centralStart, true);
  return out;
}

export function npzBytes(arrays: readonly NamedArray[]): Uint8Array {
  const seen = new Set<string>();
  return zipStored(
    arrays.map((a) => {
      if (!/^[A-Za-z_][\w]*$/.test(a.name) || seen.has(a.name))
        throw new Error(`npz: bad or repeated name ${a.name}`);
      seen.add(a.name);
      return { name: `${a.name}.npy`, data: npyBytes(a.shape, a.data) };
    }),
  );
}
