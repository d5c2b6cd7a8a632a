/**
 * One model's run over the sentence: tokens, padding, knobs, forward, backward, and the Jacobian
 * norms made lazily. The engine is injected (tests count its calls); the knobbed parameters are
 * memoized per parameters object so an edit copies no weights.
 */

import { backward } from '../engine';
import { createInputProjections, forward, type InputProjections } from '../engine';
import { withKnobs } from '../engine';
import { jacobianNorms } from '../engine';
import { tokenize } from '../engine';
import type { ForwardTrace, Model, ModelParams, StateGrads } from '../engine';
import { sharedPrefix, type LazyNorms } from './jacobianSteps';
import { RUN_PROBLEM } from './notices';

/** The engine functions the store calls; injectable so tests can count calls. */
export interface Engine {
  forward: typeof forward;
  backward: typeof backward;
  jacobianNorms: typeof jacobianNorms;
}

export const DEFAULT_ENGINE: Engine = { forward, backward, jacobianNorms };

/** Longest sentence (in tokens, before padding) the visualizer runs; longer text is cut. */
export const MAX_VIEW_TOKENS = 256;

/** The knobs a run is made with. */
export interface RunKnobs {
  recurrentScale: number;
  forgetBias: number;
  padTo: number;
}

/** The engine's numbers for one run. */
export interface RunNumbers {
  params: ModelParams;
  trace: ForwardTrace;
  grads: StateGrads;
  /** computed when first read (by the Jacobian chart, or the refinement after a pause) */
  jac: LazyNorms;
}

export interface Run extends RunNumbers {
  tokens: string[];
  unknown: boolean[];
  /** true at the steps that are padding added by padTo */
  padded: boolean[];
  /** a problem with the input the student should see (cut or empty sentence) */
  error: string | null;
}

/** A model's parameters with one knob setting applied, with what the next forward pass can reuse. */
interface Knobbed {
  recurrentScale: number;
  forgetBias: number;
  params: ModelParams;
  projections: InputProjections;
  /** the latest forward pass with these params: an edit recomputes only the steps from the first changed token */
  last: ForwardTrace | null;
}

// Module-level on purpose: memoization keyed by the parameters object's identity, shared by every
// store (two embeds of one model share the work) and gone with the object; what it holds only saves
// work (a forward pass given a prior trace gives the same numbers). Per object: its
// input projections, which every knob setting shares (the knobs change W_hh and b_hh only), and
// the last few knob settings (a drag passes through many values).
const knobbedByParams = new WeakMap<ModelParams, { projections: InputProjections; list: Knobbed[] }>();
const KNOBBED_KEPT = 4;

/**
 * The parameters with the knobs applied, made once per (parameters object, knobs) so an edit copies
 * no weights. The store never changes a parameters object in place (training hands it new ones,
 * copies of the trainer's), so an object identifies its numbers; the projection cache checks its
 * arrays and b_ih anyway.
 */
function knobbedParams(base: ModelParams, recurrentScale: number, forgetBias: number): Knobbed {
  let entry = knobbedByParams.get(base);
  if (!entry) {
    entry = { projections: createInputProjections(), list: [] };
    knobbedByParams.set(base, entry);
  }
  const { list } = entry;
  const hit = list.find((k) => k.recurrentScale === recurrentScale && k.forgetBias === forgetBias);
  if (hit) return hit;
  const made: Knobbed = {
    recurrentScale,
    forgetBias,
    params: withKnobs(base, { recurrentScale, forgetBias }),
    projections: entry.projections,
    last: null,
  };
  list.push(made);
  if (list.length > KNOBBED_KEPT) list.shift();
  return made;
}

/** `b`, or `a` when it holds the same items (so subscribers to the array see no change). */
export function sameItems<T>(a: T[], b: T[]): T[] {
  return a.length === b.length && a.every((v, i) => v === b[i]) ? a : b;
}

/**
 * Runs one model over the sentence: tokens, padding, knobs, forward, backward, Jacobian norms.
 * `target` is the label the loss is taken against (null: the prediction at the last token);
 * `norms` makes the lazy Jacobian norms of the trace; `same` is an earlier run of the same model,
 * knobs and target, whose numbers hold if the token ids match.
 */
export function runCell(
  model: Model,
  sentence: string,
  knobs: RunKnobs,
  engine: Engine,
  target: number | null,
  norms: (params: ModelParams, trace: ForwardTrace) => LazyNorms,
  same: RunNumbers | null = null,
): Run {
  const spec = model.tokenizer;
  const tok = tokenize(sentence, spec, MAX_VIEW_TOKENS);
  const tokens = [...tok.tokens];
  const unknown = [...tok.unknown];
  const padded = tokens.map(() => false);
  const ids = Array.from(tok.ids);
  let error: string | null = null;
  if (tok.truncated) error = RUN_PROBLEM.truncated(MAX_VIEW_TOKENS);

  // Padding uses "." when the vocabulary has it (it reads as filler), else the unknown-word token.
  const dot = spec.vocab.indexOf('.');
  const padId = dot >= 0 ? dot : spec.vocab.indexOf(spec.unk);
  const padToken = dot >= 0 ? '.' : spec.unk;
  const padTo = Math.max(knobs.padTo, tokens.length === 0 ? 1 : 0);
  if (tokens.length === 0) error = RUN_PROBLEM.empty;
  while (tokens.length < padTo) {
    tokens.push(padToken);
    unknown.push(false);
    padded.push(true);
    ids.push(padId);
  }

  // Same ids, same numbers: a letter typed into a word the vocabulary does not know changes no id.
  if (same && same.trace.ids.length === ids.length && sharedPrefix(same.trace.ids, ids) === ids.length) {
    const { params, trace, grads, jac } = same;
    return { tokens, unknown, padded, params, trace, grads, jac, error };
  }

  const knobbed = knobbedParams(model.params, knobs.recurrentScale, knobs.forgetBias);
  const { params, projections, last } = knobbed;
  const trace = engine.forward(params, ids, { inputProjections: projections, prior: last ? { params, trace: last } : undefined });
  knobbed.last = trace;
  const t = target !== null && target < trace.K ? target : trace.predicted;
  // The view draws no parameter gradient; the trace download computes them when asked (exporters.ts).
  // dL/dx_t only colours the tokens by saliency: formed when that view first reads it.
  const grads = engine.backward(params, trace, t, { paramGrads: false, inputGrads: 'on-read' });
  return { tokens, unknown, padded, params, trace, grads, jac: norms(params, trace), error };
}
