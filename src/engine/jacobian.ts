/**
 * One-step Jacobian norms, the "why" of vanishing gradients: dL/dh_{t-1} = J_t^T dL/dh_t, so the
 * gradient reaching step t is bounded by the product of ||J|| over the steps in between.
 *
 * Each cell's descriptor (cells/) gives J_t as row scales of the W_hh blocks plus a diagonal
 * (jacobianScales) and, for a cell with a cell path, its norm (cellPathNorm).
 *
 * Norm: the spectral norm (largest singular value), by Lanczos iteration on J^T J (see spectralNorm).
 * For lstm, J_h = partial dh_t/dh_{t-1} with c_{t-1} held fixed, and J_c = partial dc_t/dc_{t-1}
 * with h_{t-1} held fixed = diag(f_t), whose spectral norm is max_j |f_t[j]|.
 *
 * Speed (BENCHMARKS.md): with the WebAssembly kernels each J is formed in their memory from a copy of
 * W_hh (rowcomb) and each J^T J q is one pass over J (gramv), in single precision for loose
 * tolerances (SINGLE_TOL); Lanczos starts from J's largest row, so it needs few steps. Without
 * WebAssembly the TypeScript loops below run the same Lanczos steps in double precision.
 */
import { CELLS } from './cells/index';
import { norm2 } from './linalg';
import { layerStack } from './types';
import type { ForwardTrace, JacobianNorms, ModelParams } from './types';
import { gemvKernel, recurrentRegion, type GemvKernel, type SingleKernels } from './wasm/kernels';

export interface JacobianOptions {
  /**
   * relative change of the top Ritz value at which Lanczos stops (default 1e-12); from SINGLE_TOL up
   * the wasm kernels work in single precision
   */
  tol?: number;
  /** cap on the Lanczos dimension per step (default 32; at most H, where the result is exact) */
  maxIter?: number;
  /** which stacked layer, 0 = bottom (default: the top layer, the one the trace's flat arrays hold) */
  layer?: number;
}

/**
 * The params and trace of one stacked layer as a one-layer pair (its W_hh in the flat fields, its
 * states in the trace's flat arrays), so the one-layer code below serves every layer.
 */
function layerView(params: ModelParams, trace: ForwardTrace, layer: number | undefined): [ModelParams, ForwardTrace] {
  const N = trace.layers.length;
  const k = layer ?? N - 1;
  if (!Number.isInteger(k) || k < 0 || k >= N) throw new RangeError(`layer: expected an integer in [0, ${N}), found ${k}`);
  if (N === 1) return [params, trace];
  return [{ ...params, ...layerStack(params)[k] }, { ...trace, ...trace.layers[k] }];
}

/**
 * Writes the H x H Jacobian partial dh_t/dh_{t-1} of step t into J (row-major), of `layer` (default the top).
 * Row j is a combination of rows j of the W_hh blocks, scaled by derivatives of step t.
 */
export function stepJacobian(allParams: ModelParams, fullTrace: ForwardTrace, t: number, J: Float64Array, layer?: number): void {
  const [params, trace] = layerView(allParams, fullTrace, layer);
  const H = trace.H;
  formJacobian(params, trace, t, J, new Float64Array(CELLS[trace.cell].blocks * H), new Float64Array(H));
}

/** stepJacobian with scratch for the G*H row scales s and the H diagonal terms d. */
function formJacobian(params: ModelParams, trace: ForwardTrace, t: number, J: Float64Array, s: Float64Array, d: Float64Array): void {
  const H = trace.H;
  const cell = CELLS[trace.cell];
  const diag = cell.jacobianScales(trace, t, s, 0, d, 0);
  combineRows(params.weightHh, cell.blocks, H, s, J);
  if (diag) for (let j = 0; j < H; j++) J[j * H + j] += d[j];
}

/** J (H x H) = sum_b diag(s[b*H ..]) W_b over the G blocks of W (G*H x H), in TypeScript. */
function combineRows(W: Float64Array, G: number, H: number, s: Float64Array, J: Float64Array): void {
  const HH = H * H;
  for (let j = 0; j < H; j++) {
    const jo = j * H;
    const s0 = s[j];
    if (G === 1) {
      for (let k = 0; k < H; k++) J[jo + k] = s0 * W[jo + k];
    } else if (G === 3) {
      const s1 = s[H + j];
      const s2 = s[2 * H + j];
      for (let k = 0; k < H; k++) J[jo + k] = s0 * W[jo + k] + s1 * W[HH + jo + k] + s2 * W[2 * HH + jo + k];
    } else if (G === 4) {
      const s1 = s[H + j];
      const s2 = s[2 * H + j];
      const s3 = s[3 * H + j];
      for (let k = 0; k < H; k++) {
        J[jo + k] = s0 * W[jo + k] + s1 * W[HH + jo + k] + s2 * W[2 * HH + jo + k] + s3 * W[3 * HH + jo + k];
      }
    } else {
      // Any other block count (the unrolled cases above are the shipped cells' G).
      for (let k = 0; k < H; k++) {
        let acc = 0;
        for (let b = 0; b < G; b++) acc += s[b * H + j] * W[b * HH + jo + k];
        J[jo + k] = acc;
      }
    }
  }
}

/**
 * Spectral norms of the one-step Jacobians of every step, of the layer `opts.layer` (default the top).
 * @returns h: T norms of dh_t/dh_{t-1}; c: T norms of dc_t/dc_{t-1} (lstm only)
 */
export function jacobianNorms(allParams: ModelParams, fullTrace: ForwardTrace, opts: JacobianOptions = {}): JacobianNorms {
  const [params, trace] = layerView(allParams, fullTrace, opts.layer);
  const { T, H } = trace;
  const cell = CELLS[trace.cell];
  const tol = opts.tol ?? 1e-12;
  const maxIter = Math.max(1, Math.min(H, opts.maxIter ?? 32));
  const hNorms = new Float64Array(T);
  if (!wasmNorms(params, trace, tol, maxIter, hNorms)) {
    const J = new Float64Array(H * H);
    const s = new Float64Array(cell.blocks * H);
    const d = new Float64Array(H);
    const work = createLanczosWork(H, maxIter);
    for (let t = 0; t < T; t++) {
      formJacobian(params, trace, t, J, s, d);
      hNorms[t] = spectralNorm(J, H, work, tol, maxIter);
    }
  }
  let cNorms: Float64Array | null = null;
  const cellPathNorm = cell.cellPathNorm;
  if (cellPathNorm) {
    cNorms = new Float64Array(T);
    for (let t = 0; t < T; t++) cNorms[t] = cellPathNorm(trace, t);
  }
  return { h: hNorms, c: cNorms };
}

/**
 * Tolerances from this one up get single-precision J and products (wasm only): twice the
 * throughput of f64x2, and their rounding (about 1e-7 of the norm, measured) stays far below the
 * tolerance. The result is then a lower bound of the norm only up to that rounding.
 */
export const SINGLE_TOL = 1e-6;

/** Weight of the generic start vector added to J's largest row (see rowStart). */
const GENERIC_MIX = 0.1;

/**
 * The h norms of every step with the wasm kernel, into out; false (nothing written) when there is
 * no kernel or the work does not fit above forward's and backward's region of its memory.
 * Layout at the top of the memory, rows of width ld (a multiple of 8): W_hh (G*H rows) and J (H rows),
 * as floats when single, then the Lanczos basis (k rows), w, the generic start vector, the floats'
 * scratch (single only), k coefficients, G*H row scales and H diagonal terms.
 */
function wasmNorms(params: ModelParams, trace: ForwardTrace, tol: number, k: number, out: Float64Array): boolean {
  const kernel = gemvKernel();
  if (kernel === null) return false;
  const { T, H } = trace;
  const cell = CELLS[trace.cell];
  const G = cell.blocks;
  const single = tol >= SINGLE_TOL ? kernel.single : null;
  const ld = (H + 7) & ~7;
  // Doubles per matrix row: half as many when the matrices hold floats.
  const row = single ? ld / 2 : ld;
  const need = (G * H + H) * row + (k + 2 + (single ? 1 : 0)) * ld + k + G * H + H;
  const base = (kernel.capacity - need) & ~1;
  if (base < recurrentRegion(G * H, H)) return false;
  const mem = kernel.mem;
  const wo = base;
  const jo = wo + G * H * row;
  const qo = jo + H * row;
  const vo = qo + k * ld;
  const go = vo + ld;
  const to = go + ld;
  const co = to + (single ? ld : 0);
  const so = co + k;
  const dOff = so + G * H;
  const W = params.weightHh;
  const arr = single ? single.mem32 : mem;
  const scale = single ? 2 : 1;
  if (ld === H) arr.set(W.subarray(0, G * H * H), wo * scale);
  else {
    arr.fill(0, wo * scale, jo * scale);
    for (let r = 0; r < G * H; r++) arr.set(W.subarray(r * H, (r + 1) * H), (wo + r * row) * scale);
  }
  // Padding columns of the basis, w and the start vector stay zero, so the products never see them.
  mem.fill(0, qo, co);
  genericStart(mem, go, H);
  const space: LanczosSpace = { v: mem, n: H, ld, qo, wo: vo, co, kernel, single, jo, to, J: EMPTY, u: EMPTY };
  const alpha = new Float64Array(k);
  const beta = new Float64Array(k);
  for (let t = 0; t < T; t++) {
    const diag = cell.jacobianScales(trace, t, mem, so, mem, dOff);
    const d = diag ? dOff : -1;
    // Floats get J / 2^e with 2^e about its largest scale (exact, and undone below): a vanishing
    // J of 1e-20 would otherwise underflow in J^T J q.
    const unscale = single ? normaliseScales(mem, so, G * H + (diag ? H : 0)) : 1;
    const big = single ? single.rowcomb32(wo, G, H, ld, so, d, jo) : kernel.rowcomb(wo, G, H, ld, so, d, jo);
    // The start vector reads the largest row in doubles (into w, free until the first product).
    if (single) for (let c = 0, f = 2 * (jo + big * row); c < H; c++) mem[vo + c] = single.mem32[f + c];
    else mem.copyWithin(vo, jo + big * ld, jo + big * ld + H);
    rowStart(mem, vo, go, qo, H);
    out[t] = unscale * Math.sqrt(Math.max(0, lanczos(space, alpha, beta, tol, k)));
  }
  return true;
}

/**
 * Divides v[o .. o+n) (the row scales and diagonal terms, contiguous) by the power of two 2^e
 * nearest above their largest magnitude and returns 2^e; 1 (nothing changed) when they are all
 * zero or one is not finite.
 */
function normaliseScales(v: Float64Array, o: number, n: number): number {
  let m = 0;
  for (let i = o; i < o + n; i++) {
    const a = Math.abs(v[i]);
    if (a > m || a !== a) m = a;
  }
  if (!(m > 0 && m < Infinity)) return 1;
  const p = 2 ** Math.ceil(Math.log2(m));
  // Multiplying by 1/p is exact for a power of two (unless the result is subnormal).
  const inv = 1 / p;
  for (let i = o; i < o + n; i++) v[i] *= inv;
  return p;
}

/**
 * Where Lanczos finds its operands: in v, the basis Q (k rows of width ld) at qo, w at wo and k
 * coefficients at co. J^T J is applied by the wasm kernels (J at jo of their memory, which is then v;
 * single: in floats, with scratch at to) or, when kernel is null, by gramTS over J (n x n, row-major)
 * with scratch u.
 */
interface LanczosSpace {
  v: Float64Array;
  n: number;
  ld: number;
  qo: number;
  wo: number;
  co: number;
  kernel: GemvKernel | null;
  single: SingleKernels | null;
  jo: number;
  to: number;
  J: Float64Array;
  u: Float64Array;
}

const EMPTY = new Float64Array(0);

/** v[wo .. wo+n) = J^T (J v[q .. q+n)) for the row-major n x n J; returns |J q|^2 (u: n scratch). */
function gramTS(J: Float64Array, n: number, v: Float64Array, q: number, wo: number, u: Float64Array): number {
  let a = 0;
  for (let r = 0; r < n; r++) {
    let acc = 0;
    const ro = r * n;
    for (let c = 0; c < n; c++) acc += J[ro + c] * v[q + c];
    u[r] = acc;
    a += acc * acc;
  }
  v.fill(0, wo, wo + n);
  for (let r = 0; r < n; r++) {
    const x = u[r];
    if (x === 0) continue;
    const ro = r * n;
    for (let c = 0; c < n; c++) v[wo + c] += J[ro + c] * x;
  }
  return a;
}

/** w (at wo) minus its components along the m basis rows at qo (width n), modified Gram-Schmidt. */
function orthogonaliseTS(v: Float64Array, qo: number, m: number, n: number, wo: number): void {
  for (let i = 0; i < m; i++) {
    const io = qo + i * n;
    let d = 0;
    for (let c = 0; c < n; c++) d += v[io + c] * v[wo + c];
    for (let c = 0; c < n; c++) v[wo + c] -= d * v[io + c];
  }
}

/** The generic start vector (no symmetry with the coordinate axes), unit length, at v[o .. o+n). */
function genericStart(v: Float64Array, o: number, n: number): void {
  let s = 0;
  for (let c = 0; c < n; c++) {
    const x = 1 + 0.5 * Math.sin(1 + 2.3 * c);
    v[o + c] = x;
    s += x * x;
  }
  const inv = 1 / Math.sqrt(s);
  for (let c = 0; c < n; c++) v[o + c] *= inv;
}

/**
 * The Lanczos start vector at v[q ..]: J's largest row (at v[row ..]) scaled to unit length, plus
 * GENERIC_MIX times the generic start at v[g ..], normalised. Row r of J is J^T e_r: as a unit vector
 * q it has |J q| >= |row r|, and it leans towards the top right singular vector (is it, when W_hh is
 * orthogonal and J = diag(s) W_hh); the generic part keeps the start from being orthogonal to that
 * vector. Measured, this halves the steps a given accuracy needs. A zero or non-finite J gets the
 * generic start alone.
 */
function rowStart(v: Float64Array, row: number, g: number, q: number, n: number): void {
  let r2 = 0;
  for (let c = 0; c < n; c++) r2 += v[row + c] * v[row + c];
  if (!(r2 > 0 && r2 < Infinity)) {
    for (let c = 0; c < n; c++) v[q + c] = v[g + c];
    return;
  }
  const inv = 1 / Math.sqrt(r2);
  let s = 0;
  for (let c = 0; c < n; c++) {
    const x = v[row + c] * inv + GENERIC_MIX * v[g + c];
    v[q + c] = x;
    s += x * x;
  }
  const inv2 = 1 / Math.sqrt(s);
  for (let c = 0; c < n; c++) v[q + c] *= inv2;
}

/** Scratch space of spectralNorm for n x n matrices and up to k Lanczos vectors. */
export interface LanczosWork {
  n: number;
  k: number;
  /** k x n orthonormal Lanczos basis */
  Q: Float64Array;
  alpha: Float64Array;
  beta: Float64Array;
  u: Float64Array;
  w: Float64Array;
  /** Q, w, the generic start vector and k coefficients in one array (Q and w are views of it) */
  buf: Float64Array;
}

export function createLanczosWork(n: number, k: number): LanczosWork {
  const buf = new Float64Array(k * n + 2 * n + k);
  genericStart(buf, k * n + n, n);
  return {
    n,
    k,
    Q: buf.subarray(0, k * n),
    alpha: new Float64Array(k),
    beta: new Float64Array(k),
    u: new Float64Array(n),
    w: buf.subarray(k * n, k * n + n),
    buf,
  };
}

/**
 * Largest singular value of the n x n matrix J: the square root of the largest eigenvalue of
 * J^T J, by Lanczos with full reorthogonalisation. Unlike power iteration it converges fast when
 * the top singular values are close (orthogonal recurrent weights make them so); with k = n
 * iterations it is exact up to rounding. Stops when the top Ritz value changes by less than tol
 * (tol <= 0: after maxIter iterations). The result never exceeds the norm (beyond rounding).
 */
export function spectralNorm(J: Float64Array, n: number, work: LanczosWork, tol = 1e-12, maxIter = n): number {
  const k = Math.min(maxIter, work.k, n);
  const v = work.buf;
  const wo = work.k * n;
  const space: LanczosSpace = { v, n, ld: n, qo: 0, wo, co: wo + 2 * n, kernel: null, single: null, jo: 0, to: 0, J, u: work.u };
  // The largest row of J, copied next to the basis (into w, free until the first product).
  let best = -1;
  let row = 0;
  for (let r = 0; r < n; r++) {
    let a = 0;
    for (let c = 0; c < n; c++) a += J[r * n + c] * J[r * n + c];
    if (a > best) {
      best = a;
      row = r;
    }
  }
  v.set(J.subarray(row * n, (row + 1) * n), wo);
  rowStart(v, wo, wo + n, 0, n);
  return Math.sqrt(Math.max(0, lanczos(space, work.alpha, work.beta, tol, k)));
}

/**
 * The Lanczos iteration behind spectralNorm, from the unit start vector in the first basis row, for
 * at most k steps; alpha and beta (k each) receive the tridiagonal matrix. Returns the top Ritz value.
 */
function lanczos(sp: LanczosSpace, alpha: Float64Array, beta: Float64Array, tol: number, k: number): number {
  const { v, n, ld, qo, wo, co, kernel, single, jo } = sp;
  let top = 0;
  let prevTop = 0;
  let alphaMax = 0;
  // Ritz values along the way only feed the test against tol; the last one is computed in full.
  const rough = Math.max(1e-3 * tol, 1e-15);
  for (let j = 0; j < k; j++) {
    const qj = qo + j * ld;
    // w = J^T (J q_j); q_j . w = |J q_j|^2
    const a =
      kernel === null ? gramTS(sp.J, n, v, qj, wo, sp.u) : single !== null ? single.gramv32(jo, n, ld, qj, wo, sp.to) : kernel.gramv(jo, n, ld, qj, wo);
    if (!Number.isFinite(a)) return a !== a ? NaN : Infinity;
    alpha[j] = a;
    if (a > alphaMax) alphaMax = a;
    const m = j + 1;
    // Full reorthogonalisation against every basis vector so far, twice for stability (in wasm,
    // classical Gram-Schmidt as two products: the coefficients Q w, then w -= Q^T coefficients).
    for (let pass = 0; pass < 2; pass++) {
      if (kernel === null) orthogonaliseTS(v, qo, m, n, wo);
      else {
        v.fill(0, co, co + m);
        kernel.gemv(qo, m, ld, wo, co);
        for (let i = 0; i < m; i++) v[co + i] = -v[co + i];
        kernel.gemvT(qo, m, ld, co, wo);
      }
    }
    const b = norm2(v, wo, n);
    // Lower bounds of the top eigenvalue of T: its diagonal, and the last Ritz value (which may lie
    // above its own root by rough, relatively).
    const lower = Math.max(top - rough * Math.abs(top), alphaMax);
    // Stop at k steps, at an invariant subspace (w vanished), or when the top Ritz value settles.
    let done = m >= k || b <= 1e-13 * Math.max(lower, 1e-300);
    let guess = top + 2 * (top - prevTop);
    if (tol > 0 && !done) {
      prevTop = top;
      top = topEigenvalue(alpha, beta, m, lower, guess, rough);
      guess = top;
      done = j > 0 && Math.abs(top - prevTop) <= tol * top;
    }
    if (done) return topEigenvalue(alpha, beta, m, lower, guess, 1e-15);
    beta[j] = b;
    const no = qj + ld;
    const inv = 1 / b;
    for (let c = 0; c < n; c++) v[no + c] = v[wo + c] * inv;
  }
  return top;
}

/**
 * Largest eigenvalue of the symmetric tridiagonal matrix with diagonal alpha[0..m) and
 * off-diagonal beta[0..m-1) (see topEigenvalue).
 */
export function largestTridiagonalEigenvalue(alpha: Float64Array, beta: Float64Array, m: number): number {
  return topEigenvalue(alpha, beta, m, -Infinity, Infinity, 1e-15);
}

/**
 * Largest eigenvalue of the tridiagonal matrix T (alpha[0..m), beta[0..m-1)), given a lower bound lo
 * and a guess just above it (ignored unless between lo and the Gershgorin bound), to relative
 * accuracy relTol. Newton's method on det(T - xI) from above: for x above every eigenvalue all
 * pivots of T - xI = L D L^T are negative, and Newton steps move down monotonically to the largest
 * root, quadratically once close (a handful of steps, against some fifty of bisection). A guess that
 * turns out below the root is widened upwards; a pivot sign that says a step undershot (rounding,
 * or the double step taken when two roots nearly coincide and Newton slows to halving) bisects.
 * Pivot signs within rounding of the root are noise, so a step landing at lo ends the search there.
 */
function topEigenvalue(alpha: Float64Array, beta: Float64Array, m: number, lo: number, guess: number, relTol: number): number {
  if (m === 1) return alpha[0];
  let hi = -Infinity;
  let gLo = Infinity;
  for (let i = 0; i < m; i++) {
    const r = (i > 0 ? Math.abs(beta[i - 1]) : 0) + (i < m - 1 ? Math.abs(beta[i]) : 0);
    hi = Math.max(hi, alpha[i] + r);
    gLo = Math.min(gLo, alpha[i] - r);
  }
  if (!(hi < Infinity)) return hi;
  lo = Math.max(lo, gLo);
  const resolution = Math.max(relTol, 1e-14);
  let x = guess > lo && guess < hi ? guess : hi;
  let widen = x - lo;
  // hi is a point found above the root (not just the Gershgorin bound) once Newton has started.
  let bracketed = false;
  let prevStep = Infinity;
  for (let it = 0; it < 200; it++) {
    // Pivots d_i of T - xI, and the log-derivative S = sum d_i'/d_i of det(T - xI).
    let d = alpha[0] - x;
    let dp = -1;
    let S = dp / d;
    let fail = d < 0 ? -1 : 0;
    for (let i = 1; i < m && fail < 0; i++) {
      const b2 = beta[i - 1] * beta[i - 1];
      dp = -1 + (b2 * dp) / (d * d);
      d = alpha[i] - x - b2 / d;
      S += dp / d;
      if (!(d < 0)) fail = i;
    }
    let next: number;
    if (fail >= 0) {
      // A pivot >= 0: x is at or below the largest eigenvalue (exactly at it when only the last is 0).
      if (fail === m - 1 && d === 0) return x;
      lo = x;
      if (hi - lo <= resolution * Math.abs(hi)) return lo;
      widen *= 4;
      next = bracketed || lo + widen >= hi ? 0.5 * (lo + hi) : lo + widen;
    } else {
      hi = x;
      bracketed = true;
      const step = 1 / S;
      if (step > 0 && step < Infinity) {
        // m steps bound the distance left even next to a cluster of m roots (where Newton is linear).
        if (m * step <= relTol * Math.abs(x)) return x - step;
        // Halving steps mean two roots nearly coincide: a double step converges at once.
        next = x - (step > 0.4 * prevStep ? 2 : 1) * step;
        if (next <= lo) {
          // A single step from above cannot pass the root, so at or below lo it says lo is the root.
          if (x - step <= lo) return lo;
          next = x - step;
        }
        prevStep = step;
      } else next = 0.5 * (lo + hi);
    }
    if (next >= hi || next <= lo) return hi;
    x = next;
  }
  return hi;
}
