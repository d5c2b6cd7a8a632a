/**
 * The WebAssembly SIMD (f64x2) matrix-vector kernel behind a small interface, with the TypeScript
 * kernels of linalg.ts as the fallback (no WebAssembly, compile refused, or a model too big for the
 * fixed memory). Only the two products that must stay inside the time loop use it: forward
 * W_hh h_{t-1} and backward W_hh^T da_t (BENCHMARKS.md has the figures).
 *
 * The memory is created once at MEMORY_PAGES and never grown: growing detaches its ArrayBuffer,
 * and in Node 20 a single detached buffer makes every typed-array loop in the process 1.3-2.6x
 * slower. The module is compiled synchronously (under 1 KB, so a browser main thread allows it).
 */
import { KERNEL_WASM_BASE64 } from './kernelBytes';

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
}

let enabled = true;
let kernel: GemvKernel | null | undefined;

/** Turns the wasm kernel off (TypeScript kernels only) or back on; for tests and comparisons. */
export function setWasmKernelsEnabled(on: boolean): void {
  enabled = on;
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
    const raw = instance.exports.gemv as (w: number, rows: number, ld: number, v: number, out: number) => void;
    const mem = new Float64Array(memory.buffer);
    return {
      mem,
      capacity: mem.length,
      gemv: (w, rows, ld, v, out) => raw(w * 8, rows, ld, v * 8, out * 8),
    };
  } catch {
    // No SIMD support, a CSP without 'wasm-unsafe-eval', or a main thread refusing sync compile.
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
