/**
 * The WebAssembly SIMD (f64x2) matrix-vector kernels behind a small interface, with TypeScript
 * kernels as the fallback (no WebAssembly, compile refused, or a model too big for the fixed
 * memory). The two products that must stay inside the time loop use gemv: forward W_hh h_{t-1} and
 * backward W_hh^T da_t (BENCHMARKS.md has the figures). The one-step Jacobian norms (jacobian.ts)
 * use rowcomb to form each J, gramv for the J^T J q of Lanczos and gemvT to reorthogonalise, and
 * f32x4 versions of the first two for their quick estimates.
 *
 * The memory is created once at MEMORY_PAGES and never grown: growing detaches its ArrayBuffer,
 * and in Node 20 a single detached buffer makes every typed-array loop in the process 1.3-2.6x
 * slower. The modules are compiled synchronously: each is at most 4 KB (scripts/build-wasm.mjs
 * checks), the most a browser main thread allows. The single-precision kernels are a second module
 * on the same memory, so that the first still serves if the second fails.
 *
 * Memory layout: forward and backward use the bottom (recurrentRegion); the Jacobian norms take the
 * top, and only when it stays clear of that region.
 */
import { KERNEL32_WASM_BASE64, KERNEL_WASM_BASE64 } from './kernelBytes';

/** 9 MB: one 2048 x 512 matrix plus its vectors, i.e. an LSTM up to hidden size 512. */
export const MEMORY_PAGES = 144;

/** The wasm kernel and the memory it works in; offsets are in doubles. */
export interface GemvKernel {
  /** The whole memory as doubles; callers write the operands here. */
  mem: Float64Array;
  /** Number of doubles in mem. */
  capacity: number;
  /**
   * mem[out + r] += sum_c mem[w + r*ld + c] * mem[v + c] for r < rows (W: rows x ld, row-major).
   * ld must be a multiple of 4 (see paddedWidth) and mem[v .. v+ld) zero beyond the real columns.
   */
  gemv(w: number, rows: number, ld: number, v: number, out: number): void;
  /** mem[out + c] += sum_r mem[w + r*ld + c] * mem[v + r] for c < ld (out += W^T v; ld a multiple of 4). */
  gemvT(w: number, rows: number, ld: number, v: number, out: number): void;
  /**
   * mem[w .. w+ld) = J^T (J q) for the n x ld matrix J at j and q at mem[q .. q+ld) (zero-padded);
   * returns |J q|^2. ld a multiple of 4.
   */
  gramv(j: number, n: number, ld: number, q: number, w: number): number;
  /**
   * mem[out + r*ld + c] = sum_b mem[s + b*h + r] * mem[w + (b*h + r)*ld + c] for r < h, b < g, c < ld,
   * a row-scaled sum of the g blocks (each h x ld) of W, plus mem[d + r] on the diagonal when d >= 0
   * (d = -1: none). Returns the index of the row with the largest norm. ld a multiple of 4.
   */
  rowcomb(w: number, g: number, h: number, ld: number, s: number, d: number, out: number): number;
  /** The single-precision kernels, or null when their module did not compile. */
  single: SingleKernels | null;
}

/** Single-precision (f32x4) versions of rowcomb and gramv, on the same memory; offsets in doubles. */
export interface SingleKernels {
  /** The same memory as floats: double offset o is float offset 2*o. */
  mem32: Float32Array;
  /**
   * rowcomb with W and out in single precision (floats from double offsets w and out, row width ld
   * floats, a multiple of 8); the scales s and diagonal d stay doubles.
   */
  rowcomb32(w: number, g: number, h: number, ld: number, s: number, d: number, out: number): number;
  /**
   * gramv with J in single precision (floats from double offset j, row width ld floats, a multiple
   * of 8) and the products rounded to floats; q and w stay doubles (ld each), t is scratch for
   * 2*ld floats. Returns |J q|^2.
   */
  gramv32(j: number, n: number, ld: number, q: number, w: number, t: number): number;
}

let enabled = true;
let kernel: GemvKernel | null | undefined;

/** Turns the wasm kernel off (TypeScript kernels only) or back on; for tests and comparisons. */
export function setWasmKernelsEnabled(on: boolean): void {
  enabled = on;
}

/**
 * Doubles that forward and backward use from the bottom of the memory (offset 0) for a model with
 * G*H x H recurrent weights: W_hh or its transpose, one input and one output vector. Other users
 * (the Jacobian norms) take the top of the memory and only when it stays clear of this region, so
 * the passes' copy of W_hh could be kept between calls.
 */
export function recurrentRegion(GH: number, H: number): number {
  const ldH = paddedWidth(H);
  const ldG = paddedWidth(GH);
  return Math.max(GH * ldH + ldH + GH, H * ldG + ldG + H);
}

/** The row width a matrix of `cols` columns takes in wasm memory: the next multiple of 4. */
export function paddedWidth(cols: number): number {
  return (cols + 3) & ~3;
}

function decodeBase64(s: string): Uint8Array<ArrayBuffer> {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
  const clean = s.replace(/=+$/, '');
  const out = new Uint8Array(Math.floor((clean.length * 3) / 4));
  let bits = 0;
  let acc = 0;
  let o = 0;
  for (let i = 0; i < clean.length; i++) {
    acc = (acc << 6) | alphabet.indexOf(clean[i]);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[o++] = (acc >> bits) & 0xff;
    }
  }
  return out;
}

function instantiate(): GemvKernel | null {
  if (typeof WebAssembly === 'undefined') return null;
  try {
    const memory = new WebAssembly.Memory({ initial: MEMORY_PAGES, maximum: MEMORY_PAGES });
    const module = new WebAssembly.Module(decodeBase64(KERNEL_WASM_BASE64));
    const instance = new WebAssembly.Instance(module, { env: { memory } });
    type Gemv = (w: number, rows: number, ld: number, v: number, out: number) => void;
    const raw = instance.exports.gemv as Gemv;
    const rawT = instance.exports.gemvT as Gemv;
    const rawGram = instance.exports.gramv as (j: number, n: number, ld: number, q: number, w: number) => number;
    type RowComb = (w: number, g: number, h: number, ld: number, s: number, d: number, out: number) => number;
    const rawComb = instance.exports.rowcomb as RowComb;
    const mem = new Float64Array(memory.buffer);
    return {
      mem,
      capacity: mem.length,
      gemv: (w, rows, ld, v, out) => raw(w * 8, rows, ld, v * 8, out * 8),
      gemvT: (w, rows, ld, v, out) => rawT(w * 8, rows, ld, v * 8, out * 8),
      gramv: (j, n, ld, q, w) => rawGram(j * 8, n, ld, q * 8, w * 8),
      rowcomb: (w, g, h, ld, s, d, out) => rawComb(w * 8, g, h, ld, s * 8, d < 0 ? -1 : d * 8, out * 8),
      single: instantiateSingle(memory),
    };
  } catch {
    // No SIMD support, a CSP without 'wasm-unsafe-eval', or a main thread refusing sync compile.
    return null;
  }
}

function instantiateSingle(memory: WebAssembly.Memory): SingleKernels | null {
  try {
    const module = new WebAssembly.Module(decodeBase64(KERNEL32_WASM_BASE64));
    const instance = new WebAssembly.Instance(module, { env: { memory } });
    type RowComb = (w: number, g: number, h: number, ld: number, s: number, d: number, out: number) => number;
    const rawComb32 = instance.exports.rowcomb32 as RowComb;
    const rawGram32 = instance.exports.gramv32 as (j: number, n: number, ld: number, q: number, w: number, t: number) => number;
    return {
      mem32: new Float32Array(memory.buffer),
      rowcomb32: (w, g, h, ld, s, d, out) => rawComb32(w * 8, g, h, ld, s * 8, d < 0 ? -1 : d * 8, out * 8),
      gramv32: (j, n, ld, q, w, t) => rawGram32(j * 8, n, ld, q * 8, w * 8, t * 8),
    };
  } catch {
    return null;
  }
}

/** The wasm kernel, or null when it is turned off or unavailable (use the TypeScript kernels). */
export function gemvKernel(): GemvKernel | null {
  if (!enabled) return null;
  if (kernel === undefined) kernel = instantiate();
  return kernel;
}

/**
 * Copies the row-major rows x cols matrix A (transposed when `transpose`) into mem at offset o
 * with row width ld, zero-padded; returns the number of doubles written.
 */
export function copyMatrixIn(
  A: Float64Array,
  rows: number,
  cols: number,
  transpose: boolean,
  mem: Float64Array,
  o: number,
  ld: number,
): number {
  const outRows = transpose ? cols : rows;
  const outCols = transpose ? rows : cols;
  if (ld > outCols) mem.fill(0, o, o + outRows * ld);
  if (!transpose) {
    if (ld === cols) mem.set(A.subarray(0, rows * cols), o);
    else for (let r = 0; r < rows; r++) mem.set(A.subarray(r * cols, (r + 1) * cols), o + r * ld);
    return outRows * ld;
  }
  // Strips of 8 source rows, as in linalg's transposeToDense: 8 neighbouring writes per pass.
  for (let r0 = 0; r0 < rows; r0 += 8) {
    const r1 = Math.min(rows, r0 + 8);
    for (let c = 0; c < cols; c++) {
      let q = o + c * ld + r0;
      for (let k = r0 * cols + c; q < o + c * ld + r1; q++, k += cols) mem[q] = A[k];
    }
  }
  return outRows * ld;
}
