// Writes src/extension/tensorboard/recordScanWasm.ts: the TFRecord scanner (record framing and both
// CRC-32C checks of every record in a chunk, tfrecord.ts's scanRecords in WebAssembly) as the bytes of a
// WebAssembly module, compiled here from the text below with binaryen (a dev dependency, through
// assemblyscript). The module is 1 KB, so it ships inside the extension's bundle instead of as a file.
// `node scripts/build-tfrecord-wasm.mjs` writes it; `--check` exits 1 when the file is not what this
// script writes (a unit test runs that).
//
// Memory (imported, so that each scanner has its own and can grow it):
//   [0, 16 KB)          sixteen 256-entry CRC-32C tables, little-endian u32 (slicing-by-16), written by
//                       the caller (crc32c.ts's tables)
//   [16 KB, 16 KB + 16) the scan's end: consumed, kind, needed (u32 each)
//   [64 KB, 192 KB)     records found, as (dataStart, dataEnd) u32 pairs relative to the chunk
//   [192 KB, …)         the chunk
// scan(from, size) walks the chunk's records from `from` and returns how many it wrote (16,384 at most a
// call: the caller then scans again from `consumed`). Kinds: 0 every byte was a whole record, 1 the bytes
// end inside a record (`needed` bytes from `consumed` would hold it), 2 a length's checksum is wrong,
// 3 a record is larger than 256 MiB, 4 the record list is full, 5 a record's checksum is wrong.
import { Buffer } from 'node:buffer';
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import binaryen from 'binaryen';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const OUT_FILE = join(root, 'src/extension/tensorboard/recordScanWasm.ts');

export const END_AT = 16384;
export const RECORDS_AT = 65536;
export const MAX_RECORDS = 16384;
export const CHUNK_AT = RECORDS_AT + MAX_RECORDS * 8;
const MAX_RECORD_BYTES = 256 * 1024 * 1024;

/** Table `t`'s entry for byte `index` (an i32 expression in 0..255). */
const lookup = (t, index) => `(i32.load offset=${t * 1024} (i32.shl ${index} (i32.const 2)))`;
const byte0 = (x) => `(i32.and (local.get ${x}) (i32.const 255))`;
const byteN = (x, n) =>
  n === 3
    ? `(i32.shr_u (local.get ${x}) (i32.const 24))`
    : `(i32.and (i32.shr_u (local.get ${x}) (i32.const ${8 * n})) (i32.const 255))`;
/** The XOR of the lookups of the words `names`, the first word's low byte in the highest table. */
function fold(names) {
  const terms = [];
  let t = names.length * 4 - 1;
  for (const x of names)
    for (let n = 0; n < 4; n++, t--) terms.push(lookup(t, n === 0 ? byte0(x) : byteN(x, n)));
  return terms.reduce((a, b) => `(i32.xor ${a} ${b})`);
}

const WAT = `(module
  (import "env" "memory" (memory 1))

  ;; CRC-32C of [p, end), masked as TFRecord stores it.
  (func $maskedCrc (param $p i32) (param $end i32) (result i32)
    (local $c i32) (local $a i32) (local $b i32) (local $x i32) (local $d i32) (local $end16 i32)
    (local.set $c (i32.const -1))
    (local.set $end16 (i32.sub (local.get $end) (i32.and (i32.sub (local.get $end) (local.get $p)) (i32.const 15))))
    (block $done16
      (loop $by16
        (br_if $done16 (i32.ge_u (local.get $p) (local.get $end16)))
        (local.set $a (i32.xor (local.get $c) (i32.load (local.get $p))))
        (local.set $b (i32.load offset=4 (local.get $p)))
        (local.set $x (i32.load offset=8 (local.get $p)))
        (local.set $d (i32.load offset=12 (local.get $p)))
        (local.set $c ${fold(['$a', '$b', '$x', '$d'])})
        (local.set $p (i32.add (local.get $p) (i32.const 16)))
        (br $by16)))
    (if (i32.ge_u (i32.sub (local.get $end) (local.get $p)) (i32.const 8))
      (then
        (local.set $a (i32.xor (local.get $c) (i32.load (local.get $p))))
        (local.set $b (i32.load offset=4 (local.get $p)))
        (local.set $c ${fold(['$a', '$b'])})
        (local.set $p (i32.add (local.get $p) (i32.const 8)))))
    (if (i32.ge_u (i32.sub (local.get $end) (local.get $p)) (i32.const 4))
      (then
        (local.set $a (i32.xor (local.get $c) (i32.load (local.get $p))))
        (local.set $c ${fold(['$a'])})
        (local.set $p (i32.add (local.get $p) (i32.const 4)))))
    (block $done1
      (loop $by1
        (br_if $done1 (i32.ge_u (local.get $p) (local.get $end)))
        (local.set $c
          (i32.xor
            ${lookup(0, '(i32.and (i32.xor (local.get $c) (i32.load8_u (local.get $p))) (i32.const 255))')}
            (i32.shr_u (local.get $c) (i32.const 8))))
        (local.set $p (i32.add (local.get $p) (i32.const 1)))
        (br $by1)))
    (i32.add (i32.rotr (i32.xor (local.get $c) (i32.const -1)) (i32.const 15)) (i32.const 0xa282ead8)))

  (func $end (param $consumed i32) (param $kind i32) (param $needed i32)
    (i32.store (i32.const ${END_AT}) (local.get $consumed))
    (i32.store (i32.const ${END_AT + 4}) (local.get $kind))
    (i32.store (i32.const ${END_AT + 8}) (local.get $needed)))

  (func (export "scan") (param $pos i32) (param $size i32) (result i32)
    (local $n i32) (local $at i32) (local $length i32) (local $dataEnd i32)
    (loop $records
      (if (i32.ge_u (local.get $pos) (local.get $size))
        (then (call $end (local.get $pos) (i32.const 0) (i32.const 0)) (return (local.get $n))))
      (if (i32.eq (local.get $n) (i32.const ${MAX_RECORDS}))
        (then (call $end (local.get $pos) (i32.const 4) (i32.const 0)) (return (local.get $n))))
      (if (i32.lt_u (i32.sub (local.get $size) (local.get $pos)) (i32.const 12))
        (then (call $end (local.get $pos) (i32.const 1) (i32.const 12)) (return (local.get $n))))
      (local.set $at (i32.add (local.get $pos) (i32.const ${CHUNK_AT})))
      (local.set $length (i32.load (local.get $at)))
      (if (i32.ne
            (call $maskedCrc (local.get $at) (i32.add (local.get $at) (i32.const 8)))
            (i32.load offset=8 (local.get $at)))
        (then (call $end (local.get $pos) (i32.const 2) (i32.const 0)) (return (local.get $n))))
      (if (i32.or
            (i32.ne (i32.load offset=4 (local.get $at)) (i32.const 0))
            (i32.gt_u (local.get $length) (i32.const ${MAX_RECORD_BYTES})))
        (then (call $end (local.get $pos) (i32.const 3) (i32.const 0)) (return (local.get $n))))
      ;; pos + 16 + length: no overflow, as pos is under 2^31 and length at most 2^28.
      (if (i32.gt_u (i32.add (local.get $pos) (i32.add (local.get $length) (i32.const 16))) (local.get $size))
        (then
          (call $end (local.get $pos) (i32.const 1) (i32.add (local.get $length) (i32.const 16)))
          (return (local.get $n))))
      (local.set $dataEnd (i32.add (i32.add (local.get $at) (i32.const 12)) (local.get $length)))
      (if (i32.ne
            (call $maskedCrc (i32.add (local.get $at) (i32.const 12)) (local.get $dataEnd))
            (i32.load (local.get $dataEnd)))
        (then (call $end (local.get $pos) (i32.const 5) (i32.const 0)) (return (local.get $n))))
      (i32.store offset=${RECORDS_AT}
        (i32.shl (local.get $n) (i32.const 3))
        (i32.add (local.get $pos) (i32.const 12)))
      (i32.store offset=${RECORDS_AT + 4}
        (i32.shl (local.get $n) (i32.const 3))
        (i32.sub (local.get $dataEnd) (i32.const ${CHUNK_AT})))
      (local.set $n (i32.add (local.get $n) (i32.const 1)))
      (local.set $pos (i32.add (local.get $pos) (i32.add (local.get $length) (i32.const 16))))
      (br $records))
    (unreachable))
)
`;

function build() {
  const module = binaryen.parseText(WAT);
  if (!module.validate()) throw new Error('build-tfrecord-wasm: the module does not validate');
  binaryen.setOptimizeLevel(3);
  module.optimize();
  const bytes = module.emitBinary();
  module.dispose();
  const base64 = Buffer.from(bytes).toString('base64');
  // Indented as prettier indents a continued expression, so that the file passes its check.
  const lines = base64.match(/.{1,100}/g).map((l, i) => `${i ? '    ' : '  '}'${l}'`);
  return `// Generated by scripts/build-tfrecord-wasm.mjs (the module's text and memory layout are there); do not edit.
// sha256 of the module: ${createHash('sha256').update(bytes).digest('hex')}

/** Where the scanner's memory holds the scan's end, the records found, and the chunk. */
export const END_AT = ${END_AT};
export const RECORDS_AT = ${RECORDS_AT};
export const MAX_RECORDS = ${MAX_RECORDS};
export const CHUNK_AT = ${CHUNK_AT};

export const RECORD_SCAN_WASM = Buffer.from(
${lines.join(' +\n')},
  'base64',
);
`;
}

const text = build();
if (process.argv.includes('--check')) {
  let current = '';
  try {
    current = readFileSync(OUT_FILE, 'utf8');
  } catch {
    // Missing: reported below.
  }
  if (current !== text) {
    console.error(`${OUT_FILE} is not what scripts/build-tfrecord-wasm.mjs writes; run it`);
    process.exit(1);
  }
} else writeFileSync(OUT_FILE, text);
