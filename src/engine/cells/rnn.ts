/**
 * The plain (Elman) RNN: h_t = tanh(W_ih x_t + b_ih + W_hh h_{t-1} + b_hh). One block, no gates;
 * the same maths as rnnStep in ../reference.ts.
 */
import { tanhDerFromOutput } from '../activations';
import type { CellDescriptor } from './cell';

export const rnn: CellDescriptor = {
  kind: 'rnn',
  label: 'RNN',
  gates: [],
  blocks: 1,
  keeps: { c: false, hn: false },
  splitRecurrentGrad: false,
  forgetGateBlock: null,
  keras: { blocks: [0], twoBiasRows: false },

  step(s, t) {
    const { H, ax, ah, h } = s;
    const ao = t * H;
    for (let j = 0; j < H; j++) h[ao + j] = Math.tanh(ax[ao + j] + ah[j]);
  },

  stepBackward(f, b, t) {
    const { H, dh, dax, dhDirect } = b;
    const o = t * H;
    for (let j = 0; j < H; j++) {
      dax[o + j] = dh[o + j] * tanhDerFromOutput(f.h[o + j]);
      dhDirect[j] = 0;
    }
  },

  jacobianScales(trace, t, s, so) {
    const { H } = trace;
    const ho = t * H;
    for (let j = 0; j < H; j++) s[so + j] = tanhDerFromOutput(trace.h[ho + j]);
    return false;
  },

  cellPathNorm: null,
};
