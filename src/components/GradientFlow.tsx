/**
 * The gradient view: how much of the loss's gradient (at the last token) reaches each earlier
 * token, on a log axis; the one-step Jacobian norms beside it say why; a sentence in plain words
 * sums it up; a backward playback walks the gradient from the last token to the first.
 */
import { memo, useCallback, useMemo, useState, type ReactNode } from 'react';
import { CELL_LABEL, GradientChart, type CellGradient } from '../charts/GradientChart';
import { JacobianChart, PathChart, type CellJacobian, type CellPaths } from '../charts/JacobianChart';
import { classifyNorm, formatNorm } from '../charts/logScale';
import { tokenLabel } from '../charts/tokenLabel';
import { CELL_KINDS, forgetProducts, type CellKind } from '../engine';
import { productPaths, whyCaption } from '../state/store';
import { useVis, useVisStore } from '../state/context';
import { Panel } from './Panel';
import { useOnScreen, useVisibleValue } from './useOnScreen';
import './panels.css';

/** What the gradient did between the last token and the first, for the sentence under the chart. */
export type GradientSummary =
  | { kind: 'single'; text: string }
  | { kind: 'ratio'; exponent: number; first: string; last: string; text: string }
  | { kind: 'zero' | 'overflow' | 'noGradient'; first: string; last: string; text: string };

/**
 * A token as the prose shows it: its visible label (tokenLabel), as on the chips and the axes. The
 * raw text would carry what the student typed straight into the sentence: an invisible character
 * quoted as nothing, a 2,000-letter word in full, or a right-to-left override (U+202E) that turns
 * the rest of the sentence around.
 */
function quote(token: string): string {
  return `“${tokenLabel(token, 30)}”`;
}

/**
 * Compares ||dL/dh|| at the first token with the one at the last token: the power of ten of their
 * ratio, rounded to the nearest integer, computed in log space so 1e-300 / 1e3 cannot underflow.
 * `text` spells the power as 10^-9.
 */
export function gradientSummary(tokens: string[], dhNorm: ArrayLike<number>, padded: boolean[] = []): GradientSummary {
  const T = Math.min(tokens.length, dhNorm.length);
  if (T < 2) return { kind: 'single', text: 'With a single token there is no earlier token for the gradient to reach.' };
  const first = quote(tokens[0]);
  // A padded sentence ends in filler; say so, or "the one at “.”" reads like a typo.
  const last = padded[T - 1] ? `the last token (padding ${quote(tokens[T - 1])})` : quote(tokens[T - 1]);
  const a = dhNorm[0];
  const b = dhNorm[T - 1];
  if (classifyNorm(b) !== 'positive') {
    const text =
      classifyNorm(b) === 'zero'
        ? `The loss sends no gradient into the last token ${last}, so there is nothing to follow back.`
        : `The gradient already overflowed at the last token ${last}.`;
    return { kind: classifyNorm(b) === 'zero' ? 'noGradient' : 'overflow', first, last, text };
  }
  if (classifyNorm(a) === 'zero') {
    return {
      kind: 'zero', first, last,
      text: `No gradient reaches ${first} at all: on the way back from ${last} it shrank below the smallest number the computer can hold and became exactly 0.`,
    };
  }
  if (classifyNorm(a) === 'overflow') {
    return {
      kind: 'overflow', first, last,
      text: `The gradient overflowed on its way from ${last} back to ${first}: it grew past the largest number the computer can hold.`,
    };
  }
  const exponent = Math.round(Math.log10(a) - Math.log10(b)) || 0;
  let text: string;
  if (exponent < 0) text = `The gradient reaching ${first} is 10^${exponent} of the one at ${last}.`;
  else if (exponent === 0) text = `The gradient reaching ${first} is about as large as the one at ${last}.`;
  else text = `The gradient reaching ${first} is 10^${exponent} times the one at ${last}: it grew on the way back.`;
  return { kind: 'ratio', exponent, first, last, text };
}

/** The summary with 10^-9 drawn as a superscript. */
function SummaryText({ summary }: { summary: GradientSummary }): ReactNode {
  if (summary.kind !== 'ratio' || summary.exponent === 0) return summary.text;
  const marker = `10^${summary.exponent}`;
  const [before, after] = summary.text.split(marker);
  return (
    <>
      {before}
      10<sup>{String(summary.exponent).replace('-', '−')}</sup>
      {after}
    </>
  );
}

function prefersReducedMotion(): boolean {
  return typeof window !== 'undefined' && typeof window.matchMedia === 'function' && window.matchMedia('(prefers-reduced-motion: reduce)').matches;
}

const NOTICE = (
  <>
    Read the gradient line from right to left: it starts at the last token, where the loss is, and each step back multiplies it by
    that step&apos;s Jacobian. What reaches a token is set by the product of those Jacobians (the last chart): its norm bounds the
    gradient there, while the one-step norms only bound it step by step. The LSTM also carries gradient along its cell line, scaled
    at each step by the forget gates.
  </>
);

/**
 * The store's values a part of the panel draws: live while that part is on screen, else following
 * after the frame (each chart has its own observer, so the Jacobian chart below the fold waits while
 * the gradient chart beside the knobs redraws at once).
 */
function useFlowView<P extends 'gradient' | 'jacobian'>(onScreen: boolean, part: P) {
  const cell = useVisibleValue(useVis((s) => s.cell), onScreen);
  const tokens = useVisibleValue(useVis((s) => s.tokens), onScreen);
  const padded = useVisibleValue(useVis((s) => s.padded), onScreen);
  const grads = useVisibleValue(useVis((s) => s.grads), onScreen);
  const jac = useVisibleValue(useVis((s) => s.jac), onScreen);
  const compare = useVisibleValue(useVis((s) => s.compare), onScreen);
  const compareResults = useVisibleValue(useVis((s) => s.compareResults), onScreen);
  const step = useVisibleValue(useVis((s) => s.step), onScreen);
  const hoverStep = useVisibleValue(useVis((s) => s.hover?.step ?? null), onScreen);
  const reached = useVisibleValue(useVis((s) => s.backwardPlay), onScreen);
  // Only the part asked for is read: the Jacobian norms are computed when first read (LazyNorms),
  // so the gradient chart must not touch them.
  const series = useMemo(() => {
    const cells: CellKind[] = compare ? CELL_KINDS.filter((c) => compareResults[c]) : [];
    const runs = cells.length < 2 ? [{ cell, grads, jac }] : cells.map((c) => ({ cell: c, grads: compareResults[c]!.grads, jac: compareResults[c]!.jac }));
    return part === 'gradient'
      ? runs.map((r): CellGradient => ({ cell: r.cell, dhNorm: r.grads.dhNorm, dcNorm: r.grads.dcNorm }))
      : runs.map((r): CellJacobian => ({ cell: r.cell, h: r.jac.h, c: r.jac.c }));
  }, [cell, grads, jac, compare, compareResults, part]) as P extends 'gradient' ? CellGradient[] : CellJacobian[];
  return { cell, tokens, padded, step, hoverStep, reached, series };
}

/** Hovering a chart marks that step everywhere (with the selected unit). */
function useHoverStep(): (t: number | null) => void {
  const store = useVisStore();
  return useCallback(
    (t: number | null) => {
      const s = store.getState();
      s.setHover(t === null ? null : { step: t, unit: s.unit });
    },
    [store],
  );
}

export function GradientFlow() {
  const store = useVisStore();
  // Below the fold the charts and tables follow the step after the visible panels are painted;
  // the controls (compare, play) always show the live state.
  const [chartsRef, onScreen] = useOnScreen<HTMLDivElement>();
  const { cell, tokens, padded, step, hoverStep, reached, series: gradient } = useFlowView(onScreen, 'gradient');
  const compare = useVis((s) => s.compare);
  const backwardPlay = useVis((s) => s.backwardPlay);
  const onHoverStep = useHoverStep();

  const summaries = gradient.map((g) => ({ cell: g.cell, summary: gradientSummary(tokens, g.dhNorm, padded) }));
  const comparing = gradient.length > 1;
  const T = tokens.length;
  const { setStep, setCompare, startBackwardPlay, stopBackwardPlay, showBackwardEnd } = store.getState();

  const playing = backwardPlay !== null;
  const onPlay = () => {
    if (playing) stopBackwardPlay();
    // Reduced motion: show where the gradient ends up at once instead of animating it there.
    else if (prefersReducedMotion()) showBackwardEnd();
    else startBackwardPlay();
  };
  const main = gradient.find((g) => g.cell === cell) ?? gradient[0];
  let playStatus = '';
  if (reached === 0 && T > 0) playStatus = `The gradient has reached the first token ${quote(tokens[0])}: ${formatNorm(main.dhNorm[0])}.`;
  else if (playing && T > 0) playStatus = `Playing the gradient backward from ${quote(tokens[T - 1])}.`;

  return (
    <Panel id="gradient" notice={NOTICE} className="gradient-flow">
      <div className="gradient-controls">
        <label className="check">
          <input type="checkbox" checked={compare} onChange={(e) => setCompare(e.currentTarget.checked)} /> Compare RNN, LSTM and GRU
        </label>
        <button type="button" onClick={onPlay} aria-pressed={playing}>
          {playing ? 'Stop gradient playback' : 'Play gradient backward'}
        </button>
      </div>
      <div className="gradient-summary" aria-live="polite">
        {comparing ? (
          <ul>
            {summaries.map(({ cell: c, summary }) => (
              <li key={c}>
                <strong>{CELL_LABEL[c]}:</strong> <SummaryText summary={summary} />
              </li>
            ))}
          </ul>
        ) : (
          <p>
            <SummaryText summary={summaries[0].summary} />
          </p>
        )}
      </div>
      <p className="visually-hidden" aria-live="polite">
        {playStatus}
      </p>
      <div className="gradient-charts">
        <div ref={chartsRef}>
          <h3>Gradient reaching each token</h3>
          <GradientChart tokens={tokens} cells={gradient} step={step} reached={reached} hoverStep={hoverStep}
            onHoverStep={onHoverStep} onSelectStep={setStep} padded={padded} />
        </div>
        <JacobianPart />
        <PathPart />
      </div>
    </Panel>
  );
}

/** The Jacobian chart with its own observer: below the fold, it follows after the frame. */
const JacobianPart = memo(function JacobianPart() {
  const [ref, onScreen] = useOnScreen<HTMLDivElement>();
  const { tokens, padded, step, hoverStep, reached, series: jacobian } = useFlowView(onScreen, 'jacobian');
  const onHoverStep = useHoverStep();
  const { setStep } = useVisStore().getState();
  return (
    <div ref={ref}>
      <h3>Why: one-step Jacobian norms</h3>
      <JacobianChart tokens={tokens} cells={jacobian} step={step} reached={reached} hoverStep={hoverStep}
        onHoverStep={onHoverStep} onSelectStep={setStep} padded={padded} />
    </div>
  );
});

/**
 * What decides it: ||dh_T/dh_t|| (and the LSTM's forget-gate products and dL/dc), for the current
 * cell, with a caption made from the numbers it shows. Computed only once the chart has been on
 * screen (H^3 per step), and again only when the run changes.
 */
const PathPart = memo(function PathPart() {
  const [ref, onScreen] = useOnScreen<HTMLDivElement>();
  // Once seen, kept: the chart then follows the run like the others.
  const [visible, setVisible] = useState(false);
  if (onScreen && !visible) setVisible(true);
  const cell = useVis((s) => s.cell);
  const params = useVis((s) => s.params);
  const trace = useVis((s) => s.trace);
  const grads = useVis((s) => s.grads);
  const tokens = useVis((s) => s.tokens);
  const padded = useVis((s) => s.padded);
  const jac = useVis((s) => s.jac);
  const unit = useVisibleValue(useVis((s) => s.unit), onScreen);
  const step = useVisibleValue(useVis((s) => s.step), onScreen);
  const hoverStep = useVisibleValue(useVis((s) => s.hover?.step ?? null), onScreen);
  const onHoverStep = useHoverStep();
  const { setStep } = useVisStore().getState();
  const base = useMemo(() => {
    if (!visible) return null;
    const T = trace.T;
    const last = grads.dhNorm[T - 1];
    const product = productPaths(params, trace).h;
    const gradient = grads.dhNorm.map((v) => v / last);
    const cellGradient = grads.dcNorm ? grads.dcNorm.map((v) => v / last) : null;
    return { product, gradient, cellGradient };
  }, [visible, params, trace, grads]);
  const paths = useMemo((): CellPaths | null => {
    if (!base) return null;
    const forget = forgetProducts(trace, unit);
    return { cell, ...base, forgetMax: forget?.max ?? null, forgetUnit: forget?.unit ?? null, unit };
  }, [base, trace, unit, cell]);
  const caption = paths
    ? whyCaption({ cell, tokens, product: paths.product, gradient: paths.gradient, forgetMax: paths.forgetMax ?? null, oneStep: jac.h })
    : '';
  return (
    <div ref={ref} className="path-part">
      <h3>What decides it: the product back from the last token ({CELL_LABEL[cell]})</h3>
      {paths ? (
        <PathChart tokens={tokens} paths={paths} step={step} hoverStep={hoverStep} onHoverStep={onHoverStep} onSelectStep={setStep} padded={padded}>
          <p className="path-caption" data-testid="why-caption">
            {caption}
          </p>
        </PathChart>
      ) : (
        <p className="muted">Computed when this chart comes into view.</p>
      )}
    </div>
  );
});
