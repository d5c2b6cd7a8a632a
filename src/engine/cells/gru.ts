/**
 * The GRU (PyTorch's form, reset applied after the recurrent product), blocks r, z, n; the same
 * maths as gruStep in ../reference.ts:
 *   r = σ(..), z = σ(..)   (each W_i* x_t + b_i* + W_h* h_{t-1} + b_h*)
 *   n = tanh(W_in x_t + b_in + r * (W_hn h_{t-1} + b_hn)),   h_t = (1 - z) * n + z * h_{t-1}
 */
import { sigmoid, sigmoidDerFromOutput, tanhDerFromOutput } from '../activations';
import type { CellDescriptor } from './cell';

export const gru: CellDescriptor = {
  kind: 'gru',
  label: 'GRU',
  gates: ['r', 'z', 'n'],
  blocks: 3,
  // hn = W_hn h_{t-1} + b_hn: backward needs it for dL/dr and cannot rebuild it from the gates.
  keeps: { c: false, hn: true },
  splitRecurrentGrad: true,
  forgetGateBlock: null,
  // Keras stacks z, r, h: the first two blocks swap. reset_after=True keeps b_ih and b_hh as two rows.
  keras: { blocks: [1, 0, 2], twoBiasRows: true },

  step(s, t) {
    const { H, ax, ah, h, gates, zeros } = s;
    const hn = s.hn as Float64Array;
    const G3 = 3 * H;
    const ao = t * G3;
    const so = t * H;
    const hPrev = t > 0 ? h : zeros;
    const hpo = t > 0 ? so - H : 0;
    for (let j = 0; j < H; j++) {
      // Reset gate: how much of the old state the candidate may look at.
      const resetGate = sigmoid(ax[ao + j] + ah[j]);
      // Update gate: how much of the old state to keep unchanged.
      const updateGate = sigmoid(ax[ao + H + j] + ah[H + j]);
      const recurrentN = ah[2 * H + j];
      // Candidate: new content, built from the input and the reset-filtered old state.
      const candidate = Math.tanh(ax[ao + 2 * H + j] + resetGate * recurrentN);
      h[so + j] = (1 - updateGate) * candidate + updateGate * hPrev[hpo + j];
      gates[ao + j] = resetGate;
      gates[ao + H + j] = updateGate;
      gates[ao + 2 * H + j] = candidate;
      hn[so + j] = recurrentN;
    }
  },

  stepBackward(f, b, t, zeros) {
    const { H, dh, dax, dah, dhDirect } = b;
    const gates = f.gates;
    const hn = f.hn as Float64Array;
    const G3 = 3 * H;
    const ao = t * G3;
    const so = t * H;
    const hPrev = t > 0 ? f.h : zeros;
    const hpo = t > 0 ? so - H : 0;
    for (let j = 0; j < H; j++) {
      const resetGate = gates[ao + j];
      const updateGate = gates[ao + H + j];
      const candidate = gates[ao + 2 * H + j];
      const dH = dh[so + j];
      const dCandidatePre = dH * (1 - updateGate) * tanhDerFromOutput(candidate);
      const dUpdatePre = dH * (hPrev[hpo + j] - candidate) * sigmoidDerFromOutput(updateGate);
      const dResetPre = dCandidatePre * hn[so + j] * sigmoidDerFromOutput(resetGate);
      dax[ao + j] = dResetPre;
      dax[ao + H + j] = dUpdatePre;
      dax[ao + 2 * H + j] = dCandidatePre;
      dah[ao + j] = dResetPre;
      dah[ao + H + j] = dUpdatePre;
      // The recurrent part of n is scaled by r before the tanh.
      dah[ao + 2 * H + j] = dCandidatePre * resetGate;
      dhDirect[j] = dH * updateGate;
    }
  },

  jacobianScales(trace, t, s, so, d, dOff) {
    const { H } = trace;
    const ho = t * H;
    const g = trace.gates;
    const go = t * 3 * H;
    const hn = trace.hn as Float64Array;
    for (let j = 0; j < H; j++) {
      const r = g[go + j];
      const z = g[go + H + j];
      const n = g[go + 2 * H + j];
      const hPrev = t > 0 ? trace.h[ho - H + j] : 0;
      const dn = (1 - z) * tanhDerFromOutput(n);
      s[so + j] = dn * hn[ho + j] * sigmoidDerFromOutput(r);
      s[so + H + j] = (hPrev - n) * sigmoidDerFromOutput(z);
      s[so + 2 * H + j] = dn * r;
      // h_t = (1 - z) n + z h_{t-1}: the direct path adds z on the diagonal.
      d[dOff + j] = z;
    }
    return true;
  },

  cellPathNorm: null,
};
