/**
 * The run cache of one store, an explicit object the derivation is handed: the last few runs per
 * model (so toggling compare or switching cells reuses them, and an edit reuses the norms of the
 * prefix it kept), the random stand-in models, the model descriptions handed out lately, and the
 * runs the state shows now (which the refinement makes precise).
 */

import type { CellKind, ForwardTrace, Model, ModelParams } from '../engine';
import { LazyNorms, normsWithPrefix } from './jacobianSteps';
import { randomModel } from './models';
import type { ModelInfo, RandomModels } from './resolveModel';
import { runCell, type Engine, type Run } from './run';
import type { Settings } from './settings';

/**
 * Lanczos budgets for the Jacobian norms. The precise one is the engine's default (32 dimensions:
 * exact for H <= 32, within 2e-5 of the exact norm on the shipped and random models up to H = 128)
 * but takes 25-60 ms for 256 steps at H = 128, so an interactive store (refineJacobianMs set) first
 * shows a quick estimate and replaces it with the precise one once the input has been still for a
 * moment. Quick: 7 dimensions in single precision (tol >= the engine's SINGLE_TOL), 4-8 ms for 256
 * steps at H = 128 in Node; a lower bound up to float rounding (1e-7), within 1.2% of the exact norm
 * for 99% of steps (the worst, 11%, on an untrained GRU) on the shipped and random H = 32-128 models
 * over 32-256 tokens: invisible on the log axis it is drawn on.
 */
export const JACOBIAN_PRECISE = { tol: 1e-10, maxIter: 32 } as const;
export const JACOBIAN_QUICK = { tol: 1e-4, maxIter: 7 } as const;

/** The settings one run depends on (besides the model and the loss target). */
export type RunInputs = Pick<Settings, 'sentence' | 'recurrentScale' | 'forgetBias' | 'padTo'>;

/** A run kept for reuse, with the knobs it ran with (runs of one model and knobs share Jacobian norms). */
export type CachedRun = Run & { knobs: { recurrentScale: number; forgetBias: number }; target: number | null };

const INFOS_KEPT = 6;
const RUNS_KEPT_PER_MODEL = 2;

export class RunCache {
  readonly engine: Engine;
  readonly jacOptions: typeof JACOBIAN_PRECISE | typeof JACOBIAN_QUICK;
  /** the derivation inputs the state's derived data was made from */
  lastKey = '';
  /** the main run the state shows */
  lastMainRun: CachedRun | null = null;
  /** compare mode's runs the state shows, by cell */
  readonly lastCompareRuns = new Map<CellKind, CachedRun>();
  // One small map per model object; models are few (3 cells x loaded tasks + random stand-ins).
  readonly #runMaps = new WeakMap<Model, Map<string, CachedRun>>();
  readonly #randoms = new Map<string, Model>();
  readonly #infosSeen: ModelInfo[] = [];

  /** `quick`: Jacobian norms start as quick estimates (refined later); else precise at once. */
  constructor(engine: Engine, quick: boolean) {
    this.engine = engine;
    this.jacOptions = quick ? JACOBIAN_QUICK : JACOBIAN_PRECISE;
  }

  /** Seeded random weights, made once per (cell, seed, model they imitate). */
  readonly random: RandomModels = (cell, seed, like) => {
    const key = `${cell}|${seed}|${like?.id ?? 'builtin'}`;
    let m = this.#randoms.get(key);
    if (!m) {
      m = randomModel(cell, seed, like?.model);
      this.#randoms.set(key, m);
    }
    return m;
  };

  /**
   * `info`, or an equal description handed out lately: a knob move or an edit keeps the same
   * object, so the views that show it (the picker, the prediction track's labels) are not rendered again.
   */
  stableInfo(info: ModelInfo): ModelInfo {
    const same = this.#infosSeen.find((o) =>
      (Object.keys(info) as (keyof ModelInfo)[]).every((k) =>
        k === 'labels' ? o.labels.length === info.labels.length && o.labels.every((l, i) => l === info.labels[i]) : o[k] === info[k],
      ),
    );
    if (same) return same;
    this.#infosSeen.push(info);
    if (this.#infosSeen.length > INFOS_KEPT) this.#infosSeen.shift();
    return info;
  }

  /** True once every step's Jacobian norms are the precise ones (always, without quick estimates). */
  isPrecise(run: CachedRun): boolean {
    return this.jacOptions === JACOBIAN_PRECISE || run.jac.precise >= run.trace.T;
  }

  /** The shown runs whose norms are not precise yet, each once. */
  pendingRuns(): CachedRun[] {
    return [...new Set([this.lastMainRun, ...this.lastCompareRuns.values()])].filter((r): r is CachedRun => r !== null && !this.isPrecise(r));
  }

  /** The run of `model` on these inputs against `target`, from the cache or made now. */
  run(model: Model, s: RunInputs, target: number | null): CachedRun {
    const key = JSON.stringify([s.sentence, s.recurrentScale, s.forgetBias, s.padTo, target]);
    const byModel = this.#runsOf(model);
    let run = byModel.get(key);
    if (run) return run;
    // The latest run of this model with the same knobs: typing changes only the last steps, whose
    // Jacobian norms are all that needs computing (the forward pass is causal).
    const prior = [...byModel.values()].reverse().find((r) => r.knobs.recurrentScale === s.recurrentScale && r.knobs.forgetBias === s.forgetBias);
    // The prior's norms if they were computed; never the prior run itself: a closure holding it
    // would chain every unread run to the one before (a long drag with the chart out of view).
    const priorNorms = prior && prior.jac.ready ? { ids: prior.trace.ids, jac: prior.jac, precise: prior.jac.precise } : null;
    const { engine, jacOptions } = this;
    const norms = (params: ModelParams, trace: ForwardTrace) =>
      new LazyNorms(trace.T, trace.c !== null, () =>
        normsWithPrefix(engine.jacobianNorms, params, trace, jacOptions, jacOptions === JACOBIAN_PRECISE, priorNorms),
      );
    const same = prior && prior.target === target ? prior : null;
    run = { ...runCell(model, s.sentence, s, engine, target, norms, same), knobs: { recurrentScale: s.recurrentScale, forgetBias: s.forgetBias }, target };
    byModel.set(key, run);
    return run;
  }

  #runsOf(model: Model): Map<string, CachedRun> {
    let m = this.#runMaps.get(model);
    if (!m) {
      m = new Map();
      this.#runMaps.set(model, m);
    }
    // Only the latest inputs matter; older entries would only hold memory.
    if (m.size > RUNS_KEPT_PER_MODEL) m.delete(m.keys().next().value as string);
    return m;
  }
}
