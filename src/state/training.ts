/**
 * The page side of live training: starts the training worker on first use, keeps the curve and the
 * run's status in a small store of its own, and hands the newest weights to the visualizer store
 * (throttled, because every hand-over reruns forward, backward and the Jacobian norms).
 *
 * The worker is created lazily with `new Worker(new URL(...))`, so Vite emits it as its own file
 * and the page downloads it only when a student presses Start. A crashed or misbehaving worker
 * turns into an error in this store; the rest of the page keeps working and Reset starts afresh.
 */

import { createStore, type StoreApi } from 'zustand/vanilla';
import { modelToFile } from '../engine';
import { tokenize } from '../engine';
import type { Model } from '../engine';
import { CELL_LABEL, type VisState } from './store';
import { checkWorkerMessage, type MainToWorker, type TrainConfig, type WeightsMessage } from './trainProtocol';

export type TrainStatus = 'idle' | 'preparing' | 'running' | 'paused' | 'done' | 'error';

/** One point of the loss curve: means over the steps since the previous point. */
export interface TrainPoint {
  step: number;
  loss: number;
  accuracy: number;
}

/** One held-out measurement. */
export interface EvalPoint {
  step: number;
  accuracy: number;
}

/** A run kept for comparison after another one started (or after Reset): its curve and how it ended. */
export interface PastRun {
  /** the run's number on this page, from 1; it keeps its colour and marker by it */
  id: number;
  config: TrainConfig;
  points: TrainPoint[];
  evals: EvalPoint[];
  /** steps it took */
  step: number;
  /** 'done' when it ran to its last step; 'stopped' when Reset or a new run ended it early; 'error' when it crashed */
  ended: 'done' | 'stopped' | 'error';
}

export interface TrainingState {
  status: TrainStatus;
  /** the current run's number on this page (1, 2, ...); 0 before the first */
  runId: number;
  /** earlier runs of this page, oldest first, kept until `clearCurves` so their curves can be compared */
  runs: PastRun[];
  /** the run being trained or last trained */
  config: TrainConfig | null;
  points: TrainPoint[];
  evals: EvalPoint[];
  /** steps taken so far */
  step: number;
  totalSteps: number;
  trainSize: number;
  heldOutSize: number;
  /** training time so far in ms, pauses excluded */
  elapsedMs: number;
  /** step of the newest weights received, null before any */
  weightsStep: number | null;
  error: string | null;
}

/** What the client needs of a Worker; tests pass a fake. */
export interface WorkerLike {
  postMessage(message: unknown): void;
  terminate(): void;
  onmessage: ((event: { data: unknown }) => void) | null;
  onerror: ((event: { message?: string }) => void) | null;
  onmessageerror?: ((event: unknown) => void) | null;
}

export interface TrainingClientOptions {
  /** Creates the worker; by default the real training worker. */
  createWorker?: () => WorkerLike;
  /** hand weights to the visualizer at most this often (default 200 ms) */
  applyEveryMs?: number;
  /** add curve points to the store at most this often, in batches (default 100 ms; 0: at once) */
  progressEveryMs?: number;
  now?: () => number;
}

export interface TrainingClient {
  store: StoreApi<TrainingState>;
  start(config: TrainConfig): void;
  pause(): void;
  resume(): void;
  /** Stops training; its curve joins the earlier runs. The visualizer keeps the last weights it was shown. */
  reset(): void;
  /** Forgets the earlier runs' curves, and the current one's unless it is still training. */
  clearCurves(): void;
  /** The newest weights as a model, null before any arrived. */
  model(): Model | null;
  /** The newest model as a gatescope model file object (PyTorch layout), null before any. */
  modelFile(): object | null;
  /** Terminates the worker and stops timers. */
  dispose(): void;
}

export const IDLE: TrainingState = {
  status: 'idle',
  runId: 0,
  runs: [],
  config: null,
  points: [],
  evals: [],
  step: 0,
  totalSteps: 0,
  trainSize: 0,
  heldOutSize: 0,
  elapsedMs: 0,
  weightsStep: null,
  error: null,
};

/** Even on a slow machine the visualizer follows training at least once a second. */
const MAX_APPLY_EVERY_MS = 1000;

function defaultWorker(): WorkerLike {
  return new Worker(new URL('./train.worker.ts', import.meta.url), { type: 'module' }) as unknown as WorkerLike;
}

/** The label the visualizer shows for a model in training, e.g. "training: long-range LSTM step 200". */
export function trainingLabel(config: TrainConfig, step: number): string {
  return `training: ${config.task} ${CELL_LABEL[config.cell]} step ${step}`;
}

/** A client's settings and mutable state between calls; the functions below read and change it. */
interface ClientContext {
  vis: StoreApi<VisState>;
  store: StoreApi<TrainingState>;
  options: TrainingClientOptions;
  applyEveryMs: number;
  progressEveryMs: number;
  now: () => number;
  worker: WorkerLike | null;
  latest: { model: Model; step: number } | null;
  pending: WeightsMessage | null;
  applyTimer: ReturnType<typeof setTimeout> | null;
  /** curve points not yet in the store: the panel re-renders once per batch, not once per point */
  buffered: { points: TrainPoint[]; evals: EvalPoint[] };
  flushTimer: ReturnType<typeof setTimeout> | null;
  lastApplied: number;
  /** what the last hand-over cost the page (recompute, render, layout, paint), measured to the frame after it */
  applyCostMs: number;
  shownOnce: boolean;
  sample: string;
  /** start of the current running stretch; null while paused or stopped */
  runningSince: number | null;
  elapsedBefore: number;
  /** the number the next run gets */
  nextRunId: number;
}

function set(c: ClientContext, patch: Partial<TrainingState>): void {
  c.store.setState(patch);
}

function elapsed(c: ClientContext): number {
  return c.elapsedBefore + (c.runningSince === null ? 0 : c.now() - c.runningSince);
}

function stopClock(c: ClientContext): void {
  c.elapsedBefore = elapsed(c);
  c.runningSince = null;
}

function flushProgress(c: ClientContext): void {
  if (c.flushTimer !== null) clearTimeout(c.flushTimer);
  c.flushTimer = null;
  if (c.buffered.points.length === 0 && c.buffered.evals.length === 0) return;
  const s = c.store.getState();
  const last = c.buffered.points[c.buffered.points.length - 1];
  set(c, {
    points: [...s.points, ...c.buffered.points],
    evals: c.buffered.evals.length > 0 ? [...s.evals, ...c.buffered.evals] : s.evals,
    step: last ? Math.max(s.step, last.step) : s.step,
    elapsedMs: elapsed(c),
  });
  c.buffered = { points: [], evals: [] };
}

function dropProgress(c: ClientContext): void {
  if (c.flushTimer !== null) clearTimeout(c.flushTimer);
  c.flushTimer = null;
  c.buffered = { points: [], evals: [] };
}

function clearApply(c: ClientContext): void {
  if (c.applyTimer !== null) clearTimeout(c.applyTimer);
  c.applyTimer = null;
  c.pending = null;
}

function kill(c: ClientContext): void {
  if (c.worker) {
    c.worker.onmessage = null;
    c.worker.onerror = null;
    c.worker.onmessageerror = null;
    c.worker.terminate();
  }
  c.worker = null;
}

function crash(c: ClientContext, message: string): void {
  flushProgress(c);
  kill(c);
  stopClock(c);
  clearApply(c);
  set(c, { status: 'error', error: message, elapsedMs: elapsed(c) });
}

function toModel(msg: WeightsMessage, config: TrainConfig): Model {
  return {
    name: `gatescope ${config.task}-${config.cell} trained in the browser (seed ${config.seed}, step ${msg.step} of ${config.steps})`,
    params: msg.params,
    tokenizer: msg.tokenizer,
    labels: msg.labels,
  };
}

/** Replaces a sentence the task cannot read (a sentiment review shown to the letter task) with the task's example. */
function fitSentence(c: ClientContext, model: Model, config: TrainConfig): void {
  const sentence = c.vis.getState().sentence;
  const tok = tokenize(sentence, model.tokenizer);
  if (tok.ids.length === 0 || tok.unknown.some(Boolean)) {
    const shipped = c.vis.getState().library.entries.find((e) => e.task === config.task && e.sentence !== '');
    const replacement = shipped?.sentence ?? c.sample;
    if (replacement !== '') c.vis.getState().setSentence(replacement);
  }
}

/** Shows the pending weights in the visualizer. */
function applyPending(c: ClientContext): void {
  c.applyTimer = null;
  const msg = c.pending;
  c.pending = null;
  const config = c.store.getState().config;
  if (!msg || !config) return;
  const started = c.now();
  c.lastApplied = started;
  const model = c.latest?.step === msg.step ? c.latest.model : toModel(msg, config);
  c.vis.getState().loadUserModel(model, { label: trainingLabel(config, msg.step), source: 'training' });
  if (typeof requestAnimationFrame === 'function') {
    // A task queued from a frame callback runs after that frame is drawn.
    requestAnimationFrame(() => setTimeout(() => (c.applyCostMs = c.now() - started), 0));
  }
  if (!c.shownOnce) {
    c.shownOnce = true;
    fitSentence(c, model, config);
  }
}

function onWeights(c: ClientContext, msg: WeightsMessage): void {
  const config = c.store.getState().config;
  if (!config) return;
  c.latest = { model: toModel(msg, config), step: msg.step };
  // Weights can be a few steps past the last curve point (a pause between points): the step count follows them.
  set(c, { weightsStep: msg.step, step: Math.max(c.store.getState().step, msg.step) });
  c.pending = msg;
  const status = c.store.getState().status;
  // At a pause or the end, show the exact weights at once. While running, at most every applyEveryMs,
  // and rarer when a hand-over is expensive, so redrawing the page takes at most a third of its time.
  const every = Math.min(MAX_APPLY_EVERY_MS, Math.max(c.applyEveryMs, 3 * c.applyCostMs));
  const wait = status === 'running' ? Math.max(0, every - (c.now() - c.lastApplied)) : 0;
  if (c.applyTimer !== null) {
    if (wait > 0) return;
    clearTimeout(c.applyTimer);
  }
  c.applyTimer = setTimeout(() => applyPending(c), wait);
}

function onMessage(c: ClientContext, data: unknown): void {
  const checked = checkWorkerMessage(data);
  if (!checked.ok) {
    crash(c, `The training worker sent a message that does not fit: ${checked.problem}`);
    return;
  }
  const msg = checked.message;
  const s = c.store.getState();
  switch (msg.type) {
    case 'ready':
      c.sample = msg.sample;
      c.runningSince = s.status === 'preparing' ? c.now() : c.runningSince;
      set(c, {
        status: s.status === 'preparing' ? 'running' : s.status,
        totalSteps: msg.totalSteps,
        trainSize: msg.trainSize,
        heldOutSize: msg.heldOutSize,
      });
      break;
    case 'progress':
      c.buffered.points.push({ step: msg.step, loss: msg.loss, accuracy: msg.accuracy });
      if (msg.evalAccuracy !== undefined) c.buffered.evals.push({ step: msg.step, accuracy: msg.evalAccuracy });
      if (c.progressEveryMs <= 0) flushProgress(c);
      else if (c.flushTimer === null) c.flushTimer = setTimeout(() => flushProgress(c), c.progressEveryMs);
      break;
    case 'weights':
      onWeights(c, msg);
      break;
    case 'done':
      flushProgress(c);
      stopClock(c);
      set(c, { status: 'done', step: msg.step, elapsedMs: elapsed(c) });
      if (c.pending) {
        // The final weights are shown now rather than after the throttle.
        if (c.applyTimer !== null) clearTimeout(c.applyTimer);
        applyPending(c);
      }
      break;
    case 'error':
      crash(c, msg.message);
      break;
  }
}

function send(c: ClientContext, message: MainToWorker): void {
  c.worker?.postMessage(message);
}

function ensureWorker(c: ClientContext): WorkerLike | null {
  if (c.worker) return c.worker;
  try {
    const w = (c.options.createWorker ?? defaultWorker)();
    w.onmessage = (event) => onMessage(c, event.data);
    w.onerror = (event) => crash(c, `The training worker stopped: ${event?.message || 'it failed to load or crashed'}.`);
    w.onmessageerror = () => crash(c, 'The training worker sent a message the page could not read.');
    c.worker = w;
    return w;
  } catch (err) {
    crash(c, `The training worker could not be started: ${err instanceof Error ? err.message : String(err)}.`);
    return null;
  }
}

/** The earlier runs with the current one added when it has a curve (it is ending: a new run or Reset). */
function withCurrentRun(s: TrainingState): PastRun[] {
  if (!s.config || s.points.length === 0) return s.runs;
  const ended = s.status === 'done' ? 'done' : s.status === 'error' ? 'error' : 'stopped';
  return [...s.runs, { id: s.runId, config: s.config, points: s.points, evals: s.evals, step: s.step, ended }];
}

/**
 * Creates the page's training client: its own store of the run's status and curve, a worker started
 * on the first `start`, and throttled hand-overs of the newest weights to the visualizer store `vis`.
 */
export function createTrainingClient(vis: StoreApi<VisState>, options: TrainingClientOptions = {}): TrainingClient {
  const c: ClientContext = {
    vis,
    store: createStore<TrainingState>()(() => ({ ...IDLE })),
    options,
    applyEveryMs: options.applyEveryMs ?? 200,
    progressEveryMs: options.progressEveryMs ?? 100,
    now: options.now ?? (() => performance.now()),
    worker: null,
    latest: null,
    pending: null,
    applyTimer: null,
    buffered: { points: [], evals: [] },
    flushTimer: null,
    lastApplied: -Infinity,
    applyCostMs: 0,
    shownOnce: false,
    sample: '',
    runningSince: null,
    elapsedBefore: 0,
    nextRunId: 1,
  };

  return {
    store: c.store,
    start(config) {
      clearApply(c);
      flushProgress(c);
      c.latest = null;
      c.shownOnce = false;
      c.lastApplied = -Infinity;
      c.elapsedBefore = 0;
      c.runningSince = null;
      const runs = withCurrentRun(c.store.getState());
      set(c, { ...IDLE, runs, runId: c.nextRunId++, status: 'preparing', config, totalSteps: config.steps });
      if (!ensureWorker(c)) return;
      send(c, { type: 'start', ...config });
    },
    pause() {
      if (c.store.getState().status !== 'running') return;
      stopClock(c);
      flushProgress(c);
      set(c, { status: 'paused', elapsedMs: elapsed(c) });
      send(c, { type: 'pause' });
    },
    resume() {
      if (c.store.getState().status !== 'paused') return;
      c.runningSince = c.now();
      set(c, { status: 'running' });
      send(c, { type: 'resume' });
    },
    reset() {
      clearApply(c);
      // Whatever arrived before the reset belongs to the run's curve, which joins the earlier runs.
      flushProgress(c);
      send(c, { type: 'reset' });
      c.latest = null;
      c.elapsedBefore = 0;
      c.runningSince = null;
      set(c, { ...IDLE, runs: withCurrentRun(c.store.getState()) });
    },
    clearCurves() {
      const s = c.store.getState();
      const busy = s.status === 'preparing' || s.status === 'running' || s.status === 'paused';
      if (busy) set(c, { runs: [] });
      else set(c, { ...IDLE });
    },
    model: () => c.latest?.model ?? null,
    modelFile() {
      return c.latest ? modelToFile(c.latest.model, 'pytorch') : null;
    },
    dispose() {
      clearApply(c);
      dropProgress(c);
      kill(c);
    },
  };
}
