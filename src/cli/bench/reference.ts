/**
 * An independent float64 oracle for the benchmark's gradient check: forward-mode differentiation
 * with dual numbers (value, tangent), written from the cell equations with plain number[] arrays
 * and sharing no code with src/engine. It returns the exact directional derivative
 * dL/dtheta . v of the loss along a direction v in parameter space, with no step size, so it
 * agrees with a correct reverse-mode gradient to rounding error (about 1e-13 relative here).
 */
import type { CellKind, ModelParams, ParamGrads } from '../../engine';

type Direction = ParamGrads;

const sig = (a: number): number => 1 / (1 + Math.exp(-a));

/** Returns L and dL along v for -log softmax(head(h_T))[target]. */
export function directionalDerivative(
  p: ModelParams,
  v: Direction,
  ids: ArrayLike<number>,
  target: number,
): { loss: number; derivative: number } {
  const { cell, inputSize: D, hiddenSize: H, numClasses: K } = p;
  // Written out per kind, not read from the engine's descriptors, so it stays independent of them;
  // this Record makes the compiler ask a new kind for its block count (and its branch below).
  const G: Record<CellKind, number> = { rnn: 1, lstm: 4, gru: 3 };
  const GH = G[cell] * H;
  let h = new Array<number>(H).fill(0);
  let dh = new Array<number>(H).fill(0);
  let c = new Array<number>(H).fill(0);
  let dc = new Array<number>(H).fill(0);
  // Pre-activations of row r, input side (a) and recurrent side (b), with tangents.
  const ax = new Array<number>(GH);
  const dax = new Array<number>(GH);
  const ah = new Array<number>(GH);
  const dah = new Array<number>(GH);
  for (let t = 0; t < ids.length; t++) {
    const e = ids[t] * D;
    for (let r = 0; r < GH; r++) {
      let s = p.biasIh[r];
      let ds = v.biasIh[r];
      for (let d = 0; d < D; d++) {
        s += p.weightIh[r * D + d] * p.embedding[e + d];
        ds += v.weightIh[r * D + d] * p.embedding[e + d] + p.weightIh[r * D + d] * v.embedding[e + d];
      }
      ax[r] = s;
      dax[r] = ds;
      let u = p.biasHh[r];
      let du = v.biasHh[r];
      for (let k = 0; k < H; k++) {
        u += p.weightHh[r * H + k] * h[k];
        du += v.weightHh[r * H + k] * h[k] + p.weightHh[r * H + k] * dh[k];
      }
      ah[r] = u;
      dah[r] = du;
    }
    const hNew = new Array<number>(H);
    const dhNew = new Array<number>(H);
    const cNew = new Array<number>(H);
    const dcNew = new Array<number>(H);
    for (let j = 0; j < H; j++) {
      // The oracle writes each kind's equations itself (it checks the descriptors); the last branch is the GRU.
      if (cell === 'rnn') {
        const y = Math.tanh(ax[j] + ah[j]);
        hNew[j] = y;
        dhNew[j] = (1 - y * y) * (dax[j] + dah[j]);
      } else if (cell === 'lstm') {
        const i = sig(ax[j] + ah[j]);
        const di = i * (1 - i) * (dax[j] + dah[j]);
        const f = sig(ax[H + j] + ah[H + j]);
        const df = f * (1 - f) * (dax[H + j] + dah[H + j]);
        const g = Math.tanh(ax[2 * H + j] + ah[2 * H + j]);
        const dg = (1 - g * g) * (dax[2 * H + j] + dah[2 * H + j]);
        const o = sig(ax[3 * H + j] + ah[3 * H + j]);
        const dO = o * (1 - o) * (dax[3 * H + j] + dah[3 * H + j]);
        cNew[j] = f * c[j] + i * g;
        dcNew[j] = df * c[j] + f * dc[j] + di * g + i * dg;
        const tc = Math.tanh(cNew[j]);
        hNew[j] = o * tc;
        dhNew[j] = dO * tc + o * (1 - tc * tc) * dcNew[j];
      } else {
        const r = sig(ax[j] + ah[j]);
        const dr = r * (1 - r) * (dax[j] + dah[j]);
        const z = sig(ax[H + j] + ah[H + j]);
        const dz = z * (1 - z) * (dax[H + j] + dah[H + j]);
        const n = Math.tanh(ax[2 * H + j] + r * ah[2 * H + j]);
        const dn = (1 - n * n) * (dax[2 * H + j] + dr * ah[2 * H + j] + r * dah[2 * H + j]);
        hNew[j] = (1 - z) * n + z * h[j];
        dhNew[j] = -dz * n + (1 - z) * dn + dz * h[j] + z * dh[j];
      }
    }
    h = hNew;
    dh = dhNew;
    // Only the LSTM carries a cell state (the oracle does not read the engine's descriptors).
    if (cell === 'lstm') {
      c = cNew;
      dc = dcNew;
    }
  }
  const logits: number[] = [];
  const dlogits: number[] = [];
  for (let k = 0; k < K; k++) {
    let s = p.headBias[k];
    let ds = v.headBias[k];
    for (let j = 0; j < H; j++) {
      s += p.headWeight[k * H + j] * h[j];
      ds += v.headWeight[k * H + j] * h[j] + p.headWeight[k * H + j] * dh[j];
    }
    logits.push(s);
    dlogits.push(ds);
  }
  const m = Math.max(...logits);
  const z = logits.reduce((s, l) => s + Math.exp(l - m), 0);
  const loss = m + Math.log(z) - logits[target];
  // d(log-sum-exp) = sum_k softmax_k dlogit_k.
  let dlse = 0;
  for (let k = 0; k < K; k++) dlse += (Math.exp(logits[k] - m) / z) * dlogits[k];
  return { loss, derivative: dlse - dlogits[target] };
}
