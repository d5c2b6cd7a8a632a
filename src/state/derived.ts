/**
 * The derived run slice: the model, tokens, forward trace, gradients and Jacobian norms made from
 * the settings and the model source. The expensive derivation is `derive`, and `recompute` is the
 * one place that calls it, only when one of its inputs (sentence, cell, model, knobs, padding,
 * seed, compare, the models that have arrived) changed.
 */

import type { StateCreator } from 'zustand/vanilla';
import { CELL_KINDS, type CellKind, type ForwardTrace, type JacobianNorms, type ModelParams, type StateGrads } from '../engine';
import { errorText } from './models';
import type { ModelSource, ModelSourceSlice } from './modelSource';
import { RUN_PROBLEM } from './notices';
import { randomInfo, resolveModel, resolvedNotice, type ModelInfo, type Resolved } from './resolveModel';
import { sameItems } from './run';
import type { CachedRun, RunCache } from './runCache';
import { clampInt, type Settings } from './settings';
import type { VisState } from './store';
import type { StoreTimers } from './timers';

/** The run of one cell over the sentence, as used for compare mode. */
export interface CellRun {
  modelInfo: ModelInfo;
  tokens: string[];
  padded: boolean[];
  trace: ForwardTrace;
  grads: StateGrads;
  jac: JacobianNorms;
}

/** Everything `derive` produces. */
export interface Derived {
  modelInfo: ModelInfo;
  /** the model's parameters after the knobs */
  params: ModelParams;
  tokens: string[];
  unknown: boolean[];
  /** true at the steps that are padding added by padTo */
  padded: boolean[];
  trace: ForwardTrace;
  /** target = the predicted label at the last token */
  grads: StateGrads;
  jac: JacobianNorms;
  /** filled for all three cells when compare is on (the current cell's entry reuses the main run) */
  compareResults: Partial<Record<CellKind, CellRun>>;
  /** a problem with the input the student should see (empty sentence, failed model) */
  error: string | null;
  /** informational: which model is shown and why (loading, missing cell, random fallback) */
  notice: string | null;
  /** false while `jac` (and compare mode's) hold the quick estimate that is about to be refined */
  jacPrecise: boolean;
}

/** The settings `derive` reads; a change of any of them (or of the model source) reruns the engine. */
export type DeriveInputs = Pick<Settings, 'sentence' | 'cell' | 'model' | 'recurrentScale' | 'forgetBias' | 'padTo' | 'seed' | 'compare'>;

/** One string per distinct derivation: equal keys, equal derived data. */
export function inputsKey(s: DeriveInputs, libraryVersion: number): string {
  return JSON.stringify([s.sentence, s.cell, s.model, s.recurrentScale, s.forgetBias, s.padTo, s.seed, s.compare, libraryVersion]);
}

function cellRun(info: ModelInfo, run: CachedRun): CellRun {
  return { modelInfo: info, tokens: run.tokens, padded: run.padded, trace: run.trace, grads: run.grads, jac: run.jac };
}

/**
 * The one expensive derivation: resolves the model, runs it (and, in compare mode, every other
 * cell against the same target). Pure apart from `cache`, which it reads and in which it records
 * the runs it shows (the refinement makes those precise later).
 */
export function derive(s: DeriveInputs, source: ModelSource, cache: RunCache): Derived {
  const resolve = (cell: CellKind): Resolved => {
    const r = resolveModel(s.model, cell, s.seed, source, cache.random);
    return { ...r, info: cache.stableInfo(r.info) };
  };
  let resolved = resolve(s.cell);
  let run: CachedRun;
  let failure: string | null = null;
  try {
    run = cache.run(resolved.model, s, null);
  } catch (err) {
    // A broken model file must not take the page down: fall back to the built-in random model.
    failure = RUN_PROBLEM.failed(errorText(err));
    const model = cache.random(s.cell, s.seed);
    resolved = { model, info: cache.stableInfo(randomInfo(s.cell, s.model, model)), notice: resolved.notice };
    run = cache.run(model, s, null);
  }
  cache.lastMainRun = run;
  cache.lastCompareRuns.clear();
  const main = cellRun(resolved.info, run);
  const compareResults: Partial<Record<CellKind, CellRun>> = {};
  if (s.compare) {
    for (const cell of CELL_KINDS) {
      if (cell === s.cell) {
        compareResults[cell] = main;
        cache.lastCompareRuns.set(cell, run);
        continue;
      }
      try {
        const r = resolve(cell);
        // The same loss for every cell: the main model's predicted label (same task, same labels).
        const other = cache.run(r.model, s, run.grads.target);
        cache.lastCompareRuns.set(cell, other);
        compareResults[cell] = cellRun(r.info, other);
      } catch {
        // A cell that cannot run is left out of the comparison rather than failing the view.
      }
    }
  }
  const precise = cache.isPrecise(run) && [...cache.lastCompareRuns.values()].every((r) => cache.isPrecise(r));
  return {
    modelInfo: resolved.info,
    params: run.params,
    tokens: run.tokens,
    unknown: run.unknown,
    padded: run.padded,
    trace: run.trace,
    grads: run.grads,
    jac: run.jac,
    compareResults,
    error: failure ?? run.error,
    notice: resolvedNotice(resolved),
    jacPrecise: precise,
  };
}

/** Step and unit clamped to [0, T-1] and [0, H-1], preferring a pending URL request. */
export function clampView(s: Pick<Settings, 'step' | 'unit'> & Pick<ModelSourceSlice, 'wanted'>, T: number, H: number): Pick<Settings, 'step' | 'unit'> {
  return {
    step: clampInt(s.wanted?.step ?? s.step, 0, Math.max(0, T - 1)),
    unit: clampInt(s.wanted?.unit ?? s.unit, 0, Math.max(0, H - 1)),
  };
}

export interface DerivedSlice extends Derived {
  /**
   * Merges `patch` (a change of settings or model source), reruns the engine if an input of the
   * derivation changed, and clamps step and unit into the new ranges, all in one state update.
   * The store's own actions call it; views call the named actions instead.
   */
  recompute(patch?: Partial<VisState>): void;
}

/**
 * The derived slice, with the first derivation made from the starting settings and model source
 * (it also clamps their step and unit, so it is composed after the settings slice).
 */
export function createDerivedSlice(
  start: Settings & Pick<ModelSourceSlice, keyof ModelSource | 'wanted'>,
  cache: RunCache,
  timers: StoreTimers,
): StateCreator<VisState, [], [], DerivedSlice & Pick<Settings, 'step' | 'unit'>> {
  return (set, get) => {
    cache.lastKey = inputsKey(start, start.libraryVersion);
    const first = derive(start, start, cache);
    return {
      ...first,
      ...clampView(start, first.trace.T, first.trace.H),
      recompute(patch = {}) {
        const next = { ...get(), ...patch };
        const key = inputsKey(next, next.libraryVersion);
        if (key === cache.lastKey) {
          set({ ...patch, ...clampView(next, next.trace.T, next.trace.H) });
          return;
        }
        cache.lastKey = key;
        const derived = derive(next, next, cache);
        // The same words keep the same arrays, so a knob move does not re-render what shows only them.
        derived.tokens = sameItems(next.tokens, derived.tokens);
        derived.unknown = sameItems(next.unknown, derived.unknown);
        derived.padded = sameItems(next.padded, derived.padded);
        timers.backward.stop();
        const T = derived.trace.T;
        const view = clampView(next, T, derived.trace.H);
        const stillPlaying = next.playing && view.step < T - 1;
        if (!stillPlaying) timers.play.stop();
        set({ ...patch, ...derived, ...view, playing: stillPlaying, backwardPlay: null, hover: null });
        if (!derived.jacPrecise) get().scheduleRefine();
      },
    };
  };
}
