/** The LSTM's view: its six equations and its schematic with the cell-state line along the top. */
import type { CellView } from './index';
import { commonParts, gateEquation, map, mul, num, paren, texNum, texParen, Sym } from './shared';

const EXPLAIN = {
  i: 'The input gate decides how much of the candidate to write into the cell (0 writes nothing, 1 all of it): i_t = σ(W_ii x_t + b_ii + W_hi h_(t−1) + b_hi).',
  f: "The forget gate decides how much of each unit's old cell state to keep (1 keeps it all, 0 clears it): f_t = σ(W_if x_t + b_if + W_hf h_(t−1) + b_hf).",
  g: 'The candidate is the new content on offer, between −1 and 1: g_t = tanh(W_ig x_t + b_ig + W_hg h_(t−1) + b_hg).',
  o: 'The output gate decides how much of the squashed cell state to show as the hidden state: o_t = σ(W_io x_t + b_io + W_ho h_(t−1) + b_ho).',
};

// Blocks in GATE_NAMES order.
const [I, F, G, O] = [0, 1, 2, 3];

export const lstmView: Omit<CellView, 'label'> = {
  notice: {
    diagram:
      'Watch the top line: the old cell state is multiplied by the forget gate (kept part) and the input gate adds new content (written part). A forget gate near 1 carries memory, and gradient, across many steps.',
    heatmaps:
      'Each column is one token, each row one unit. Watch the forget gate f: dark cells are where a unit wipes its memory, bright ones where it keeps it. The input gate i lights up on the words the cell decides to write down.',
  },
  equations(ctx) {
    const { u, gate, cPrev, c, h } = ctx;
    return [
      gateEquation(ctx, 'i', I, 'sigma'),
      gateEquation(ctx, 'f', F, 'sigma'),
      gateEquation(ctx, 'g', G, 'tanh'),
      gateEquation(ctx, 'o', O, 'sigma'),
      {
        id: 'c',
        tex: 'c_t = f_t \\odot c_{t-1} + i_t \\odot g_t',
        plain: 'c_t = f_t ⊙ c_(t−1) + i_t ⊙ g_t',
        liveTex: `c_t${u} = ${texNum(gate(F))} \\cdot ${texParen(cPrev)} + ${texNum(gate(I))} \\cdot ${texParen(gate(G))} = ${texNum(c)}`,
        livePlain: `c_t${u} = ${num(gate(F))} · ${paren(cPrev)} + ${num(gate(I))} · ${paren(gate(G))} = ${num(c)}`,
      },
      {
        id: 'h',
        tex: 'h_t = o_t \\odot \\tanh(c_t)',
        plain: 'h_t = o_t ⊙ tanh(c_t)',
        liveTex: `h_t${u} = ${texNum(gate(O))} \\cdot \\tanh(${texNum(c)}) = ${texNum(h)}`,
        livePlain: `h_t${u} = ${num(gate(O))} · tanh(${num(c)}) = ${num(h)}`,
      },
    ];
  },

  parts(v) {
    const g = v.gates;
    const cPrev = v.cPrev ?? new Float64Array(v.H);
    const c = v.c ?? new Float64Array(v.H);
    return {
      ...commonParts(v),
      cPrev: { id: 'cPrev', name: 'Previous cell state c(t−1)', scale: 'signed', values: cPrev,
        explain: 'The cell state from the previous step, the long-term memory carried along the top line: c_(t−1) (zeros before the first token).' },
      f: { id: 'f', name: 'Forget gate f', scale: 'gate', values: g.f, explain: EXPLAIN.f },
      i: { id: 'i', name: 'Input gate i', scale: 'gate', values: g.i, explain: EXPLAIN.i },
      g: { id: 'g', name: 'Candidate g', scale: 'signed', values: g.g, explain: EXPLAIN.g },
      o: { id: 'o', name: 'Output gate o', scale: 'gate', values: g.o, explain: EXPLAIN.o },
      kept: { id: 'kept', name: 'Kept part f times c(t−1)', scale: 'signed', values: mul(g.f, cPrev),
        explain: 'The kept part is the old cell state scaled by the forget gate; along this line the gradient is multiplied only by f: f_t ⊙ c_(t−1).' },
      written: { id: 'written', name: 'Written part i times g', scale: 'signed', values: mul(g.i, g.g),
        explain: 'The written part is the candidate scaled by the input gate: i_t ⊙ g_t.' },
      c: { id: 'c', name: 'Cell state c', scale: 'signed', values: c,
        explain: 'The new cell state is the kept part plus the written part: c_t = f_t ⊙ c_(t−1) + i_t ⊙ g_t.' },
      tanhC: { id: 'tanhC', name: 'Squashed cell state tanh(c)', scale: 'signed', values: map(c, Math.tanh),
        explain: 'The cell state is squashed into (−1, 1) before the output gate filters it: tanh(c_t).' },
      h: { id: 'h', name: 'Hidden state h', scale: 'signed', values: v.h,
        explain: 'The new hidden state is what the output gate lets through; the next step and the classifier read it: h_t = o_t ⊙ tanh(c_t).' },
    };
  },

  diagram({ parts, box, junction, inputs, wire, arrow }) {
    return (
      <>
        {/* the cell-state line along the top: c_{t-1} -> x f -> + i*g -> c_t */}
        <path d="M88,80H168M192,80H303M327,80H508" style={{ ...wire, strokeWidth: 3 }} markerEnd={arrow} />
        <path d="M180,233V93" style={wire} markerEnd={arrow} />
        <path d="M270,233V185H302M360,233V185H328" style={wire} />
        <path d="M315,173V93" style={wire} markerEnd={arrow} />
        <path d="M455,80V120M455,152V187M455,233V213M467,200H508" style={wire} markerEnd={arrow} />
        <path d="M180,52V69M315,52V69" style={{ ...wire, strokeDasharray: '2 3' }} />
        {junction(180, 80, '×')}
        {junction(315, 80, '+')}
        {junction(315, 185, '×')}
        {junction(455, 200, '×')}
        {inputs(455, [180, 270, 360, 455], true)}
        {box({ part: parts.cPrev, x: 8, y: 53, title: <Sym base="c" sub="t−1" /> })}
        {box({ part: parts.kept, x: 140, y: 0, w: 84, h: 52, title: <><Sym base="f" />{'⊙'}<Sym base="c" sub="t−1" /></> })}
        {box({ part: parts.written, x: 275, y: 0, w: 84, h: 52, title: <><Sym base="i" />{'⊙'}<Sym base="g" /></> })}
        {box({ part: parts.c, x: 510, y: 53, title: <Sym base="c" sub="t" /> })}
        {box({ part: parts.tanhC, x: 420, y: 121, w: 70, h: 30, title: 'tanh' })}
        {box({ part: parts.h, x: 510, y: 173, title: <Sym base="h" sub="t" /> })}
        {box({ part: parts.f, x: 140, y: 233, title: <><Sym base="f" sub="t" /> σ</> })}
        {box({ part: parts.i, x: 230, y: 233, title: <><Sym base="i" sub="t" /> σ</> })}
        {box({ part: parts.g, x: 320, y: 233, title: <><Sym base="g" sub="t" /> tanh</> })}
        {box({ part: parts.o, x: 415, y: 233, title: <><Sym base="o" sub="t" /> σ</> })}
      </>
    );
  },
};
