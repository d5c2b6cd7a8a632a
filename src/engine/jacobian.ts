/**
 * One-step Jacobian norms, the "why" of vanishing gradients: dL/dh_{t-1} = J_t^T dL/dh_t, so the
 * gradient reaching step t is bounded by the product of ||J|| over the steps in between.
 *
 * Norm: the spectral norm (largest singular value), by Lanczos iteration on J^T J (see spectralNorm).
 * For lstm, J_h = partial dh_t/dh_{t-1} with c_{t-1} held fixed, and J_c = partial dc_t/dc_{t-1}
 * with h_{t-1} held fixed = diag(f_t), whose spectral norm is max_j |f_t[j]|.
 */
import { norm2 } from './linalg';
import { tanhDerFromOutput, sigmoidDerFromOutput } from './activations';
import { BLOCKS, type ForwardTrace, type JacobianNorms, type ModelParams } from './types';

export interface JacobianOptions {
  /** relative change of the top Ritz value at which Lanczos stops (default 1e-12) */
  tol?: number;
  /** cap on the Lanczos dimension per step (default 32; at most H, where the result is exact) */
  maxIter?: number;
}

/**
 * Writes the H x H Jacobian partial dh_t/dh_{t-1} of step t into J (row-major).
 * Row j is a combination of rows j of the W_hh blocks, scaled by derivatives of step t.
 */
export function stepJacobian(params: ModelParams, trace: ForwardTrace, t: number, J: Float64Array): void {
  const { cell, H } = trace;
  const W = params.weightHh;
  const G = BLOCKS[cell];
  const so = t * H;
  const go = t * G * H;
  const HH = H * H;
  if (cell === 'rnn') {
    for (let j = 0; j < H; j++) {
      const s0 = tanhDerFromOutput(trace.h[so + j]);
      const jo = j * H;
      for (let k = 0; k < H; k++) J[jo + k] = s0 * W[jo + k];
    }
    return;
  }
  const g = trace.gates;
  if (cell === 'lstm') {
    const c = trace.c as Float64Array;
    for (let j = 0; j < H; j++) {
      const i = g[go + j];
      const f = g[go + H + j];
      const cand = g[go + 2 * H + j];
      const o = g[go + 3 * H + j];
      const tc = Math.tanh(c[so + j]);
      const cPrev = t > 0 ? c[so - H + j] : 0;
      const dhdc = o * tanhDerFromOutput(tc);
      // Row j of J: each gate block's row j of W_hh, scaled by how gate j moves h_t[j].
      const si = dhdc * cand * sigmoidDerFromOutput(i);
      const sf = dhdc * cPrev * sigmoidDerFromOutput(f);
      const sg = dhdc * i * tanhDerFromOutput(cand);
      const sO = tc * sigmoidDerFromOutput(o);
      const jo = j * H;
      for (let k = 0; k < H; k++) {
        J[jo + k] = si * W[jo + k] + sf * W[HH + jo + k] + sg * W[2 * HH + jo + k] + sO * W[3 * HH + jo + k];
      }
    }
    return;
  }
  const hn = trace.hn as Float64Array;
  for (let j = 0; j < H; j++) {
    const r = g[go + j];
    const z = g[go + H + j];
    const n = g[go + 2 * H + j];
    const hPrev = t > 0 ? trace.h[so - H + j] : 0;
    const dn = (1 - z) * tanhDerFromOutput(n);
    const sr = dn * hn[so + j] * sigmoidDerFromOutput(r);
    const sz = (hPrev - n) * sigmoidDerFromOutput(z);
    const sn = dn * r;
    const jo = j * H;
    for (let k = 0; k < H; k++) J[jo + k] = sr * W[jo + k] + sz * W[HH + jo + k] + sn * W[2 * HH + jo + k];
    // h_t = (1 - z) n + z h_{t-1}: the direct path adds z on the diagonal.
    J[jo + j] += z;
  }
}

/**
 * Spectral norms of the one-step Jacobians of every step.
 * @returns h: T norms of dh_t/dh_{t-1}; c: T norms of dc_t/dc_{t-1} (lstm only)
 */
export function jacobianNorms(params: ModelParams, trace: ForwardTrace, opts: JacobianOptions = {}): JacobianNorms {
  const { T, H, cell } = trace;
  const tol = opts.tol ?? 1e-12;
  const maxIter = Math.max(1, Math.min(H, opts.maxIter ?? 32));
  const J = new Float64Array(H * H);
  const work = createLanczosWork(H, maxIter);
  const hNorms = new Float64Array(T);
  for (let t = 0; t < T; t++) {
    stepJacobian(params, trace, t, J);
    hNorms[t] = spectralNorm(J, H, work, tol, maxIter);
  }
  let cNorms: Float64Array | null = null;
  if (cell === 'lstm') {
    cNorms = new Float64Array(T);
    for (let t = 0; t < T; t++) {
      let m = 0;
      for (let j = 0; j < H; j++) m = Math.max(m, Math.abs(trace.gates[t * 4 * H + H + j]));
      cNorms[t] = m;
    }
  }
  return { h: hNorms, c: cNorms };
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
}

export function createLanczosWork(n: number, k: number): LanczosWork {
  return {
    n,
    k,
    Q: new Float64Array(k * n),
    alpha: new Float64Array(k),
    beta: new Float64Array(k),
    u: new Float64Array(n),
    w: new Float64Array(n),
  };
}

/**
 * Largest singular value of the n x n matrix J: the square root of the largest eigenvalue of
 * J^T J, by Lanczos with full reorthogonalisation. Unlike power iteration it converges fast when
 * the top singular values are close (orthogonal recurrent weights make them so); with k = n
 * iterations it is exact up to rounding. Stops when the top Ritz value changes by less than tol.
 */
export function spectralNorm(J: Float64Array, n: number, work: LanczosWork, tol = 1e-12, maxIter = n): number {
  const { Q, alpha, beta, u, w } = work;
  const k = Math.min(maxIter, work.k, n);
  // Start vector: generic (no symmetry with the coordinate axes), the same every call.
  let s = 0;
  for (let c = 0; c < n; c++) {
    const v = 1 + 0.5 * Math.sin(1 + 2.3 * c);
    Q[c] = v;
    s += v * v;
  }
  const inv = 1 / Math.sqrt(s);
  for (let c = 0; c < n; c++) Q[c] *= inv;
  let top = 0;
  for (let j = 0; j < k; j++) {
    const qo = j * n;
    // w = J^T (J q_j)
    for (let r = 0; r < n; r++) {
      let acc = 0;
      const ro = r * n;
      for (let c = 0; c < n; c++) acc += J[ro + c] * Q[qo + c];
      u[r] = acc;
    }
    w.fill(0);
    for (let r = 0; r < n; r++) {
      const a = u[r];
      if (a === 0) continue;
      const ro = r * n;
      for (let c = 0; c < n; c++) w[c] += J[ro + c] * a;
    }
    let a = 0;
    for (let c = 0; c < n; c++) a += Q[qo + c] * w[c];
    if (!Number.isFinite(a)) return a !== a ? NaN : Infinity;
    alpha[j] = a;
    const m = j + 1;
    // Full reorthogonalisation against every basis vector so far, twice for stability.
    for (let pass = 0; pass < 2; pass++) {
      for (let i = 0; i <= j; i++) {
        const io = i * n;
        let d = 0;
        for (let c = 0; c < n; c++) d += Q[io + c] * w[c];
        for (let c = 0; c < n; c++) w[c] -= d * Q[io + c];
      }
    }
    const b = norm2(w, 0, n);
    const prevTop = top;
    top = largestTridiagonalEigenvalue(alpha, beta, m);
    if (j + 1 >= k || b <= 1e-13 * Math.max(top, 1e-300)) break;
    if (j > 0 && Math.abs(top - prevTop) <= tol * top) break;
    beta[j] = b;
    const no = (j + 1) * n;
    for (let c = 0; c < n; c++) Q[no + c] = w[c] / b;
  }
  return Math.sqrt(Math.max(0, top));
}

/**
 * Largest eigenvalue of the symmetric tridiagonal matrix with diagonal alpha[0..m) and
 * off-diagonal beta[0..m-1), by bisection on Sturm sequence counts (robust, no iteration tuning).
 */
export function largestTridiagonalEigenvalue(alpha: Float64Array, beta: Float64Array, m: number): number {
  // Gershgorin bounds.
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < m; i++) {
    const r = (i > 0 ? Math.abs(beta[i - 1]) : 0) + (i < m - 1 ? Math.abs(beta[i]) : 0);
    lo = Math.min(lo, alpha[i] - r);
    hi = Math.max(hi, alpha[i] + r);
  }
  // Number of eigenvalues below x.
  const countBelow = (x: number): number => {
    let count = 0;
    let d = 1;
    for (let i = 0; i < m; i++) {
      const b2 = i > 0 ? beta[i - 1] * beta[i - 1] : 0;
      d = alpha[i] - x - (i > 0 ? b2 / d : 0);
      if (d === 0) d = -1e-300;
      if (d < 0) count++;
    }
    return count;
  };
  for (let it = 0; it < 200 && hi - lo > 1e-16 * Math.max(Math.abs(hi), Math.abs(lo)); it++) {
    const mid = 0.5 * (lo + hi);
    if (mid === lo || mid === hi) break;
    if (countBelow(mid) >= m) hi = mid;
    else lo = mid;
  }
  return 0.5 * (lo + hi);
}
