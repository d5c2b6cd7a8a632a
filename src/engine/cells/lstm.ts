/**
 * The LSTM (PyTorch's form, no peepholes), blocks i, f, g, o; the same maths as lstmStep in
 * ../reference.ts:
 *   i = σ(..), f = σ(..), g = tanh(..), o = σ(..)   (each W_i* x_t + b_i* + W_h* h_{t-1} + b_h*)
 *   c_t = f * c_{t-1} + i * g,   h_t = o * tanh(c_t)
 */
import { sigmoid, sigmoidDerFromOutput, tanhDerFromOutput } from '../activations';
import type { CellDescriptor } from './cell';

export const lstm: CellDescriptor = {
  kind: 'lstm',
  label: 'LSTM',
  gates: ['i', 'f', 'g', 'o'],
  blocks: 4,
  keeps: { c: true, hn: false },
  splitRecurrentGrad: false,
  forgetGateBlock: 1,
  // Keras stacks i, f, c, o: our order.
  keras: { blocks: [0, 1, 2, 3], twoBiasRows: false },

  step(s, t) {
    const { H, ax, ah, h, gates, zeros } = s;
    const c = s.c as Float64Array;
    const G4 = 4 * H;
    const ao = t * G4;
    const so = t * H;
    const cPrev = t > 0 ? c : zeros;
    const cpo = t > 0 ? so - H : 0;
    for (let j = 0; j < H; j++) {
      // Input gate: how much of the candidate to write.
      const inputGate = sigmoid(ax[ao + j] + ah[j]);
      // Forget gate: how much of the old cell state to keep.
      const forgetGate = sigmoid(ax[ao + H + j] + ah[H + j]);
      // Candidate: the new content on offer.
      const candidate = Math.tanh(ax[ao + 2 * H + j] + ah[2 * H + j]);
      // Output gate: how much of the cell state to show as h.
      const outputGate = sigmoid(ax[ao + 3 * H + j] + ah[3 * H + j]);
      const kept = forgetGate * cPrev[cpo + j];
      const written = inputGate * candidate;
      const cell = kept + written;
      c[so + j] = cell;
      h[so + j] = outputGate * Math.tanh(cell);
      gates[ao + j] = inputGate;
      gates[ao + H + j] = forgetGate;
      gates[ao + 2 * H + j] = candidate;
      gates[ao + 3 * H + j] = outputGate;
    }
  },

  stepBackward(f, b, t, zeros) {
    const { H, dh, dax, dcCarry, dhDirect } = b;
    const dc = b.dc as Float64Array;
    const c = f.c as Float64Array;
    const gates = f.gates;
    const G4 = 4 * H;
    const ao = t * G4;
    const so = t * H;
    const cPrev = t > 0 ? c : zeros;
    const cpo = t > 0 ? so - H : 0;
    for (let j = 0; j < H; j++) {
      const inputGate = gates[ao + j];
      const forgetGate = gates[ao + H + j];
      const candidate = gates[ao + 2 * H + j];
      const outputGate = gates[ao + 3 * H + j];
      // h = o * tanh(c) gives tanh(c) back without a second tanh (within 2 ulp), unless o underflowed.
      const tanhCell = outputGate > 1e-300 ? f.h[so + j] / outputGate : Math.tanh(c[so + j]);
      const dH = dh[so + j];
      // Total dL/dc_t: through h_t = o * tanh(c_t), plus what step t+1 sent back along the cell line.
      const dCell = dcCarry[j] + dH * outputGate * tanhDerFromOutput(tanhCell);
      dc[so + j] = dCell;
      dax[ao + j] = dCell * candidate * sigmoidDerFromOutput(inputGate);
      dax[ao + H + j] = dCell * cPrev[cpo + j] * sigmoidDerFromOutput(forgetGate);
      dax[ao + 2 * H + j] = dCell * inputGate * tanhDerFromOutput(candidate);
      dax[ao + 3 * H + j] = dH * tanhCell * sigmoidDerFromOutput(outputGate);
      dcCarry[j] = dCell * forgetGate;
      dhDirect[j] = 0;
    }
  },

  // J_h = partial dh_t/dh_{t-1} with c_{t-1} held fixed: every gate reads h_{t-1} through W_hh.
  jacobianScales(trace, t, s, so) {
    const { H } = trace;
    const ho = t * H;
    const g = trace.gates;
    const go = t * 4 * H;
    const c = trace.c as Float64Array;
    for (let j = 0; j < H; j++) {
      const i = g[go + j];
      const f = g[go + H + j];
      const cand = g[go + 2 * H + j];
      const o = g[go + 3 * H + j];
      // h = o tanh(c) gives tanh(c) back (within 2 ulp) without a tanh call, unless o underflowed.
      const tc = o > 1e-300 ? trace.h[ho + j] / o : Math.tanh(c[ho + j]);
      const cPrev = t > 0 ? c[ho - H + j] : 0;
      const dhdc = o * tanhDerFromOutput(tc);
      // How each gate's pre-activation j moves h_t[j].
      s[so + j] = dhdc * cand * sigmoidDerFromOutput(i);
      s[so + H + j] = dhdc * cPrev * sigmoidDerFromOutput(f);
      s[so + 2 * H + j] = dhdc * i * tanhDerFromOutput(cand);
      s[so + 3 * H + j] = tc * sigmoidDerFromOutput(o);
    }
    return false;
  },

  // dc_t/dc_{t-1} with h_{t-1} held fixed is diag(f_t): its spectral norm is max_j |f_t[j]|.
  cellPathNorm(trace, t) {
    const H = trace.H;
    let m = 0;
    for (let j = 0; j < H; j++) m = Math.max(m, Math.abs(trace.gates[t * 4 * H + H + j]));
    return m;
  },
};
