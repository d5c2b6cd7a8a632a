/**
 * What actually decides how much gradient reaches step t: not the one-step Jacobian norms (they
 * only bound the product), but the product itself. With the loss read off h_{T-1} only,
 *   dL/dh_t = (dh_{T-1}/dh_t)^T dL/dh_{T-1},   dL/dc_t = (dh_{T-1}/dc_t)^T dL/dh_{T-1},
 * where dh_{T-1}/d(h_t, c_t) is the first H rows of the product of the one-step Jacobians of the
 * whole state, J_{T-1} ... J_{t+1}. This file forms those rows from the last step back (H x S, S = H
 * or 2H for a cell that keeps c) and takes the spectral norm of their h block (and c block).
 *
 * For a cell that keeps a cell state (the LSTM), the state is (h, c) and the one-step Jacobian is
 *   [ dh/dh  dh/dc ]   dh/dh = jacobianScales' J (c_{t-1} held fixed),  dh/dc = diag(o tanh'(c) f)
 *   [ dc/dh  dc/dc ]   dc/dh = sum over i, f, g of diag(dc/da_b) W_b,    dc/dc = diag(f)
 * The cell path dc/dc is the product of the forget gates: forgetProducts gives it per unit.
 *
 * Cost: H^3 (2 H^3 with c) multiply-adds per step; 0.5 G for H = 128 and T = 256, so callers compute
 * it lazily, when the chart that shows it is on screen.
 */
import { CELLS } from './cells/index';
import { createLanczosWork, spectralNorm } from './jacobian';
import { layerStack, type ForwardTrace, type ModelParams } from './types';

/** ||dh_{T-1}/dh_t||_2 and, for a cell that keeps c, ||dh_{T-1}/dc_t||_2, at every step t (T each). */
export interface ProductNorms {
  h: Float64Array;
  c: Float64Array | null;
}

/**
 * The spectral norms of the products of one-step Jacobians from the last step back to every step t:
 * h[T-1] = 1 (the identity), h[t] = ||dh_{T-1}/dh_t||_2 (total derivative through every later step).
 * The products are kept scaled to a largest entry of 1 with the scale in log space, so a product of
 * 1e-200 is still measured (a norm below the smallest double comes out 0).
 */
export function productNorms(params: ModelParams, trace: ForwardTrace): ProductNorms {
  const { T, H } = trace;
  const cell = CELLS[trace.cell];
  const G = cell.blocks;
  const withC = trace.c !== null;
  // The trace's flat arrays are the top layer's (a stack's lower layers do not feed back into it).
  const stack = layerStack(params);
  const weightHh = stack[stack.length - 1].weightHh;
  const hOut = new Float64Array(T);
  const cOut = withC ? new Float64Array(T) : null;
  if (T === 0 || H === 0) return { h: hOut, c: cOut };
  const HH = H * H;
  // R = [Rh | Rc] = d h_{T-1} / d(h_t, c_t), each H x H row-major; starts as [I | 0] at t = T-1.
  let Rh: Float64Array = new Float64Array(HH);
  let Rc: Float64Array | null = withC ? new Float64Array(HH) : null;
  for (let j = 0; j < H; j++) Rh[j * H + j] = 1;
  let log2Scale = 0;
  const work = createLanczosWork(H, Math.min(H, 32));
  const s = new Float64Array(G * H);
  const d = new Float64Array(H);
  const Ahh = new Float64Array(HH);
  const Ach = withC ? new Float64Array(HH) : null;
  const cs = withC ? new Float64Array(G * H) : null;
  const scratch = new Float64Array(HH);
  const measure = (M: Float64Array): number => {
    scratch.set(M);
    return spectralNorm(scratch, H, work, 1e-12, H) * 2 ** log2Scale;
  };
  hOut[T - 1] = 1;
  if (cOut && Rc) cOut[T - 1] = 0;
  for (let t = T - 1; t > 0; t--) {
    // One step back: R <- R J_t, with J_t = d(state_t)/d(state_{t-1}).
    const diag = cell.jacobianScales(trace, t, s, 0, d, 0);
    combine(weightHh, G, H, s, Ahh);
    if (diag) for (let j = 0; j < H; j++) Ahh[j * H + j] += d[j];
    const nextH = new Float64Array(HH);
    matMulAdd(Rh, Ahh, H, nextH);
    let nextC: Float64Array | null = null;
    if (withC && Rc && Ach && cs) {
      const f = cellScales(trace, t, cs);
      combine(weightHh, G, H, cs, Ach);
      matMulAdd(Rc, Ach, H, nextH);
      // dh_t/dc_{t-1} = diag(o tanh'(c_t) f) and dc_t/dc_{t-1} = diag(f): column scalings.
      nextC = new Float64Array(HH);
      const go = t * G * H;
      const ho = t * H;
      const c = trace.c as Float64Array;
      for (let k = 0; k < H; k++) {
        const o = trace.gates[go + 3 * H + k];
        const tc = o > 1e-300 ? trace.h[ho + k] / o : Math.tanh(c[ho + k]);
        const dhdcPrev = o * (1 - tc * tc) * f[k];
        for (let r = 0; r < H; r++) nextC[r * H + k] = Rh[r * H + k] * dhdcPrev + Rc[r * H + k] * f[k];
      }
    }
    Rh = nextH;
    Rc = nextC;
    log2Scale += rescale(Rh, Rc);
    hOut[t - 1] = measure(Rh);
    if (cOut && Rc) cOut[t - 1] = measure(Rc);
  }
  return { h: hOut, c: cOut };
}

/**
 * The LSTM's dc_t/d(pre-activation) row scales for blocks i, f, g (o: 0) into cs (4H), and the
 * forget gate of step t (a view of trace.gates).
 */
function cellScales(trace: ForwardTrace, t: number, cs: Float64Array): Float64Array {
  const H = trace.H;
  const g = trace.gates;
  const go = t * 4 * H;
  const c = trace.c as Float64Array;
  for (let j = 0; j < H; j++) {
    const i = g[go + j];
    const f = g[go + H + j];
    const cand = g[go + 2 * H + j];
    const cPrev = t > 0 ? c[(t - 1) * H + j] : 0;
    cs[j] = cand * i * (1 - i);
    cs[H + j] = cPrev * f * (1 - f);
    cs[2 * H + j] = i * (1 - cand * cand);
    cs[3 * H + j] = 0;
  }
  return g.subarray(go + H, go + 2 * H);
}

/** J (H x H) = sum_b diag(s[b*H ..]) W_b over the G blocks of W (G*H x H). */
function combine(W: Float64Array, G: number, H: number, s: Float64Array, J: Float64Array): void {
  const HH = H * H;
  for (let j = 0; j < H; j++) {
    const jo = j * H;
    for (let k = 0; k < H; k++) {
      let acc = 0;
      for (let b = 0; b < G; b++) acc += s[b * H + j] * W[b * HH + jo + k];
      J[jo + k] = acc;
    }
  }
}

/** out (H x H) += A B for row-major H x H A and B. */
function matMulAdd(A: Float64Array, B: Float64Array, H: number, out: Float64Array): void {
  for (let r = 0; r < H; r++) {
    const ro = r * H;
    for (let k = 0; k < H; k++) {
      const a = A[ro + k];
      if (a === 0) continue;
      const bo = k * H;
      for (let c = 0; c < H; c++) out[ro + c] += a * B[bo + c];
    }
  }
}

/** Divides both blocks by a power of two near their largest entry; returns its exponent (0 if all zero). */
function rescale(A: Float64Array, B: Float64Array | null): number {
  let m = 0;
  for (let i = 0; i < A.length; i++) m = Math.max(m, Math.abs(A[i]));
  if (B) for (let i = 0; i < B.length; i++) m = Math.max(m, Math.abs(B[i]));
  if (!(m > 0 && m < Infinity)) return 0;
  const e = Math.ceil(Math.log2(m));
  const inv = 2 ** -e;
  for (let i = 0; i < A.length; i++) A[i] *= inv;
  if (B) for (let i = 0; i < B.length; i++) B[i] *= inv;
  return e;
}

/** The cell path back from the last step: the product of the forget gates f_{t+1} ... f_{T-1}. */
export interface ForgetProducts {
  /** T: max over units of prod_{k=t+1}^{T-1} f_k[j] (1 at t = T-1) */
  max: Float64Array;
  /** T: the same product for one unit */
  unit: Float64Array;
}

/**
 * The products of the forget gates from the last step back to every step, for a cell with a
 * forget gate (its block in trace.gates, T x G*H); null for the others. `unit` in [0, H).
 * The product of step t is dc_{T-1}/dc_t along the cell line alone (h held fixed).
 */
export function forgetProducts(trace: ForwardTrace, unit: number): ForgetProducts | null {
  const cell = CELLS[trace.cell];
  const fb = cell.forgetGateBlock;
  if (fb === null || trace.c === null) return null;
  const { T, H } = trace;
  const G = cell.blocks;
  const max = new Float64Array(T);
  const one = new Float64Array(T);
  const prod = new Float64Array(H).fill(1);
  const u = Math.min(Math.max(0, unit), H - 1);
  for (let t = T - 1; t >= 0; t--) {
    let m = 0;
    for (let j = 0; j < H; j++) m = Math.max(m, prod[j]);
    max[t] = m;
    one[t] = prod[u];
    const go = t * G * H + fb * H;
    for (let j = 0; j < H; j++) prod[j] *= trace.gates[go + j];
  }
  return { max, unit: one };
}
