/** The plain RNN's view: its one equation and its schematic (x and h_{t-1} into one tanh layer). */
import type { CellView } from './index';
import { commonParts, num, paren, texNum, texParen, Sym } from './shared';

export const rnnView: Omit<CellView, 'label'> = {
  notice: {
    diagram:
      'The plain RNN has no gates: every step squashes the whole state through tanh again, so nothing is carried along untouched.',
    heatmaps:
      'Each column is one token, each row one unit. A plain RNN has no gates: every word overwrites the whole hidden state, so old colours fade quickly.',
  },
  equations(ctx) {
    const { input, recurrent } = ctx.pre(0);
    const { u, h } = ctx;
    return [{
      id: 'h',
      tex: 'h_t = \\tanh(W_{ih}\\,x_t + b_{ih} + W_{hh}\\,h_{t-1} + b_{hh})',
      plain: 'h_t = tanh(W_ih x_t + b_ih + W_hh h_(t−1) + b_hh)',
      liveTex: `h_t${u} = \\tanh(${texNum(input)} + ${texParen(recurrent)}) = \\tanh(${texNum(input + recurrent)}) = ${texNum(h)}`,
      livePlain: `h_t${u} = tanh(${num(input)} + ${paren(recurrent)}) = tanh(${num(input + recurrent)}) = ${num(h)}`,
    }];
  },

  parts(v) {
    return {
      ...commonParts(v),
      tanh: { id: 'tanh', name: 'tanh layer', scale: 'signed', values: v.h,
        explain: 'The plain RNN squashes a weighted sum of the input and the previous state and has no gates, so every step multiplies the gradient by W_hh and tanh′: h_t = tanh(W_ih x_t + b_ih + W_hh h_(t−1) + b_hh).' },
      h: { id: 'h', name: 'Hidden state h', scale: 'signed', values: v.h,
        explain: 'The new hidden state is all the plain RNN remembers; the next step and the classifier read it: h_t.' },
    };
  },

  diagram({ parts, box, inputs, wire, arrow }) {
    return (
      <>
        <path d="M300,310V191" style={wire} markerEnd={arrow} />
        <path d="M360,160H508" style={wire} markerEnd={arrow} />
        {inputs(300, [], true)}
        {box({ part: parts.tanh, x: 240, y: 130, w: 120, h: 60, title: 'tanh' })}
        {box({ part: parts.h, x: 510, y: 133, title: <Sym base="h" sub="t" /> })}
      </>
    );
  },
};
