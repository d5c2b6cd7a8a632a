/**
 * Dense kernels over row-major matrices, addressed by offsets so that the time loops never
 * allocate views.
 *
 * Why they are written the way they are (measured in V8 on Node 20; figures in BENCHMARKS.md):
 * - The weights streamed in the inner loops are Dense: plain JS arrays of doubles, which V8 reads
 *   10-20% faster than Float64Array (one elements pointer and length instead of a typed array's
 *   base + offset pointer pair). They are private copies: the engine's inputs and outputs stay
 *   Float64Array. Each kernel sees one array type per argument, so it stays monomorphic.
 * - One running index plus constant row offsets (`W[k + c2]`), not `W[w2 + c]`: fewer address
 *   computations, up to 1.7x faster.
 * - The "axpy" form (out[c] += eight rows times eight scalars) has no loop-carried add chain and
 *   beats the dot form, whose four running sums wait on the floating-point add latency.
 * - Matrix products in blocks of 4 rows x 8 inner: each B element loaded serves four rows of C
 *   (about 7 GFLOP/s here, against 3.5 to 4 for the matrix-vector kernels).
 */

/** A JS array of doubles (V8's PACKED_DOUBLE_ELEMENTS); see the header for why. */
export type Dense = number[];

const pool = new Map<string, Float64Array>();
const densePool = new Map<string, Dense>();

/**
 * A private work buffer of at least n elements, kept between calls under `key`: fresh zeroed
 * megabytes cost page faults and garbage collection on every call (about 0.3 ms at T = 64).
 * The contents are stale: the caller overwrites before it reads, and never hands one out.
 */
export function scratch(key: string, n: number): Float64Array {
  let b = pool.get(key);
  if (b === undefined || b.length < n) {
    b = new Float64Array(n);
    pool.set(key, b);
  }
  return b;
}

/** Like scratch(), for Dense buffers (stale contents too). */
export function scratchDense(key: string, n: number): Dense {
  let b = densePool.get(key);
  if (b === undefined || b.length < n) {
    // A non-integer fill makes V8 store the elements as unboxed doubles from the start.
    b = Array.from({ length: n }, () => 0.5);
    densePool.set(key, b);
  }
  return b;
}

/** out[0 .. n) = A[0 .. n). */
export function copyToDense(A: Float64Array, n: number, out: Dense): void {
  for (let k = 0; k < n; k++) out[k] = A[k];
}

/** out (cols x rows) = A^T for the row-major rows x cols matrix A. */
export function transposeToDense(A: Float64Array, rows: number, cols: number, out: Dense): void {
  // Strips of 8 rows: each pass writes 8 neighbouring outputs, 1.7x faster than row by row.
  for (let r0 = 0; r0 < rows; r0 += 8) {
    const r1 = Math.min(rows, r0 + 8);
    for (let c = 0; c < cols; c++) {
      let o = c * rows + r0;
      for (let k = r0 * cols + c; o < c * rows + r1; o++, k += cols) out[o] = A[k];
    }
  }
}

/** out[oo + r] += sum_c W[r*cols + c] * v[vo + c] for r < rows (W is rows x cols). */
export function gemvAdd(
  W: Float64Array,
  rows: number,
  cols: number,
  v: Float64Array,
  vo: number,
  out: Float64Array,
  oo: number,
): void {
  const c2 = 2 * cols;
  const c3 = 3 * cols;
  const end = vo + cols;
  let r = 0;
  for (; r + 3 < rows; r += 4) {
    let s0 = 0;
    let s1 = 0;
    let s2 = 0;
    let s3 = 0;
    let k = r * cols;
    for (let i = vo; i < end; i++, k++) {
      const x = v[i];
      s0 += W[k] * x;
      s1 += W[k + cols] * x;
      s2 += W[k + c2] * x;
      s3 += W[k + c3] * x;
    }
    out[oo + r] += s0;
    out[oo + r + 1] += s1;
    out[oo + r + 2] += s2;
    out[oo + r + 3] += s3;
  }
  for (; r < rows; r++) {
    let s = 0;
    let k = r * cols;
    for (let i = vo; i < end; i++, k++) s += W[k] * v[i];
    out[oo + r] += s;
  }
}

/** out[oo + c] += sum_r W[r*cols + c] * u[uo + r] for c < cols, i.e. out += W^T u (W is rows x cols). */
export function gemvTAdd(
  W: Dense,
  rows: number,
  cols: number,
  u: Float64Array,
  uo: number,
  out: Dense,
  oo: number,
): void {
  const c2 = 2 * cols;
  const c3 = 3 * cols;
  const c4 = 4 * cols;
  const c5 = 5 * cols;
  const c6 = 6 * cols;
  const c7 = 7 * cols;
  const end = oo + cols;
  let r = 0;
  for (; r + 7 < rows; r += 8) {
    const q = uo + r;
    const a0 = u[q];
    const a1 = u[q + 1];
    const a2 = u[q + 2];
    const a3 = u[q + 3];
    const a4 = u[q + 4];
    const a5 = u[q + 5];
    const a6 = u[q + 6];
    const a7 = u[q + 7];
    let k = r * cols;
    for (let o = oo; o < end; o++, k++) {
      out[o] +=
        W[k] * a0 +
        W[k + cols] * a1 +
        W[k + c2] * a2 +
        W[k + c3] * a3 +
        W[k + c4] * a4 +
        W[k + c5] * a5 +
        W[k + c6] * a6 +
        W[k + c7] * a7;
    }
  }
  for (; r < rows; r++) {
    const a = u[uo + r];
    let k = r * cols;
    for (let o = oo; o < end; o++, k++) out[o] += W[k] * a;
  }
}

/**
 * C[co + i*ldc + j] += sum_k A[ao + i*sai + k*sak] * B[bo + k*ldb + j] for i < m, k < n, j < p:
 * C (m x p) += A (m x n) B (n x p). A is addressed through two strides so that a transposed A
 * (sai = 1, sak = its row width) costs nothing; B and C have unit stride along j.
 */
export function gemmAdd(
  m: number,
  n: number,
  p: number,
  A: Float64Array,
  ao: number,
  sai: number,
  sak: number,
  B: Dense,
  bo: number,
  ldb: number,
  C: Float64Array,
  co: number,
  ldc: number,
): void {
  const b1 = ldb;
  const b2 = 2 * ldb;
  const b3 = 3 * ldb;
  const b4 = 4 * ldb;
  const b5 = 5 * ldb;
  const b6 = 6 * ldb;
  const b7 = 7 * ldb;
  const l2 = 2 * ldc;
  const l3 = 3 * ldc;
  let i = 0;
  for (; i + 3 < m; i += 4) {
    const c0 = co + i * ldc;
    const cEnd = c0 + p;
    const r0 = ao + i * sai;
    const r1 = r0 + sai;
    const r2 = r1 + sai;
    const r3 = r2 + sai;
    let k = 0;
    for (; k + 7 < n; k += 8) {
      const k0 = k * sak;
      const k1 = k0 + sak;
      const k2 = k1 + sak;
      const k3 = k2 + sak;
      const k4 = k3 + sak;
      const k5 = k4 + sak;
      const k6 = k5 + sak;
      const k7 = k6 + sak;
      const x00 = A[r0 + k0];
      const x01 = A[r0 + k1];
      const x02 = A[r0 + k2];
      const x03 = A[r0 + k3];
      const x04 = A[r0 + k4];
      const x05 = A[r0 + k5];
      const x06 = A[r0 + k6];
      const x07 = A[r0 + k7];
      const x10 = A[r1 + k0];
      const x11 = A[r1 + k1];
      const x12 = A[r1 + k2];
      const x13 = A[r1 + k3];
      const x14 = A[r1 + k4];
      const x15 = A[r1 + k5];
      const x16 = A[r1 + k6];
      const x17 = A[r1 + k7];
      const x20 = A[r2 + k0];
      const x21 = A[r2 + k1];
      const x22 = A[r2 + k2];
      const x23 = A[r2 + k3];
      const x24 = A[r2 + k4];
      const x25 = A[r2 + k5];
      const x26 = A[r2 + k6];
      const x27 = A[r2 + k7];
      const x30 = A[r3 + k0];
      const x31 = A[r3 + k1];
      const x32 = A[r3 + k2];
      const x33 = A[r3 + k3];
      const x34 = A[r3 + k4];
      const x35 = A[r3 + k5];
      const x36 = A[r3 + k6];
      const x37 = A[r3 + k7];
      let q = bo + k * ldb;
      for (let o = c0; o < cEnd; o++, q++) {
        const m0 = B[q];
        const m1 = B[q + b1];
        const m2 = B[q + b2];
        const m3 = B[q + b3];
        const m4 = B[q + b4];
        const m5 = B[q + b5];
        const m6 = B[q + b6];
        const m7 = B[q + b7];
        C[o] += m0 * x00 + m1 * x01 + m2 * x02 + m3 * x03 + m4 * x04 + m5 * x05 + m6 * x06 + m7 * x07;
        C[o + ldc] += m0 * x10 + m1 * x11 + m2 * x12 + m3 * x13 + m4 * x14 + m5 * x15 + m6 * x16 + m7 * x17;
        C[o + l2] += m0 * x20 + m1 * x21 + m2 * x22 + m3 * x23 + m4 * x24 + m5 * x25 + m6 * x26 + m7 * x27;
        C[o + l3] += m0 * x30 + m1 * x31 + m2 * x32 + m3 * x33 + m4 * x34 + m5 * x35 + m6 * x36 + m7 * x37;
      }
    }
    for (; k < n; k++) {
      const kk = k * sak;
      const x0 = A[r0 + kk];
      const x1 = A[r1 + kk];
      const x2 = A[r2 + kk];
      const x3 = A[r3 + kk];
      let q = bo + k * ldb;
      for (let o = c0; o < cEnd; o++, q++) {
        const m0 = B[q];
        C[o] += m0 * x0;
        C[o + ldc] += m0 * x1;
        C[o + l2] += m0 * x2;
        C[o + l3] += m0 * x3;
      }
    }
  }
  for (; i < m; i++) {
    const c0 = co + i * ldc;
    const cEnd = c0 + p;
    const r0 = ao + i * sai;
    let k = 0;
    for (; k + 3 < n; k += 4) {
      const x0 = A[r0 + k * sak];
      const x1 = A[r0 + (k + 1) * sak];
      const x2 = A[r0 + (k + 2) * sak];
      const x3 = A[r0 + (k + 3) * sak];
      let q = bo + k * ldb;
      for (let o = c0; o < cEnd; o++, q++) C[o] += B[q] * x0 + B[q + b1] * x1 + B[q + b2] * x2 + B[q + b3] * x3;
    }
    for (; k < n; k++) {
      const x0 = A[r0 + k * sak];
      let q = bo + k * ldb;
      for (let o = c0; o < cEnd; o++, q++) C[o] += B[q] * x0;
    }
  }
}

/** Euclidean norm of v[o .. o+n). */
export function norm2(v: Float64Array, o: number, n: number): number {
  // One plain pass serves the common case; the sum of squares is as accurate as the scaled form.
  let s = 0;
  for (let k = o; k < o + n; k++) s += v[k] * v[k];
  if (s > 1e-280 && s < Infinity) return Math.sqrt(s);
  // Scaled, for tiny (1e-200) or huge values whose squares underflow or overflow, and for NaN.
  let scale = 0;
  for (let k = 0; k < n; k++) {
    const a = Math.abs(v[o + k]);
    if (a !== a) return NaN;
    if (a > scale) scale = a;
  }
  if (scale === 0 || !Number.isFinite(scale)) return scale;
  s = 0;
  for (let k = 0; k < n; k++) {
    const q = v[o + k] / scale;
    s += q * q;
  }
  return scale * Math.sqrt(s);
}
