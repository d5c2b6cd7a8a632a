/**
 * One visualizer's state: the settings a URL can carry, the data derived from them once per change
 * (model, tokens, forward trace, gradients, Jacobian norms), and the transient view state (hover,
 * playback). A framework-free zustand store; React reads it through src/state/context.tsx.
 *
 * The expensive derivation runs in exactly one place, `recompute`, and only when one of its inputs
 * (sentence, cell, model, knobs, padding, seed, compare, loaded models) changed. Stepping, hovering
 * and selecting a unit never touch the engine.
 */

import { createStore, type StoreApi } from 'zustand/vanilla';
import { backward } from '../engine/backward';
import { createInputProjections, forward, type InputProjections } from '../engine/forward';
import { withKnobs } from '../engine/init';
import { jacobianNorms } from '../engine/jacobian';
import { tokenize } from '../engine/tokenizer';
import {
  CELL_KINDS,
  CELL_LABEL,
  type CellKind,
  type ForwardTrace,
  type JacobianNorms,
  type Model,
  type ModelParams,
  type StateGrads,
} from '../engine/types';
import { LazyNorms, jacobianRange, normsWithPrefix, refineChunk, sharedPrefix } from './jacobianSteps';
import {
  BUILTIN_SENTENCE,
  RANDOM_TASK,
  USER_TASK,
  errorText,
  isModelPath,
  loadIndex,
  loadModelFile,
  randomModel,
  taskIds,
  type FetchText,
  type ModelEntry,
} from './models';

export type PanelId = 'diagram' | 'heatmaps' | 'prediction' | 'gradient' | 'equations' | 'knobs' | 'train';
export const ALL_PANELS: readonly PanelId[] = ['diagram', 'heatmaps', 'prediction', 'gradient', 'equations', 'knobs', 'train'];
/** The Train panel opens on request ("Train a model"), so the default page stays as light as before. */
export const DEFAULT_PANELS: readonly PanelId[] = ALL_PANELS.filter((p) => p !== 'train');
/** Each panel's heading, also its name in the panel picker and the share dialog. */
export const PANEL_TITLE: Record<PanelId, string> = {
  diagram: 'Cell diagram',
  heatmaps: 'Heatmaps over time',
  prediction: 'Prediction track',
  gradient: 'Gradient flow',
  equations: 'Equations',
  knobs: 'Knobs',
  train: 'Train a model',
};

export type ColorBy = 'none' | 'unit' | 'saliency';
export const COLOR_BY: readonly ColorBy[] = ['none', 'unit', 'saliency'];

export interface Settings {
  sentence: string;
  cell: CellKind;
  /** task id, e.g. 'sentiment', or 'random' */
  model: string;
  /** 0-based current token */
  step: number;
  /** selected hidden unit */
  unit: number;
  recurrentScale: number;
  forgetBias: number;
  /** pad the sentence to at least this many tokens, 0 = off */
  padTo: number;
  seed: number;
  panels: PanelId[];
  compare: boolean;
  colorBy: ColorBy;
}

/** Allowed ranges of the numeric settings; the URL codec and the knobs use the same table. */
export const LIMITS = {
  recurrentScale: { min: 0, max: 4 },
  forgetBias: { min: -10, max: 10 },
  // 256: the longest sentence the interface budget (issue 6) promises to keep interactive.
  padTo: { min: 0, max: 256 },
  seed: { min: 0, max: 2 ** 31 - 1 },
  step: { min: 0, max: 100_000 },
  unit: { min: 0, max: 100_000 },
} as const;

/** Longest sentence (in tokens, before padding) the visualizer runs; longer text is cut. */
export const MAX_VIEW_TOKENS = 256;

export const DEFAULT_SETTINGS: Settings = {
  sentence: BUILTIN_SENTENCE,
  cell: 'lstm',
  model: 'sentiment',
  step: 0,
  unit: 0,
  recurrentScale: 1,
  forgetBias: 0,
  padTo: 0,
  seed: 1,
  panels: [...DEFAULT_PANELS],
  compare: false,
  colorBy: 'unit',
};

export type KnobName = 'recurrentScale' | 'forgetBias' | 'padTo' | 'seed';

export interface ModelInfo {
  /** catalogue entry id, or 'random' */
  id: string;
  /** the task the settings asked for ('random' for the built-in model) */
  task: string;
  /** what the page shows next to the picker, e.g. "sentiment LSTM, trained (test accuracy 97%)" */
  label: string;
  trained: boolean;
  cell: CellKind;
  H: number;
  labels: string[];
  description: string;
  testAccuracy: number | null;
}

/** The run of one cell over the sentence, as used for compare mode. */
export interface CellRun {
  modelInfo: ModelInfo;
  tokens: string[];
  padded: boolean[];
  trace: ForwardTrace;
  grads: StateGrads;
  jac: JacobianNorms;
}

export interface Library {
  /** idle: no loader (tests, embeds); loading: index.json on its way; ready: index known (maybe empty) */
  status: 'idle' | 'loading' | 'ready';
  entries: ModelEntry[];
  tasks: string[];
  problems: string[];
}

/** Everything `recompute` produces. */
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

export interface VisActions {
  setSentence(sentence: string): void;
  /**
   * The student is in the sentence box (true on focus, false on blur). While they are, the example
   * sentence that arrives with the model library does not replace the box's text under their caret.
   */
  setSentenceFocus(focused: boolean): void;
  setStep(step: number): void;
  stepBy(delta: number): void;
  setUnit(unit: number): void;
  setCell(cell: CellKind): void;
  setModel(task: string): void;
  setKnob(name: KnobName, value: number): void;
  setHover(hover: { step: number; unit: number } | null): void;
  togglePlay(): void;
  setPlaySpeed(stepsPerSecond: number): void;
  setPanels(panels: PanelId[]): void;
  setCompare(compare: boolean): void;
  setColorBy(colorBy: ColorBy): void;
  /** back to the first step, playback stopped */
  reset(): void;
  startBackwardPlay(): void;
  stopBackwardPlay(): void;
  /** Applies many settings at once (URL restore) with one recompute. */
  applySettings(settings: Partial<Settings>, urlProblems?: string[]): void;
  /**
   * Shows a model the user brought (a loaded file, a `model=` path, live training): switches the
   * model setting to USER_TASK and the cell to the model's, keeps the sentence. Calling it again
   * (e.g. with newer trained weights) replaces the model and recomputes.
   */
  loadUserModel(model: Model, meta: UserModelMeta): void;
  /** Stops timers; call when the visualizer unmounts. */
  dispose(): void;
}

/** Where a user model came from, for its label. */
export interface UserModelMeta {
  /** e.g. "my-lstm.json" or "training step 120" */
  label: string;
  source: 'file' | 'url' | 'training';
  /** the `model=` path it was loaded from: the model setting keeps it, so a link loads it again */
  path?: string;
}

export interface VisState extends Settings, Derived, VisActions {
  hover: { step: number; unit: number } | null;
  playing: boolean;
  /** steps per second while playing */
  playSpeed: number;
  /** the step the animated gradient has reached, null when not animating */
  backwardPlay: number | null;
  library: Library;
  /** problems found while reading the URL hash, shown once to the student */
  urlProblems: string[];
}

/** The engine functions the store calls; injectable so tests can count calls. */
export interface Engine {
  forward: typeof forward;
  backward: typeof backward;
  jacobianNorms: typeof jacobianNorms;
}

export interface VisStoreOptions {
  engine?: Engine;
  /** When given, the store loads models/index.json and the model files through it. */
  fetchText?: FetchText;
  /**
   * When set, recomputation uses quick Jacobian norms and refines them this many ms after the
   * inputs stop changing (the app sets it so typing and dragging stay within a frame).
   * Unset: precise norms at once.
   */
  refineJacobianMs?: number;
}

/** Each cell's name as the page writes it (the engine's table, re-exported for the views). */
export { CELL_LABEL };

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

/** Longest stretch of main-thread time one task of Jacobian refinement may take. */
const REFINE_SLICE_MS = 8;

const DEFAULT_ENGINE: Engine = { forward, backward, jacobianNorms };

export function clamp(v: number, lo: number, hi: number): number {
  return v < lo ? lo : v > hi ? hi : v;
}

function clampInt(v: number, lo: number, hi: number): number {
  return clamp(Math.round(Number.isFinite(v) ? v : lo), lo, hi);
}

/** The inputs of `recompute`; a change of any of them (and only them) reruns the engine. */
type DeriveInputs = Pick<Settings, 'sentence' | 'cell' | 'model' | 'recurrentScale' | 'forgetBias' | 'padTo' | 'seed' | 'compare'>;

function inputsKey(s: DeriveInputs, libraryVersion: number): string {
  return JSON.stringify([s.sentence, s.cell, s.model, s.recurrentScale, s.forgetBias, s.padTo, s.seed, s.compare, libraryVersion]);
}

interface Resolved {
  model: Model;
  info: ModelInfo;
  notice: string | null;
}

type Loaded = { state: 'loading' } | { state: 'ok'; model: Model } | { state: 'failed'; message: string };

function percent(x: number): string {
  return `${Math.round(x * 100)}%`;
}

/** A run kept for reuse, with the knobs it ran with (runs of one model and knobs share Jacobian norms). */
type CachedRun = ReturnType<typeof runCell> & { knobs: { recurrentScale: number; forgetBias: number }; target: number | null };

/** The engine's numbers for one run. */
interface RunNumbers {
  params: ModelParams;
  trace: ForwardTrace;
  grads: StateGrads;
  /** computed when first read (by the Jacobian chart, or the refinement after a pause) */
  jac: LazyNorms;
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

// Per model parameters object: its input projections, which every knob setting shares (the knobs
// change W_hh and b_hh only), and the last few knob settings (a drag passes through many values).
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
function sameItems<T>(a: T[], b: T[]): T[] {
  return a.length === b.length && a.every((v, i) => v === b[i]) ? a : b;
}

/** Runs one model over the sentence: tokens, padding, knobs, forward, backward, Jacobian norms. */
function runCell(
  model: Model,
  sentence: string,
  knobs: { recurrentScale: number; forgetBias: number; padTo: number },
  engine: Engine,
  target: number | null,
  /** the Jacobian norms of the trace, computed when first read */
  norms: (params: ModelParams, trace: ForwardTrace) => LazyNorms,
  /** an earlier run of the same model, knobs and target, whose numbers hold if the token ids match */
  same: RunNumbers | null = null,
): {
  tokens: string[];
  unknown: boolean[];
  padded: boolean[];
  params: ModelParams;
  trace: ForwardTrace;
  grads: StateGrads;
  jac: LazyNorms;
  error: string | null;
} {
  const spec = model.tokenizer;
  const tok = tokenize(sentence, spec, MAX_VIEW_TOKENS);
  const tokens = [...tok.tokens];
  const unknown = [...tok.unknown];
  const padded = tokens.map(() => false);
  const ids = Array.from(tok.ids);
  let error: string | null = null;
  if (tok.truncated) error = `Only the first ${MAX_VIEW_TOKENS} tokens are shown.`;

  // Padding uses "." when the vocabulary has it (it reads as filler), else the unknown-word token.
  const dot = spec.vocab.indexOf('.');
  const padId = dot >= 0 ? dot : spec.vocab.indexOf(spec.unk);
  const padToken = dot >= 0 ? '.' : spec.unk;
  const padTo = Math.max(knobs.padTo, tokens.length === 0 ? 1 : 0);
  if (tokens.length === 0) error = 'The sentence is empty: type at least one word to see the model read it.';
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

/**
 * Creates one visualizer's store. `initial` settings override the defaults (a URL hash, an embed's
 * attributes); options inject the engine (tests) and the model loader (the app).
 */
export function createVisStore(initial: Partial<Settings> = {}, options: VisStoreOptions = {}): StoreApi<VisState> {
  const engine = options.engine ?? DEFAULT_ENGINE;
  const fetchText = options.fetchText;

  const loaded = new Map<string, Loaded>();
  const randomCache = new Map<string, Model>();
  let libraryVersion = 0;
  let userModel: { model: Model; meta: UserModelMeta } | null = null;
  let lastKey = '';
  // A step/unit asked for by the URL before the model that gives it meaning has loaded.
  let wanted: { step: number; unit: number } | null = null;
  // Until the student types, the sentence follows the chosen task's example sentence.
  let sentenceTouched = initial.sentence !== undefined;
  let sentenceFocused = false;
  let playTimer: ReturnType<typeof setInterval> | null = null;
  let backTimer: ReturnType<typeof setInterval> | null = null;

  function cachedRandom(cell: CellKind, seed: number, like?: { id: string; model: Model }): Model {
    const key = `${cell}|${seed}|${like?.id ?? 'builtin'}`;
    let m = randomCache.get(key);
    if (!m) {
      m = randomModel(cell, seed, like?.model);
      randomCache.set(key, m);
    }
    return m;
  }

  function randomInfo(cell: CellKind, task: string, model: Model): ModelInfo {
    return {
      id: RANDOM_TASK,
      task,
      label: 'random weights (untrained)',
      trained: false,
      cell,
      H: model.params.hiddenSize,
      labels: model.labels,
      description: 'Seeded random weights: the gates move, but nothing has been learned.',
      testAccuracy: null,
    };
  }

  /** Picks the model for (task, cell): the trained one if loaded, else labelled random weights. */
  function resolveModel(task: string, cell: CellKind, seed: number, library: Library): Resolved {
    const builtin = (notice: string | null): Resolved => {
      const model = cachedRandom(cell, seed);
      return { model, info: randomInfo(cell, task, model), notice };
    };
    if (task === RANDOM_TASK) return builtin(null);
    if (task === USER_TASK || (userModel !== null && task === userModel.meta.path)) {
      if (!userModel) return builtin('The loaded model is not available any more (it is not kept across reloads); showing random weights.');
      const um = userModel;
      if (um.model.params.cell !== cell) {
        const model = cachedRandom(cell, seed, { id: `user:${libraryVersion}`, model: um.model });
        return {
          model,
          info: randomInfo(cell, task, model),
          notice: `Your model is ${CELL_LABEL[um.model.params.cell]}; this ${CELL_LABEL[cell]} has random weights with its vocabulary and sizes.`,
        };
      }
      return {
        model: um.model,
        info: {
          id: USER_TASK,
          task,
          label: `${um.meta.label} (${CELL_LABEL[cell]}, ${um.meta.source === 'training' ? 'training' : 'your model'})`,
          trained: true,
          cell,
          H: um.model.params.hiddenSize,
          labels: um.model.labels,
          description: um.model.name ?? um.meta.label,
          testAccuracy: null,
        },
        notice: null,
      };
    }
    if (isModelPath(task)) return builtin(`Loading the model file ${task}; showing random weights until it arrives.`);
    if (library.status === 'idle') return builtin(null);
    if (library.status === 'loading') return builtin('Loading the trained models; showing random weights until they arrive.');
    const entries = library.entries.filter((e) => e.task === task);
    if (entries.length === 0) {
      return builtin(
        library.entries.length === 0
          ? 'No trained models are available, so the model has seeded random weights.'
          : `There is no trained model for "${task}"; showing random weights.`,
      );
    }
    const sibling = entries
      .map((e) => ({ id: e.id, l: loaded.get(e.id) }))
      .find((x): x is { id: string; l: { state: 'ok'; model: Model } } => x.l?.state === 'ok');
    const like = sibling ? { id: sibling.id, model: sibling.l.model } : undefined;
    const entry = entries.find((e) => e.cell === cell);
    const stand = (notice: string): Resolved => {
      const model = cachedRandom(cell, seed, like);
      return { model, info: randomInfo(cell, task, model), notice };
    };
    if (!entry) {
      return stand(`There is no trained ${CELL_LABEL[cell]} for "${task}"; this ${CELL_LABEL[cell]} has random weights with the same vocabulary and sizes.`);
    }
    const l = loaded.get(entry.id);
    if (!l || l.state === 'loading') return stand(`Loading the trained ${CELL_LABEL[cell]}; showing random weights until it arrives.`);
    if (l.state === 'failed') return stand(`The trained ${CELL_LABEL[cell]} could not be loaded (${l.message}); showing random weights.`);
    const acc = entry.testAccuracy !== null ? `, test accuracy ${percent(entry.testAccuracy > 1 ? entry.testAccuracy / 100 : entry.testAccuracy)}` : '';
    return {
      model: l.model,
      info: {
        id: entry.id,
        task,
        label: `${task} ${CELL_LABEL[cell]}, trained${acc}`,
        trained: true,
        cell,
        H: l.model.params.hiddenSize,
        labels: l.model.labels,
        description: entry.description,
        testAccuracy: entry.testAccuracy,
      },
      notice: null,
    };
  }

  // The last few cell runs, so toggling compare or switching cells in compare mode reuses them.
  const jacOptions = options.refineJacobianMs !== undefined ? JACOBIAN_QUICK : JACOBIAN_PRECISE;
  let refineTimer: ReturnType<typeof setTimeout> | null = null;

  /** True once every step's Jacobian norms are the precise ones (always, without quick estimates). */
  function runIsPrecise(run: CachedRun): boolean {
    return jacOptions === JACOBIAN_PRECISE || run.jac.precise >= run.trace.T;
  }

  function cachedRun(model: Model, s: DeriveInputs, target: number | null): CachedRun {
    const key = JSON.stringify([s.sentence, s.recurrentScale, s.forgetBias, s.padTo, target]);
    const byModel = runCacheFor(model);
    let run = byModel.get(key);
    if (!run) {
      // The latest run of this model with the same knobs: typing changes only the last steps, whose
      // Jacobian norms are all that needs computing (the forward pass is causal).
      const prior = [...byModel.values()].reverse().find((r) => r.knobs.recurrentScale === s.recurrentScale && r.knobs.forgetBias === s.forgetBias);
      // The prior's norms if they were computed; never the prior run itself: a closure holding it
      // would chain every unread run to the one before (a long drag with the chart out of view).
      const priorNorms = prior && prior.jac.ready ? { ids: prior.trace.ids, jac: prior.jac, precise: prior.jac.precise } : null;
      const norms = (params: ModelParams, trace: ForwardTrace) =>
        new LazyNorms(trace.T, trace.c !== null, () =>
          normsWithPrefix(engine.jacobianNorms, params, trace, jacOptions, jacOptions === JACOBIAN_PRECISE, priorNorms),
        );
      const same = prior && prior.target === target ? prior : null;
      run = { ...runCell(model, s.sentence, s, engine, target, norms, same), knobs: { recurrentScale: s.recurrentScale, forgetBias: s.forgetBias }, target };
      byModel.set(key, run);
    }
    return run;
  }

  /**
   * Replaces quick Jacobian norms by precise ones in the cached runs, a chunk of steps per task so
   * a long sentence never blocks the page for long, then shows them all in one state update.
   */
  function refineJacobians(): void {
    refineTimer = null;
    const pending = [...new Set([lastMainRun, ...lastCompareRuns.values()])].filter((r): r is CachedRun => r !== null && !runIsPrecise(r));
    if (pending.length === 0) return;
    // Refine copies: the arrays the state holds must not change under the charts. Norms nobody
    // read yet are not computed quickly first: refining computes every step.
    for (const run of pending) run.jac = run.jac.refinable();
    const work = (): void => {
      refineTimer = null;
      const started = performance.now();
      for (const run of pending) {
        while (!runIsPrecise(run)) {
          // Yield between chunks once this task has used a few ms; a new edit cancels the rest.
          if (performance.now() - started > REFINE_SLICE_MS) {
            refineTimer = setTimeout(work, 0);
            return;
          }
          const t1 = Math.min(run.trace.T, run.jac.precise + refineChunk(run.trace.H, JACOBIAN_PRECISE.maxIter));
          jacobianRange(engine.jacobianNorms, run.params, run.trace, run.jac.precise, t1, JACOBIAN_PRECISE, run.jac);
          run.jac.markPrecise(t1);
        }
      }
      publishRefined();
    };
    work();
  }

  function publishRefined(): void {
    const s = get();
    const compareResults: Partial<Record<CellKind, CellRun>> = {};
    for (const [cell, run] of lastCompareRuns) {
      const prev = s.compareResults[cell];
      if (prev) compareResults[cell] = { ...prev, jac: run.jac };
    }
    set({ jac: lastMainRun ? lastMainRun.jac : s.jac, compareResults, jacPrecise: true });
  }

  function scheduleRefine(): void {
    if (refineTimer !== null) clearTimeout(refineTimer);
    refineTimer = null;
    if (options.refineJacobianMs === undefined) return;
    refineTimer = setTimeout(refineJacobians, options.refineJacobianMs);
  }

  // One small map per model object; models are few (3 cells x loaded tasks + random stand-ins).
  const runMaps = new WeakMap<Model, Map<string, CachedRun>>();
  let lastMainRun: CachedRun | null = null;
  const lastCompareRuns = new Map<CellKind, CachedRun>();
  function runCacheFor(model: Model): Map<string, CachedRun> {
    let m = runMaps.get(model);
    if (!m) {
      m = new Map();
      runMaps.set(model, m);
    }
    // Only the latest inputs matter; older entries would only hold memory.
    if (m.size > 2) m.delete(m.keys().next().value as string);
    return m;
  }

  // The model descriptions handed out lately: a knob move or an edit keeps the same object, so the
  // views that show it (the picker, the prediction track's labels) are not rendered again.
  const infosSeen: ModelInfo[] = [];
  function stableInfo(info: ModelInfo): ModelInfo {
    const same = infosSeen.find((o) =>
      (Object.keys(info) as (keyof ModelInfo)[]).every((k) =>
        k === 'labels' ? o.labels.length === info.labels.length && o.labels.every((l, i) => l === info.labels[i]) : o[k] === info[k],
      ),
    );
    if (same) return same;
    infosSeen.push(info);
    if (infosSeen.length > 6) infosSeen.shift();
    return info;
  }

  function resolveStable(task: string, cell: CellKind, seed: number, library: Library): Resolved {
    const r = resolveModel(task, cell, seed, library);
    return { ...r, info: stableInfo(r.info) };
  }

  /** The one expensive derivation. Pure apart from the caches it reads and the runs it remembers for refining. */
  function derive(s: DeriveInputs, library: Library): Derived {
    let resolved = resolveStable(s.model, s.cell, s.seed, library);
    let run: CachedRun;
    let failure: string | null = null;
    try {
      run = cachedRun(resolved.model, s, null);
    } catch (err) {
      // A broken model file must not take the page down: fall back to the built-in random model.
      failure = `The model could not run on this sentence (${errorText(err)}); showing random weights instead.`;
      const model = cachedRandom(s.cell, s.seed);
      resolved = { model, info: stableInfo(randomInfo(s.cell, s.model, model)), notice: resolved.notice };
      run = cachedRun(model, s, null);
    }
    lastMainRun = run;
    lastCompareRuns.clear();
    const main: CellRun = { modelInfo: resolved.info, tokens: run.tokens, padded: run.padded, trace: run.trace, grads: run.grads, jac: run.jac };
    const compareResults: Partial<Record<CellKind, CellRun>> = {};
    if (s.compare) {
      for (const cell of CELL_KINDS) {
        if (cell === s.cell) {
          compareResults[cell] = main;
          lastCompareRuns.set(cell, run);
          continue;
        }
        try {
          const r = resolveStable(s.model, cell, s.seed, library);
          // The same loss for every cell: the main model's predicted label (same task, same labels).
          const other = cachedRun(r.model, s, run.grads.target);
          lastCompareRuns.set(cell, other);
          compareResults[cell] = { modelInfo: r.info, tokens: other.tokens, padded: other.padded, trace: other.trace, grads: other.grads, jac: other.jac };
        } catch {
          // A cell that cannot run is left out of the comparison rather than failing the view.
        }
      }
    }
    const precise = runIsPrecise(run) && [...lastCompareRuns.values()].every(runIsPrecise);
    if (!precise) scheduleRefine();
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
      notice: resolved.notice,
      jacPrecise: precise,
    };
  }

  function stopPlayTimer(): void {
    if (playTimer !== null) clearInterval(playTimer);
    playTimer = null;
  }

  function stopBackTimer(): void {
    if (backTimer !== null) clearInterval(backTimer);
    backTimer = null;
  }

  const initialSettings: Settings = { ...DEFAULT_SETTINGS, ...initial, panels: [...(initial.panels ?? DEFAULT_SETTINGS.panels)] };
  if (initial.step !== undefined || initial.unit !== undefined) wanted = { step: initialSettings.step, unit: initialSettings.unit };
  const initialLibrary: Library = { status: fetchText ? 'loading' : 'idle', entries: [], tasks: [], problems: [] };

  // The store is created below; these helpers only run after that.
  const get = (): VisState => store.getState();
  const set = (partial: Partial<VisState>): void => store.setState(partial);

  /**
   * Reruns the engine when an input changed, then clamps step and unit into the new ranges.
   * `patch` is merged first so a settings change and its derived data land in one update.
   */
  function recompute(patch: Partial<VisState> = {}): void {
    const next = { ...get(), ...patch };
    const key = inputsKey(next, libraryVersion);
    if (key === lastKey) {
      set({ ...patch, ...clampView(next, next.trace.T, next.trace.H) });
      return;
    }
    lastKey = key;
    const derived = derive(next, next.library);
    // The same words keep the same arrays, so a knob move does not re-render what shows only them.
    derived.tokens = sameItems(next.tokens, derived.tokens);
    derived.unknown = sameItems(next.unknown, derived.unknown);
    derived.padded = sameItems(next.padded, derived.padded);
    stopBackTimer();
    const T = derived.trace.T;
    const view = clampView(next, T, derived.trace.H);
    const stillPlaying = next.playing && (view.step ?? 0) < T - 1;
    if (!stillPlaying) stopPlayTimer();
    set({ ...patch, ...derived, ...view, playing: stillPlaying, backwardPlay: null, hover: null });
  }

  /** Step and unit clamped to [0, T-1] and [0, H-1], preferring a pending URL request. */
  function clampView(next: Pick<VisState, 'step' | 'unit'>, T: number, H: number): Pick<VisState, 'step' | 'unit'> {
    return {
      step: clampInt(wanted?.step ?? next.step, 0, Math.max(0, T - 1)),
      unit: clampInt(wanted?.unit ?? next.unit, 0, Math.max(0, H - 1)),
    };
  }

  /** Starts loading every model file of `task` that is not loaded yet; each arrival recomputes. */
  function loadTask(task: string): void {
    if (!fetchText) return;
    const lib = get().library;
    if (lib.status !== 'ready') return;
    for (const entry of lib.entries) {
      if (entry.task !== task || loaded.has(entry.id)) continue;
      loaded.set(entry.id, { state: 'loading' });
      loadModelFile(entry, fetchText)
        .then(
          (model) => loaded.set(entry.id, { state: 'ok', model }),
          (err: unknown) => loaded.set(entry.id, { state: 'failed', message: errorText(err) }),
        )
        .finally(() => {
          libraryVersion++;
          recompute();
        });
    }
  }

  function exampleSentence(task: string, entries = get().library.entries): string | null {
    const found = entries.find((e) => e.task === task && e.sentence !== '');
    return found ? found.sentence : null;
  }

  function advance(): void {
    const s = get();
    if (s.step >= s.trace.T - 1) {
      stopPlayTimer();
      set({ playing: false });
    } else {
      set({ step: s.step + 1 });
    }
  }

  function startPlayTimer(stepsPerSecond: number): void {
    stopPlayTimer();
    playTimer = setInterval(advance, 1000 / stepsPerSecond);
  }

  const actions: VisActions = {
    setSentence(sentence) {
      if (sentence === get().sentence) return;
      sentenceTouched = true;
      wanted = null;
      recompute({ sentence });
    },
    setSentenceFocus(focused) {
      sentenceFocused = focused;
    },
    setStep(step) {
      wanted = null;
      const next = clampInt(step, 0, Math.max(0, get().trace.T - 1));
      if (next !== get().step) set({ step: next });
    },
    stepBy(delta) {
      actions.setStep(get().step + delta);
    },
    setUnit(unit) {
      const next = clampInt(unit, 0, Math.max(0, get().trace.H - 1));
      if (wanted) wanted = { ...wanted, unit: next };
      if (next !== get().unit) set({ unit: next });
    },
    setCell(cell) {
      if (cell === get().cell || !CELL_KINDS.includes(cell)) return;
      wanted = null;
      recompute({ cell });
    },
    setModel(task) {
      if (task === get().model) return;
      wanted = null;
      const example = exampleSentence(task);
      // A new task usually has another vocabulary (or reads characters): show its example sentence.
      const patch: Partial<VisState> = example !== null ? { model: task, sentence: example, step: 0 } : { model: task };
      recompute(patch);
      loadTask(task);
    },
    setKnob(name, value) {
      const lim = LIMITS[name];
      const integer = name === 'padTo' || name === 'seed';
      if (!Number.isFinite(value)) return;
      const v = integer ? clampInt(value, lim.min, lim.max) : clamp(value, lim.min, lim.max);
      if (v === get()[name]) return;
      recompute({ [name]: v });
    },
    setHover(hover) {
      const cur = get().hover;
      if (hover === cur) return;
      if (hover && cur && hover.step === cur.step && hover.unit === cur.unit) return;
      set({ hover });
    },
    togglePlay() {
      const s = get();
      if (s.playing) {
        stopPlayTimer();
        set({ playing: false });
        return;
      }
      wanted = null;
      // Pressing Play at the end starts over, which is what a student expects.
      set({ playing: true, step: s.step >= s.trace.T - 1 ? 0 : s.step });
      startPlayTimer(s.playSpeed);
    },
    setPlaySpeed(stepsPerSecond) {
      if (!Number.isFinite(stepsPerSecond) || stepsPerSecond <= 0) return;
      set({ playSpeed: stepsPerSecond });
      if (get().playing) startPlayTimer(stepsPerSecond);
    },
    setPanels(panels) {
      set({ panels: ALL_PANELS.filter((p) => panels.includes(p)) });
    },
    setCompare(compare) {
      if (compare === get().compare) return;
      recompute({ compare });
    },
    setColorBy(colorBy) {
      if (COLOR_BY.includes(colorBy)) set({ colorBy });
    },
    reset() {
      wanted = null;
      stopPlayTimer();
      stopBackTimer();
      set({ step: 0, playing: false, backwardPlay: null, hover: null });
    },
    startBackwardPlay() {
      stopBackTimer();
      set({ backwardPlay: get().trace.T - 1 });
      backTimer = setInterval(() => {
        const b = get().backwardPlay;
        if (b === null || b <= 0) {
          stopBackTimer();
          set({ backwardPlay: null });
        } else {
          set({ backwardPlay: b - 1 });
        }
      }, Math.max(60, 1000 / (get().playSpeed * 2)));
    },
    stopBackwardPlay() {
      stopBackTimer();
      set({ backwardPlay: null });
    },
    applySettings(settings, urlProblems = []) {
      const patch: Partial<VisState> = { urlProblems };
      for (const [k, v] of Object.entries(settings)) {
        if (v !== undefined) (patch as Record<string, unknown>)[k] = v;
      }
      if (patch.panels) patch.panels = ALL_PANELS.filter((p) => patch.panels!.includes(p));
      if (settings.sentence !== undefined) sentenceTouched = true;
      wanted = { step: patch.step ?? get().step, unit: patch.unit ?? get().unit };
      stopPlayTimer();
      recompute({ ...patch, playing: false });
      loadTask(get().model);
    },
    loadUserModel(model, meta) {
      userModel = { model, meta };
      // The version is part of the recompute key and of the stand-in cache key.
      libraryVersion++;
      // A link's step and unit were asked for this model: keep them until it is shown.
      if (meta.source !== 'url') wanted = null;
      recompute({ model: meta.path ?? USER_TASK, cell: model.params.cell });
    },
    dispose() {
      stopPlayTimer();
      stopBackTimer();
      if (refineTimer !== null) clearTimeout(refineTimer);
      refineTimer = null;
    },
  };

  lastKey = inputsKey(initialSettings, libraryVersion);
  const derived0 = derive(initialSettings, initialLibrary);
  const store: StoreApi<VisState> = createStore<VisState>()(() => ({
    ...initialSettings,
    ...derived0,
    ...clampView(initialSettings, derived0.trace.T, derived0.trace.H),
    hover: null,
    playing: false,
    playSpeed: 2,
    backwardPlay: null,
    library: initialLibrary,
    urlProblems: [],
    ...actions,
  }));

  if (fetchText) {
    void loadIndex(fetchText).then(({ entries, problems }) => {
      libraryVersion++;
      const patch: Partial<VisState> = { library: { status: 'ready', entries, tasks: taskIds(entries), problems } };
      if (!sentenceTouched && !sentenceFocused) {
        const example = exampleSentence(get().model, entries);
        if (example !== null) patch.sentence = example;
      }
      recompute(patch);
      loadTask(get().model);
    });
  }

  return store;
}
