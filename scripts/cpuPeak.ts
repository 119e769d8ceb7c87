/**
 * The machine's single-precision arithmetic peak, for the bench's "share of peak" column: worked out from
 * /proc/cpuinfo (cores, clock, SIMD flags, vendor and family) rather than measured, so that it is the same
 * number on every run whatever the load. It is an upper bound no program reaches: every core issuing its
 * FMA units' widest vector multiply-add on every cycle at the reported clock.
 */
import { existsSync, readFileSync } from 'node:fs';
import * as os from 'node:os';

export interface CpuPeak {
  /** FLOP/s (a multiply-add counts 2). */
  flops: number;
  /** How it was obtained, as a sentence for the bench's output. */
  how: string;
  /** The same for 128-bit WebAssembly SIMD (4 lanes; relaxed SIMD's fused multiply-add, or a mul and an add). */
  wasmFlops: number;
}

export function cpuPeak(): CpuPeak {
  const info = existsSync('/proc/cpuinfo') ? readFileSync('/proc/cpuinfo', 'utf8') : '';
  const field = (name: string) => new RegExp(`^${name}\\s*:\\s*(.+)$`, 'm').exec(info)?.[1]?.trim();
  const flags = new Set((field('flags') ?? '').split(/\s+/));
  const cores = os.availableParallelism?.() ?? os.cpus().length;
  const mhz = Number(field('cpu MHz')) || os.cpus()[0]?.speed || 0;
  const vendor = field('vendor_id') ?? 'unknown';
  const family = Number(field('cpu family'));
  // The FMA datapath width: AMD before Zen 5 (family 0x1a) executes AVX-512 as two 256-bit halves; Intel cores
  // with AVX-512 (and Zen 5) have 512-bit FMA units; AVX2 + FMA cores 256-bit; without FMA, a multiply and an
  // add unit of the vector width (counted as one multiply-add per unit pair).
  let bits = 128;
  let why = 'SSE';
  if (flags.has('avx512f') && (vendor !== 'AuthenticAMD' || family >= 26)) {
    bits = 512;
    why = 'AVX-512 with 512-bit FMA units';
  } else if (flags.has('fma') && flags.has('avx2')) {
    bits = 256;
    why = flags.has('avx512f')
      ? `AVX-512 on AMD family ${family} (Zen 4 or older), executed as two 256-bit halves`
      : 'AVX2 + FMA, 256-bit';
  } else if (flags.has('avx')) {
    bits = 256;
    why = 'AVX without FMA';
  }
  const lanes = bits / 32;
  // Two FMA units per core: every x86 core with AVX2 since Haswell and Zen 1 (Zen 4: FP0/FP1 do FMA, FP2/FP3 add).
  const units = 2;
  const flops = cores * lanes * units * 2 * mhz * 1e6;
  // WebAssembly SIMD: 4 lanes, 2 multiply-adds of 4 lanes a cycle either way: relaxed SIMD's f32x4.relaxed_madd
  // on the 2 FMA pipes, or f32x4.mul and f32x4.add apart (2 multiplies + 2 adds a cycle on these cores).
  const wasmFlops = cores * 4 * 2 * 2 * mhz * 1e6;
  const how =
    `${cores} cores × ${lanes} f32 lanes (${why}) × ${units} FMA units × 2 FLOP × ${(mhz / 1000).toFixed(3)} GHz ` +
    `(cpu MHz), from /proc/cpuinfo = ${(flops / 1e9).toFixed(0)} GFLOP/s; 128-bit WebAssembly SIMD tops out at ` +
    `${cores} × 4 lanes × 2 multiply-adds × 2 FLOP × clock = ${(wasmFlops / 1e9).toFixed(0)} GFLOP/s. The FLOPs ` +
    `are the architecture's, every multiply-add counted: the engine skips zero inputs, so its rows can pass that`;
  return { flops, how, wasmFlops };
}
