/** The GRU's view: its four equations and its schematic with the hidden-state line along the top. */
import type { CellView } from './index';
import { commonParts, gateEquation, map, mul, num, paren, texNum, texParen, Sym } from './shared';

const EXPLAIN = {
  r: 'The reset gate decides how much of the old state the candidate may look at: r_t = σ(W_ir x_t + b_ir + W_hr h_(t−1) + b_hr).',
  z: 'The update gate decides how much of the old state to keep unchanged (1 keeps it, 0 replaces it): z_t = σ(W_iz x_t + b_iz + W_hz h_(t−1) + b_hz).',
  n: 'The candidate is new content built from the input and the reset-filtered old state: n_t = tanh(W_in x_t + b_in + r_t ⊙ (W_hn h_(t−1) + b_hn)).',
};

// Blocks in GATE_NAMES order.
const [R, Z, N] = [0, 1, 2];

export const gruView: Omit<CellView, 'label'> = {
  notice: {
    diagram:
      'The update gate z mixes the old state (kept, z·h) with the new candidate (written, (1−z)·n): where z is near 1 the state, and its gradient, pass through unchanged.',
    heatmaps:
      'Each column is one token, each row one unit. Where the update gate z is bright (near 1) the unit keeps its old value; where it is dark the unit takes the new candidate n.',
  },
  equations(ctx) {
    const { u, gate, hPrev, h } = ctx;
    // n's recurrent side is scaled by r before the tanh, so it is not a plain gate equation.
    const { input, recurrent } = ctx.pre(N);
    const r = gate(R);
    const z = gate(Z);
    const n = gate(N);
    return [
      gateEquation(ctx, 'r', R, 'sigma'),
      gateEquation(ctx, 'z', Z, 'sigma'),
      {
        id: 'n',
        tex: 'n_t = \\tanh(W_{in}\\,x_t + b_{in} + r_t \\odot (W_{hn}\\,h_{t-1} + b_{hn}))',
        plain: 'n_t = tanh(W_in x_t + b_in + r_t ⊙ (W_hn h_(t−1) + b_hn))',
        liveTex: `n_t${u} = \\tanh(${texNum(input)} + ${texNum(r)} \\cdot ${texParen(recurrent)}) = \\tanh(${texNum(input + r * recurrent)}) = ${texNum(n)}`,
        livePlain: `n_t${u} = tanh(${num(input)} + ${num(r)} · ${paren(recurrent)}) = tanh(${num(input + r * recurrent)}) = ${num(n)}`,
      },
      {
        id: 'h',
        tex: 'h_t = (1 - z_t) \\odot n_t + z_t \\odot h_{t-1}',
        plain: 'h_t = (1 − z_t) ⊙ n_t + z_t ⊙ h_(t−1)',
        liveTex: `h_t${u} = (1 - ${texNum(z)}) \\cdot ${texParen(n)} + ${texNum(z)} \\cdot ${texParen(hPrev)} = ${texNum(h)}`,
        livePlain: `h_t${u} = (1 − ${num(z)}) · ${paren(n)} + ${num(z)} · ${paren(hPrev)} = ${num(h)}`,
      },
    ];
  },

  parts(v) {
    const g = v.gates;
    return {
      ...commonParts(v),
      r: { id: 'r', name: 'Reset gate r', scale: 'gate', values: g.r, explain: EXPLAIN.r },
      z: { id: 'z', name: 'Update gate z', scale: 'gate', values: g.z, explain: EXPLAIN.z },
      n: { id: 'n', name: 'Candidate n', scale: 'signed', values: g.n, explain: EXPLAIN.n },
      oneMinusZ: { id: 'oneMinusZ', name: 'One minus z', scale: 'gate', values: map(g.z, (z) => 1 - z),
        explain: 'One minus the update gate is the share of the candidate that gets written: 1 − z_t.' },
      kept: { id: 'kept', name: 'Kept part z times h(t−1)', scale: 'signed', values: mul(g.z, v.hPrev),
        explain: 'The kept part is the old hidden state scaled by the update gate; along this line the gradient is multiplied by z: z_t ⊙ h_(t−1).' },
      written: { id: 'written', name: 'Written part (1−z) times n', scale: 'signed', values: mul(map(g.z, (z) => 1 - z), g.n),
        explain: 'The written part is the candidate scaled by one minus the update gate: (1 − z_t) ⊙ n_t.' },
      h: { id: 'h', name: 'Hidden state h', scale: 'signed', values: v.h,
        explain: 'The new hidden state mixes the kept and the written parts: h_t = z_t ⊙ h_(t−1) + (1 − z_t) ⊙ n_t.' },
    };
  },

  diagram({ parts, box, junction, inputs, wire, arrow }) {
    return (
      <>
        {/* the hidden-state line along the top: h_{t-1} -> x z -> + (1-z)*n -> h_t */}
        <path d="M88,80H168M192,80H303M327,80H508" style={{ ...wire, strokeWidth: 3 }} markerEnd={arrow} />
        <path d="M110,80V240" style={wire} />
        <path d="M180,233V93" style={wire} markerEnd={arrow} />
        <path d="M180,185H224" style={wire} markerEnd={arrow} />
        <path d="M276,185H302M360,233V185H328" style={wire} />
        <path d="M315,173V93" style={wire} markerEnd={arrow} />
        <path d="M415,262H402" style={wire} markerEnd={arrow} />
        <path d="M180,52V69M315,52V69" style={{ ...wire, strokeDasharray: '2 3' }} />
        {junction(180, 80, '×')}
        {junction(315, 80, '+')}
        {junction(315, 185, '×')}
        {inputs(455, [180, 360, 455], false)}
        {box({ part: parts.kept, x: 140, y: 0, w: 84, h: 52, title: <><Sym base="z" />{'⊙'}<Sym base="h" sub="t−1" /></> })}
        {box({ part: parts.written, x: 275, y: 0, w: 84, h: 52, title: <>{'(1−'}<Sym base="z" />{')⊙'}<Sym base="n" /></> })}
        {box({ part: parts.oneMinusZ, x: 226, y: 171, w: 50, h: 28, title: <>{'1−'}<Sym base="z" /></> })}
        {box({ part: parts.h, x: 510, y: 53, title: <Sym base="h" sub="t" /> })}
        {box({ part: parts.z, x: 140, y: 233, title: <><Sym base="z" sub="t" /> σ</> })}
        {box({ part: parts.n, x: 320, y: 233, title: <><Sym base="n" sub="t" /> tanh</> })}
        {box({ part: parts.r, x: 415, y: 233, title: <><Sym base="r" sub="t" /> σ</> })}
        {/* h_{t-1} enters at the top left of the state line and drops to the gates' bus */}
        {box({ part: parts.hPrev, x: 8, y: 53, title: <Sym base="h" sub="t−1" /> })}
      </>
    );
  },
};
