/**
 * One-step Jacobian norms, the "why" of vanishing gradients: dL/dh_{t-1} = J_t^T dL/dh_t, so the
 * gradient reaching step t is bounded by the product of ||J|| over the steps in between.
 *
 * Norm: the spectral norm (largest singular value), by power iteration on J^T J, warm-started from
 * the previous step's vector and run until the estimate changes by less than `tol` (relative).
 * For lstm, J_h = partial dh_t/dh_{t-1} with c_{t-1} held fixed, and J_c = partial dc_t/dc_{t-1}
 * with h_{t-1} held fixed = diag(f_t), whose spectral norm is max_j |f_t[j]|.
 */
import { norm2 } from './linalg';
import { tanhDerFromOutput, sigmoidDerFromOutput } from './activations';
import { BLOCKS, type ForwardTrace, type JacobianNorms, type ModelParams } from './types';

export interface JacobianOptions {
  /** relative change of the estimate at which power iteration stops (default 1e-10) */
  tol?: number;
  /** iteration cap per step (default 200) */
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
  J.fill(0);
  const addRow = (j: number, block: number, scale: number): void => {
    if (scale === 0) return;
    const wo = (block * H + j) * H;
    const jo = j * H;
    for (let k = 0; k < H; k++) J[jo + k] += scale * W[wo + k];
  };
  if (cell === 'rnn') {
    for (let j = 0; j < H; j++) addRow(j, 0, tanhDerFromOutput(trace.h[so + j]));
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
      addRow(j, 0, dhdc * cand * sigmoidDerFromOutput(i));
      addRow(j, 1, dhdc * cPrev * sigmoidDerFromOutput(f));
      addRow(j, 2, dhdc * i * tanhDerFromOutput(cand));
      addRow(j, 3, tc * sigmoidDerFromOutput(o));
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
    addRow(j, 0, dn * hn[so + j] * sigmoidDerFromOutput(r));
    addRow(j, 1, (hPrev - n) * sigmoidDerFromOutput(z));
    addRow(j, 2, dn * r);
    J[j * H + j] += z;
  }
}

/**
 * Spectral norms of the one-step Jacobians of every step.
 * @returns h: T norms of dh_t/dh_{t-1}; c: T norms of dc_t/dc_{t-1} (lstm only)
 */
export function jacobianNorms(params: ModelParams, trace: ForwardTrace, opts: JacobianOptions = {}): JacobianNorms {
  const { T, H, cell } = trace;
  const tol = opts.tol ?? 1e-10;
  const maxIter = opts.maxIter ?? 200;
  const J = new Float64Array(H * H);
  const v = new Float64Array(H);
  const u = new Float64Array(H);
  const w = new Float64Array(H);
  // A fixed, non-special start vector; later steps start from the previous step's answer.
  for (let k = 0; k < H; k++) v[k] = 1 / Math.sqrt(H) + (k % 7) * 1e-3;
  const hNorms = new Float64Array(T);
  for (let t = 0; t < T; t++) {
    stepJacobian(params, trace, t, J);
    hNorms[t] = spectralNorm(J, H, v, u, w, tol, maxIter);
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

/** Largest singular value of the n x n matrix J by power iteration on J^T J; v is the warm start and is updated. */
export function spectralNorm(
  J: Float64Array,
  n: number,
  v: Float64Array,
  u: Float64Array,
  w: Float64Array,
  tol: number,
  maxIter: number,
): number {
  let nv = norm2(v, 0, n);
  if (!(nv > 0) || !Number.isFinite(nv)) {
    for (let k = 0; k < n; k++) v[k] = 1 / Math.sqrt(n);
    nv = 1;
  }
  for (let k = 0; k < n; k++) v[k] /= nv;
  let sigma = 0;
  for (let it = 0; it < maxIter; it++) {
    // u = J v ; w = J^T u
    for (let r = 0; r < n; r++) {
      let s = 0;
      const ro = r * n;
      for (let k = 0; k < n; k++) s += J[ro + k] * v[k];
      u[r] = s;
    }
    const nu = norm2(u, 0, n);
    if (!Number.isFinite(nu)) return nu;
    if (nu === 0) {
      // v is in the null space; the matrix may still be non-zero: restart from a generic vector.
      if (it > 0) return sigma;
      for (let k = 0; k < n; k++) v[k] = (1 + (k % 5)) / Math.sqrt(n * 11);
      continue;
    }
    w.fill(0);
    for (let r = 0; r < n; r++) {
      const a = u[r];
      const ro = r * n;
      for (let k = 0; k < n; k++) w[k] += J[ro + k] * a;
    }
    const nw = norm2(w, 0, n);
    const prev = sigma;
    sigma = nu;
    if (nw === 0 || !Number.isFinite(nw)) return sigma;
    for (let k = 0; k < n; k++) v[k] = w[k] / nw;
    if (it > 0 && Math.abs(sigma - prev) <= tol * sigma) break;
  }
  // One more J v with the converged v gives the final estimate.
  for (let r = 0; r < n; r++) {
    let s = 0;
    const ro = r * n;
    for (let k = 0; k < n; k++) s += J[ro + k] * v[k];
    u[r] = s;
  }
  return Math.max(sigma, norm2(u, 0, n));
}
