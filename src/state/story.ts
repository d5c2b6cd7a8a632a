/**
 * The first screen's story: how much of the loss's gradient reaches the first word, for the RNN, the
 * LSTM and the GRU side by side, in two settings the page names:
 *
 *   start    as training starts: each cell's seeded random weights (orthogonal W_hh), the LSTM's
 *            forget bias +2 (the standard init, Jozefowicz et al. 2015), the sentence padded to
 *            STORY_PAD tokens, so the gradient has a distance to cross.
 *   trained  after training: the shipped trained models of the chosen task on the same padded
 *            sentence, when they are loaded.
 *
 * `deriveStory` is pure apart from the run cache it reads and fills; the slice reruns it only when
 * the sentence, the task or the loaded models change (store.ts subscribes), never on a step.
 */

import type { StateCreator } from 'zustand/vanilla';
import { CELL_KINDS, CELL_LABEL, productNorms, type CellKind, type ForwardTrace, type Model, type ModelParams, type ProductNorms } from '../engine';
import { loadedEntry, type ModelSource } from './modelSource';
import { RANDOM_TASK } from './models';
import type { RunCache } from './runCache';
import type { VisState } from './store';

/** Tokens the story's sentence is padded to: far enough for the RNN's gradient to fade. */
export const STORY_PAD = 48;
/** The LSTM's forget-gate bias as training starts (added to b_hh's forget block). */
export const STORY_FORGET_BIAS = 2;
/** The seed of the story's random weights (the app's default seed). */
export const STORY_SEED = 1;

export type StoryView = 'start' | 'trained';

/** One cell's gradient over the story's tokens, relative to ||dL/dh|| at the last token. */
export interface StoryCurve {
  cell: CellKind;
  /** T: ||dL/dh_t|| / ||dL/dh_{T-1}|| */
  dh: Float64Array;
  /** T: ||dL/dc_t|| / ||dL/dh_{T-1}|| (lstm), else null */
  dc: Float64Array | null;
}

export interface StoryRun {
  view: StoryView;
  /** the setting in words, as the page states it */
  setting: string;
  tokens: string[];
  padded: boolean[];
  /** one per cell that ran, in CELL_KINDS order */
  curves: StoryCurve[];
  /** why a view has no curves (models not loaded), else null */
  missing: string | null;
}

export interface Story {
  start: StoryRun;
  trained: StoryRun;
}

/** The inputs the story depends on: a change of any of them reruns it. */
export function storyKey(s: Pick<VisState, 'sentence' | 'model' | 'libraryVersion'>): string {
  return JSON.stringify([s.sentence, s.model, s.libraryVersion]);
}

/** The trained model of `task` for `cell` if it is loaded, else null. */
function trainedModel(task: string, cell: CellKind, source: ModelSource): Model | null {
  if (source.library.status !== 'ready') return null;
  const entry = source.library.entries.find((e) => e.task === task && e.cell === cell);
  if (!entry) return null;
  const l = loadedEntry(source.loaded, entry.id);
  return l?.state === 'ok' ? l.model : null;
}

/** Runs the three models on the sentence padded to STORY_PAD, all against the LSTM's (else the first's) prediction. */
function runAll(view: StoryView, setting: string, models: Partial<Record<CellKind, Model>>, sentence: string, cache: RunCache): StoryRun {
  const knobs = (cell: CellKind) => ({ sentence, recurrentScale: 1, forgetBias: view === 'start' && cell === 'lstm' ? STORY_FORGET_BIAS : 0, padTo: STORY_PAD });
  const order = CELL_KINDS.filter((c) => models[c]);
  const lead = order.includes('lstm') ? 'lstm' : order[0];
  let target: number | null = null;
  if (lead) target = cache.run(models[lead] as Model, knobs(lead), null).grads.target;
  const curves: StoryCurve[] = [];
  let tokens: string[] = [];
  let padded: boolean[] = [];
  for (const cell of order) {
    const run = cache.run(models[cell] as Model, knobs(cell), target);
    const { dhNorm, dcNorm } = run.grads;
    const T = dhNorm.length;
    const last = dhNorm[T - 1];
    curves.push({ cell, dh: dhNorm.map((v) => v / last), dc: dcNorm ? dcNorm.map((v) => v / last) : null });
    tokens = run.tokens;
    padded = run.padded;
  }
  return { view, setting, tokens, padded, curves, missing: null };
}

/** The story's two runs for this sentence, task and set of loaded models. */
export function deriveStory(sentence: string, task: string, source: ModelSource, cache: RunCache): Story {
  const randoms: Partial<Record<CellKind, Model>> = {};
  for (const cell of CELL_KINDS) randoms[cell] = cache.random(cell, STORY_SEED);
  const start = runAll(
    'start',
    `As training starts: seeded random weights for each cell, the LSTM's forget bias +${STORY_FORGET_BIAS}, the sentence padded with “.” to ${STORY_PAD} tokens.`,
    randoms,
    sentence,
    cache,
  );
  const trainedModels: Partial<Record<CellKind, Model>> = {};
  if (task !== RANDOM_TASK) for (const cell of CELL_KINDS) {
    const m = trainedModel(task, cell, source);
    if (m) trainedModels[cell] = m;
  }
  const have = CELL_KINDS.filter((c) => trainedModels[c]);
  const setting = `After training: the shipped ${task} models (${have.map((c) => CELL_LABEL[c]).join(', ')}), the same sentence padded to ${STORY_PAD} tokens.`;
  const trained =
    have.length > 0
      ? runAll('trained', setting, trainedModels, sentence, cache)
      : { view: 'trained' as const, setting: 'After training', tokens: start.tokens, padded: start.padded, curves: [], missing: `No trained ${task} models are loaded.` };
  return { start, trained };
}

/** The power of ten nearest to x (x > 0), as the story's words and table round it; null for 0, NaN or Infinity. */
export function decade(x: number): number | null {
  return x > 0 && x < Infinity ? Math.round(Math.log10(x)) || 0 : null;
}

/**
 * The one sentence of what to notice, computed from the run's values at the first token (true by
 * construction: it names the powers of ten the table shows, and compares the RNN with the LSTM only
 * as the numbers say).
 */
export function storySentence(run: StoryRun): string {
  if (run.curves.length === 0) return run.missing ?? '';
  const word = run.tokens[0] ?? '';
  const at = (c: StoryCurve) => {
    const d = decade(c.dh[0]);
    return d === null ? (c.dh[0] === 0 ? 'exactly 0' : 'not a finite number') : `10^${d}`;
  };
  const parts = run.curves.map((c, i) => (i === 0 ? `the ${CELL_LABEL[c.cell]}'s gradient is ${at(c)} of the last token's` : `the ${CELL_LABEL[c.cell]}'s ${at(c)}`));
  let text = `At the first word, “${word}”, ${parts.join('; ')}.`;
  const rnn = run.curves.find((c) => c.cell === 'rnn');
  const lstm = run.curves.find((c) => c.cell === 'lstm');
  if (rnn && lstm) {
    const a = rnn.dh[0];
    const b = lstm.dh[0];
    if (a > 0 && b > 0 && Number.isFinite(a) && Number.isFinite(b)) {
      const times = decade(b / a) as number;
      if (times >= 2) text += ` The RNN's is about 10^${times} times smaller than the LSTM's.`;
      else if (times <= -2) text += ` Here the LSTM's is about 10^${-times} times smaller than the RNN's.`;
      else text += ` Here the RNN's and the LSTM's are within a factor of 100 of each other.`;
    }
  }
  return text;
}

export interface StorySlice {
  story: Story;
  storyView: StoryView;
  setStoryView(view: StoryView): void;
  /** Reruns the story if the sentence, the task or the loaded models changed (store.ts calls it). */
  refreshStory(): void;
}

/** The story slice, with the first story made from the starting settings and model source. */
export function createStorySlice(
  start: Pick<VisState, 'sentence' | 'model' | 'libraryVersion'> & ModelSource,
  cache: RunCache,
): StateCreator<VisState, [], [], StorySlice> {
  return (set, get) => {
    let key = storyKey(start);
    return {
      story: deriveStory(start.sentence, start.model, start, cache),
      storyView: 'start',
      setStoryView(view) {
        set({ storyView: view });
      },
      refreshStory() {
        const s = get();
        const next = storyKey(s);
        if (next === key) return;
        key = next;
        set({ story: deriveStory(s.sentence, s.model, s, cache) });
      },
    };
  };
}

// ---- The "why" chart's numbers: the product of one-step Jacobians and the cell path ----

const productsByTrace = new WeakMap<ForwardTrace, ProductNorms>();

/**
 * ||dh_T/dh_t|| (and ||dh_T/dc_t||) for a run, computed when first asked and kept with its trace
 * (the trace object identifies its numbers: a new run makes a new trace).
 */
export function productPaths(params: ModelParams, trace: ForwardTrace): ProductNorms {
  let p = productsByTrace.get(trace);
  if (!p) {
    p = productNorms(params, trace);
    productsByTrace.set(trace, p);
  }
  return p;
}

/** What the "why" caption speaks of, all at the first token and over the steps on screen. */
export interface WhyNumbers {
  cell: CellKind;
  tokens: readonly string[];
  /** T: ||dh_T/dh_t|| */
  product: ArrayLike<number>;
  /** T: ||dL/dh_t|| / ||dL/dh_T|| */
  gradient: ArrayLike<number>;
  /** T: the largest product of forget gates after t (lstm), else null */
  forgetMax: ArrayLike<number> | null;
  /** T: the one-step norms ||dh_t/dh_{t-1}||, or null while they are not computed */
  oneStep: ArrayLike<number> | null;
}

function powerText(x: number): string {
  const d = decade(x);
  return d === null ? (x === 0 ? 'exactly 0' : 'not a finite number') : `about 10^${d}`;
}

/**
 * The caption of the "why" chart, made only of what its numbers show: the product's norm and the
 * gradient at the first token (the gradient never exceeds the product times the last token's, since
 * dL/dh_1 = (dh_T/dh_1)^T dL/dh_T), the forget gates' product for the LSTM, and the range of the
 * one-step norms.
 */
export function whyCaption(n: WhyNumbers): string {
  const T = Math.min(n.tokens.length, n.product.length);
  if (T < 2) return 'With a single token there is no product of Jacobians to follow.';
  const word = `“${n.tokens[0]}”`;
  let text = `From the last token back to ${word} the product of the one-step Jacobians, ||dh_T/dh_t||, is ${powerText(n.product[0])}, and the gradient that arrives there is ${powerText(n.gradient[0])} of the last token's: never more than the product allows.`;
  if (n.forgetMax) text += ` Along the LSTM's cell line the forget gates multiply to at most ${powerText(n.forgetMax[0])} (largest over units).`;
  if (n.oneStep) {
    let lo = Infinity;
    let hi = -Infinity;
    for (let t = 1; t < T; t++) {
      lo = Math.min(lo, n.oneStep[t]);
      hi = Math.max(hi, n.oneStep[t]);
    }
    if (Number.isFinite(lo) && Number.isFinite(hi)) {
      text += ` The one-step norms lie between ${lo.toPrecision(2)} and ${hi.toPrecision(2)}: they bound each step, not the product.`;
    }
  }
  return text;
}
