/**
 * The current cell's equations, each followed by the same equation with the selected unit's live
 * numbers substituted. KaTeX (and its CSS and fonts) is loaded on first use; until then, and if it
 * fails, the plain-text forms are shown. Only strings built here go into TeX: numbers we format
 * and fixed symbols, never token text or anything else the student typed.
 */
import { memo, useEffect, useMemo, useRef, useState } from 'react';
import { useAfterPaint } from '../charts/useAfterPaint';
import { CELL_VIEWS, type Equation } from '../charts/cellViews/index';
import { num } from '../charts/cellViews/shared';
import { GATE_NAMES, layerStack, type ForwardTrace, type ModelParams } from '../engine';
import { useVis } from '../state/context';
import { Panel } from './Panel';
import './panels.css';

export type { Equation };

/** The diagram's number format (two decimals, small values kept); non-finite as a word, never NaN. */
export { num };

/**
 * The pre-activation of block b for unit j at step t, split into the input side
 * W_ih[b*H+j,:] x_t + b_ih[b*H+j] and the recurrent side W_hh[b*H+j,:] h_{t-1} + b_hh[b*H+j].
 */
export function preActivation(params: ModelParams, trace: ForwardTrace, t: number, b: number, j: number): { input: number; recurrent: number } {
  const { hiddenSize: H } = params;
  // The top layer's weights (the trace's h is the top layer's); above layer 0 its input is the layer below's h.
  const stack = layerStack(params);
  const w = stack[stack.length - 1];
  const below = stack.length > 1 ? trace.layers[stack.length - 2].h : trace.x;
  const D = stack.length > 1 ? H : params.inputSize;
  const row = b * H + j;
  let input = w.biasIh[row];
  for (let k = 0; k < D; k++) input += w.weightIh[row * D + k] * below[t * D + k];
  let recurrent = w.biasHh[row];
  if (t > 0) for (let k = 0; k < H; k++) recurrent += w.weightHh[row * H + k] * trace.h[(t - 1) * H + k];
  return { input, recurrent };
}

/** The equations of the cell at step t with unit j's numbers (its view entry's); t and j must be in range. */
export function cellEquations(params: ModelParams, trace: ForwardTrace, t: number, j: number): Equation[] {
  const H = trace.H;
  const GH = GATE_NAMES[trace.cell].length * H;
  const c = trace.c;
  return CELL_VIEWS[trace.cell].equations({
    u: `[${j}]`,
    gate: (b) => trace.gates[t * GH + b * H + j],
    pre: (b) => preActivation(params, trace, t, b, j),
    hPrev: t > 0 ? trace.h[(t - 1) * H + j] : 0,
    h: trace.h[t * H + j],
    cPrev: c && t > 0 ? c[(t - 1) * H + j] : 0,
    c: c ? c[t * H + j] : 0,
  });
}

type Katex = (typeof import('katex'))['default'];
let katexLoad: Promise<Katex> | null = null;

/** Loads KaTeX and its stylesheet once, on first use (a separate chunk, fonts bundled by Vite). */
export function loadKatex(): Promise<Katex> {
  katexLoad ??= Promise.all([import('katex'), import('katex/dist/katex.min.css')]).then(([m]) => m.default);
  return katexLoad;
}

function useKatex(): { katex: Katex | null; failed: boolean } {
  const [state, setRenderer] = useState<{ katex: Katex | null; failed: boolean }>({ katex: null, failed: false });
  useEffect(() => {
    let live = true;
    loadKatex().then(
      (katex) => live && setRenderer({ katex, failed: false }),
      () => live && setRenderer({ katex: null, failed: true }),
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
  const name = CELL_VIEWS[trace.cell].label;

  return (
    <Panel id="equations" notice={NOTICE} className="equations">
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
