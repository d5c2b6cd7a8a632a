/**
 * The current cell's equations, each followed by the same equation with the selected unit's live
 * numbers substituted. KaTeX (and its CSS and fonts) is loaded on first use; until then, and if it
 * fails, the plain-text forms are shown. Only strings built here go into TeX: numbers we format
 * and fixed symbols, never token text or anything else the student typed.
 */
import { memo, useEffect, useMemo, useRef, useState } from 'react';
import { useAfterPaint } from '../charts/useAfterPaint';
import { formatValue } from '../charts/CellDiagram';
import { BLOCKS, GATE_NAMES, type ForwardTrace, type ModelParams } from '../engine/types';
import { useVis } from '../state/context';
import { Panel } from './Panel';
import './panels.css';

export interface Equation {
  id: string;
  /** the general form */
  tex: string;
  plain: string;
  /** the form with the selected unit's numbers */
  liveTex: string;
  livePlain: string;
}

/** The diagram's number format (two decimals, small values kept); non-finite as a word, never NaN. */
export const num = formatValue;

/** A number as a factor or addend: negative values in parentheses, so "0.12 · (-0.77)". */
function paren(v: number): string {
  const s = num(v);
  return s.startsWith('-') ? `(${s})` : s;
}

// toExponential's "1.0e-7" becomes 1.0 \times 10^{-7} in TeX.
function texNum(v: number): string {
  if (!Number.isFinite(v)) return `\\text{${num(v)}}`;
  const s = num(v);
  const m = /^(-?[\d.]+)e([+-]?\d+)$/.exec(s);
  return m ? `${m[1]} \\times 10^{${Number(m[2])}}` : s;
}

function texParen(v: number): string {
  const s = texNum(v);
  return s.startsWith('-') ? `(${s})` : s;
}

/**
 * The pre-activation of block b for unit j at step t, split into the input side
 * W_ih[b*H+j,:] x_t + b_ih[b*H+j] and the recurrent side W_hh[b*H+j,:] h_{t-1} + b_hh[b*H+j].
 */
export function preActivation(params: ModelParams, trace: ForwardTrace, t: number, b: number, j: number): { input: number; recurrent: number } {
  const { inputSize: D, hiddenSize: H } = params;
  const row = b * H + j;
  let input = params.biasIh[row];
  for (let k = 0; k < D; k++) input += params.weightIh[row * D + k] * trace.x[t * D + k];
  let recurrent = params.biasHh[row];
  if (t > 0) for (let k = 0; k < H; k++) recurrent += params.weightHh[row * H + k] * trace.h[(t - 1) * H + k];
  return { input, recurrent };
}

const SIGMA = '\\sigma';
const sub = (gate: string) => `W_{i${gate}}\\,x_t + b_{i${gate}} + W_{h${gate}}\\,h_{t-1} + b_{h${gate}}`;
const subPlain = (gate: string) => `W_i${gate} x_t + b_i${gate} + W_h${gate} h_(t−1) + b_h${gate}`;

/** The equations of the cell at step t with unit j's numbers; t and j must be in range. */
export function cellEquations(params: ModelParams, trace: ForwardTrace, t: number, j: number): Equation[] {
  const H = trace.H;
  const G = BLOCKS[trace.cell];
  const gate = (b: number) => trace.gates[t * G * H + b * H + j];
  const hPrev = t > 0 ? trace.h[(t - 1) * H + j] : 0;
  const h = trace.h[t * H + j];
  const u = `[${j}]`;
  const eqs: Equation[] = [];

  // A gate written as act(input + recurrent) = act(sum) = value.
  const gateEq = (name: string, b: number, act: 'sigma' | 'tanh') => {
    const { input, recurrent } = preActivation(params, trace, t, b, j);
    const fn = act === 'sigma' ? SIGMA : '\\tanh';
    const fnPlain = act === 'sigma' ? 'σ' : 'tanh';
    eqs.push({
      id: name,
      tex: `${name}_t = ${fn}(${sub(name)})`,
      plain: `${name}_t = ${fnPlain}(${subPlain(name)})`,
      liveTex: `${name}_t${u} = ${fn}(${texNum(input)} + ${texParen(recurrent)}) = ${fn}(${texNum(input + recurrent)}) = ${texNum(gate(b))}`,
      livePlain: `${name}_t${u} = ${fnPlain}(${num(input)} + ${paren(recurrent)}) = ${fnPlain}(${num(input + recurrent)}) = ${num(gate(b))}`,
    });
  };

  if (trace.cell === 'lstm') {
    const [I, F, Gc, O] = [0, 1, 2, 3];
    GATE_NAMES.lstm.forEach((name, b) => gateEq(name, b, name === 'g' ? 'tanh' : 'sigma'));
    const c = trace.c as Float64Array;
    const cPrev = t > 0 ? c[(t - 1) * H + j] : 0;
    const ct = c[t * H + j];
    eqs.push({
      id: 'c',
      tex: 'c_t = f_t \\odot c_{t-1} + i_t \\odot g_t',
      plain: 'c_t = f_t ⊙ c_(t−1) + i_t ⊙ g_t',
      liveTex: `c_t${u} = ${texNum(gate(F))} \\cdot ${texParen(cPrev)} + ${texNum(gate(I))} \\cdot ${texParen(gate(Gc))} = ${texNum(ct)}`,
      livePlain: `c_t${u} = ${num(gate(F))} · ${paren(cPrev)} + ${num(gate(I))} · ${paren(gate(Gc))} = ${num(ct)}`,
    });
    eqs.push({
      id: 'h',
      tex: 'h_t = o_t \\odot \\tanh(c_t)',
      plain: 'h_t = o_t ⊙ tanh(c_t)',
      liveTex: `h_t${u} = ${texNum(gate(O))} \\cdot \\tanh(${texNum(ct)}) = ${texNum(h)}`,
      livePlain: `h_t${u} = ${num(gate(O))} · tanh(${num(ct)}) = ${num(h)}`,
    });
  } else if (trace.cell === 'gru') {
    gateEq('r', 0, 'sigma');
    gateEq('z', 1, 'sigma');
    const { input, recurrent } = preActivation(params, trace, t, 2, j);
    const r = gate(0);
    const z = gate(1);
    const n = gate(2);
    eqs.push({
      id: 'n',
      tex: 'n_t = \\tanh(W_{in}\\,x_t + b_{in} + r_t \\odot (W_{hn}\\,h_{t-1} + b_{hn}))',
      plain: 'n_t = tanh(W_in x_t + b_in + r_t ⊙ (W_hn h_(t−1) + b_hn))',
      liveTex: `n_t${u} = \\tanh(${texNum(input)} + ${texNum(r)} \\cdot ${texParen(recurrent)}) = \\tanh(${texNum(input + r * recurrent)}) = ${texNum(n)}`,
      livePlain: `n_t${u} = tanh(${num(input)} + ${num(r)} · ${paren(recurrent)}) = tanh(${num(input + r * recurrent)}) = ${num(n)}`,
    });
    eqs.push({
      id: 'h',
      tex: 'h_t = (1 - z_t) \\odot n_t + z_t \\odot h_{t-1}',
      plain: 'h_t = (1 − z_t) ⊙ n_t + z_t ⊙ h_(t−1)',
      liveTex: `h_t${u} = (1 - ${texNum(z)}) \\cdot ${texParen(n)} + ${texNum(z)} \\cdot ${texParen(hPrev)} = ${texNum(h)}`,
      livePlain: `h_t${u} = (1 − ${num(z)}) · ${paren(n)} + ${num(z)} · ${paren(hPrev)} = ${num(h)}`,
    });
  } else {
    const { input, recurrent } = preActivation(params, trace, t, 0, j);
    eqs.push({
      id: 'h',
      tex: 'h_t = \\tanh(W_{ih}\\,x_t + b_{ih} + W_{hh}\\,h_{t-1} + b_{hh})',
      plain: 'h_t = tanh(W_ih x_t + b_ih + W_hh h_(t−1) + b_hh)',
      liveTex: `h_t${u} = \\tanh(${texNum(input)} + ${texParen(recurrent)}) = \\tanh(${texNum(input + recurrent)}) = ${texNum(h)}`,
      livePlain: `h_t${u} = tanh(${num(input)} + ${paren(recurrent)}) = tanh(${num(input + recurrent)}) = ${num(h)}`,
    });
  }
  return eqs;
}

type Katex = (typeof import('katex'))['default'];
let katexLoad: Promise<Katex> | null = null;

/** Loads KaTeX and its stylesheet once, on first use (a separate chunk, fonts bundled by Vite). */
export function loadKatex(): Promise<Katex> {
  katexLoad ??= Promise.all([import('katex'), import('katex/dist/katex.min.css')]).then(([m]) => m.default);
  return katexLoad;
}

function useKatex(): { katex: Katex | null; failed: boolean } {
  const [state, setState] = useState<{ katex: Katex | null; failed: boolean }>({ katex: null, failed: false });
  useEffect(() => {
    let live = true;
    loadKatex().then(
      (katex) => live && setState({ katex, failed: false }),
      () => live && setState({ katex: null, failed: true }),
    );
    return () => {
      live = false;
    };
  }, []);
  return state;
}

/**
 * Rendered formulas by TeX source, most recent last: stepping back, or playing the sentence again,
 * clones the nodes instead of typesetting again (a live LSTM step is six formulas).
 */
const rendered = new Map<string, Node>();
const RENDERED_MAX = 240;

/** Typesets `tex` into `el`, from the cache when it was typeset before; throws what KaTeX throws. */
function typeset(katex: Katex, tex: string, el: HTMLElement): void {
  const done = rendered.get(tex);
  if (done) {
    rendered.delete(tex);
    rendered.set(tex, done);
    el.replaceChildren(done.cloneNode(true));
    return;
  }
  // trust: false blocks \href, \url, \html* ...; the TeX is ours (fixed symbols and formatted numbers).
  katex.render(tex, el, { displayMode: true, trust: false, throwOnError: true, output: 'htmlAndMathml', strict: 'ignore' });
  if (el.firstChild && el.childNodes.length === 1) {
    rendered.set(tex, el.firstChild.cloneNode(true));
    if (rendered.size > RENDERED_MAX) rendered.delete(rendered.keys().next().value as string);
  }
}

const Formula = memo(function Formula({ katex, tex, plain }: { katex: Katex | null; tex: string; plain: string }) {
  const ref = useRef<HTMLDivElement>(null);
  // katex.render builds DOM nodes and sets their styles through CSSOM, so no HTML is parsed and the
  // strict Content-Security-Policy (no inline style attributes) holds.
  useEffect(() => {
    const el = ref.current;
    if (!katex || !el) return;
    try {
      typeset(katex, tex, el);
    } catch {
      // Should KaTeX reject it, the plain-text form takes its place (no state: no second render).
      const code = document.createElement('code');
      code.className = 'equation-plain';
      code.textContent = plain;
      el.replaceChildren(code);
    }
  }, [katex, tex, plain]);
  // The div stays mounted (React gives it no children), so a later equation can render into it again.
  const plainShown = !katex;
  return (
    <>
      {plainShown ? <code className="equation-plain">{plain}</code> : null}
      <div className="equation-tex" ref={ref} hidden={plainShown} />
    </>
  );
});

const NOTICE =
  'Each equation is followed by the same equation for the selected unit at the current step, with the real numbers. Step through the sentence and watch which term dominates: the input x_t or the memory h_(t−1).';

export function Equations() {
  // Typesetting six live formulas is the costliest part of a step or a knob move, so on screen or
  // not they follow right after the frame (useAfterPaint, all four values in one update): the
  // charts are drawn first and the equations a frame later (BENCHMARKS.md).
  const liveParams = useVis((s) => s.params);
  const liveTrace = useVis((s) => s.trace);
  const liveStep = useVis((s) => s.step);
  const liveUnit = useVis((s) => s.unit);
  const live = useMemo(() => ({ params: liveParams, trace: liveTrace, step: liveStep, unit: liveUnit }), [liveParams, liveTrace, liveStep, liveUnit]);
  return <EquationsBody {...useAfterPaint(live)} />;
}

/** The panel itself, memoised: the urgent render of a knob move or a step stops above it. */
const EquationsBody = memo(function EquationsBody({ params, trace, step, unit }: { params: ModelParams; trace: ForwardTrace; step: number; unit: number }) {
  const { katex, failed } = useKatex();
  const t = Math.max(0, Math.min(step, trace.T - 1));
  const j = Math.max(0, Math.min(unit, trace.H - 1));
  const eqs = useMemo(() => cellEquations(params, trace, t, j), [params, trace, t, j]);
  const name = trace.cell === 'rnn' ? 'RNN' : trace.cell.toUpperCase();

  return (
    <Panel title="Equations" notice={NOTICE} className="equations">
      <p className="muted">
        {name} at step {t + 1}, unit {j}
        {failed ? ' (the equation renderer could not load; showing plain text)' : ''}.
      </p>
      {/* One focusable scroll box for all equations: on a phone they are wider than the panel. */}
      <div className="equation-scroll" tabIndex={0} role="group" aria-label="Equations, scroll sideways if cut off">
        <ol className="equation-list">
          {eqs.map((e) => (
            <li key={e.id} data-equation={e.id}>
              <Formula katex={katex} tex={e.tex} plain={e.plain} />
              <Formula katex={katex} tex={e.liveTex} plain={e.livePlain} />
            </li>
          ))}
        </ol>
      </div>
    </Panel>
  );
});
