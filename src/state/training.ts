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

export interface TrainingState {
  status: TrainStatus;
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
  /** Stops training and clears the curve; the visualizer keeps the last weights it was shown. */
  reset(): void;
  /** The newest weights as a model, null before any arrived. */
  model(): Model | null;
  /** The newest model as a gatescope model file object (PyTorch layout), null before any. */
  modelFile(): object | null;
  /** Terminates the worker and stops timers. */
  dispose(): void;
}

export const IDLE: TrainingState = {
  status: 'idle',
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

export function createTrainingClient(vis: StoreApi<VisState>, options: TrainingClientOptions = {}): TrainingClient {
  const store = createStore<TrainingState>()(() => ({ ...IDLE }));
  const applyEveryMs = options.applyEveryMs ?? 200;
  const progressEveryMs = options.progressEveryMs ?? 100;
  const now = options.now ?? (() => performance.now());
  let worker: WorkerLike | null = null;
  let latest: { model: Model; step: number } | null = null;
  let pending: WeightsMessage | null = null;
  let applyTimer: ReturnType<typeof setTimeout> | null = null;
  // Curve points not yet in the store: the panel re-renders once per batch, not once per point.
  let buffered: { points: TrainPoint[]; evals: EvalPoint[] } = { points: [], evals: [] };
  let flushTimer: ReturnType<typeof setTimeout> | null = null;
  let lastApplied = -Infinity;
  // What the last hand-over cost the page (recompute, render, layout, paint), measured to the frame after it.
  let applyCostMs = 0;
  let shownOnce = false;
  let sample = '';
  // Start of the current running stretch; null while paused or stopped.
  let runningSince: number | null = null;
  let elapsedBefore = 0;

  const set = (patch: Partial<TrainingState>): void => store.setState(patch);
  const elapsed = (): number => elapsedBefore + (runningSince === null ? 0 : now() - runningSince);

  function stopClock(): void {
    elapsedBefore = elapsed();
    runningSince = null;
  }

  function flushProgress(): void {
    if (flushTimer !== null) clearTimeout(flushTimer);
    flushTimer = null;
    if (buffered.points.length === 0 && buffered.evals.length === 0) return;
    const s = store.getState();
    const last = buffered.points[buffered.points.length - 1];
    set({
      points: [...s.points, ...buffered.points],
      evals: buffered.evals.length > 0 ? [...s.evals, ...buffered.evals] : s.evals,
      step: last ? Math.max(s.step, last.step) : s.step,
      elapsedMs: elapsed(),
    });
    buffered = { points: [], evals: [] };
  }

  function dropProgress(): void {
    if (flushTimer !== null) clearTimeout(flushTimer);
    flushTimer = null;
    buffered = { points: [], evals: [] };
  }

  function clearApply(): void {
    if (applyTimer !== null) clearTimeout(applyTimer);
    applyTimer = null;
    pending = null;
  }

  function kill(): void {
    if (worker) {
      worker.onmessage = null;
      worker.onerror = null;
      worker.onmessageerror = null;
      worker.terminate();
    }
    worker = null;
  }

  function crash(message: string): void {
    flushProgress();
    kill();
    stopClock();
    clearApply();
    set({ status: 'error', error: message, elapsedMs: elapsed() });
  }

  /** Shows the pending weights in the visualizer. */
  function apply(): void {
    applyTimer = null;
    const msg = pending;
    pending = null;
    const config = store.getState().config;
    if (!msg || !config) return;
    const started = now();
    lastApplied = started;
    const model = latest?.step === msg.step ? latest.model : toModel(msg, config);
    vis.getState().loadUserModel(model, { label: trainingLabel(config, msg.step), source: 'training' });
    if (typeof requestAnimationFrame === 'function') {
      // A task queued from a frame callback runs after that frame is drawn.
      requestAnimationFrame(() => setTimeout(() => (applyCostMs = now() - started), 0));
    }
    if (!shownOnce) {
      shownOnce = true;
      // A sentence the task cannot read (a sentiment review shown to the letter task) is replaced by the task's example.
      const sentence = vis.getState().sentence;
      const tok = tokenize(sentence, model.tokenizer);
      if (tok.ids.length === 0 || tok.unknown.some(Boolean)) {
        const shipped = vis.getState().library.entries.find((e) => e.task === config.task && e.sentence !== '');
        const replacement = shipped?.sentence ?? sample;
        if (replacement !== '') vis.getState().setSentence(replacement);
      }
    }
  }

  function toModel(msg: WeightsMessage, config: TrainConfig): Model {
    return {
      name: `gatescope ${config.task}-${config.cell} trained in the browser (seed ${config.seed}, step ${msg.step} of ${config.steps})`,
      params: msg.params,
      tokenizer: msg.tokenizer,
      labels: msg.labels,
    };
  }

  function onWeights(msg: WeightsMessage): void {
    const config = store.getState().config;
    if (!config) return;
    latest = { model: toModel(msg, config), step: msg.step };
    // Weights can be a few steps past the last curve point (a pause between points): the step count follows them.
    set({ weightsStep: msg.step, step: Math.max(store.getState().step, msg.step) });
    pending = msg;
    const status = store.getState().status;
    // At a pause or the end, show the exact weights at once. While running, at most every applyEveryMs,
    // and rarer when a hand-over is expensive, so redrawing the page takes at most a third of its time.
    const every = Math.min(MAX_APPLY_EVERY_MS, Math.max(applyEveryMs, 3 * applyCostMs));
    const wait = status === 'running' ? Math.max(0, every - (now() - lastApplied)) : 0;
    if (applyTimer !== null) {
      if (wait > 0) return;
      clearTimeout(applyTimer);
    }
    applyTimer = setTimeout(apply, wait);
  }

  function onMessage(data: unknown): void {
    const checked = checkWorkerMessage(data);
    if (!checked.ok) {
      crash(`The training worker sent a message that does not fit: ${checked.problem}`);
      return;
    }
    const msg = checked.message;
    const s = store.getState();
    switch (msg.type) {
      case 'ready':
        sample = msg.sample;
        runningSince = s.status === 'preparing' ? now() : runningSince;
        set({
          status: s.status === 'preparing' ? 'running' : s.status,
          totalSteps: msg.totalSteps,
          trainSize: msg.trainSize,
          heldOutSize: msg.heldOutSize,
        });
        break;
      case 'progress':
        buffered.points.push({ step: msg.step, loss: msg.loss, accuracy: msg.accuracy });
        if (msg.evalAccuracy !== undefined) buffered.evals.push({ step: msg.step, accuracy: msg.evalAccuracy });
        if (progressEveryMs <= 0) flushProgress();
        else if (flushTimer === null) flushTimer = setTimeout(flushProgress, progressEveryMs);
        break;
      case 'weights':
        onWeights(msg);
        break;
      case 'done':
        flushProgress();
        stopClock();
        set({ status: 'done', step: msg.step, elapsedMs: elapsed() });
        if (pending) {
          // The final weights are shown now rather than after the throttle.
          if (applyTimer !== null) clearTimeout(applyTimer);
          apply();
        }
        break;
      case 'error':
        crash(msg.message);
        break;
    }
  }

  function send(message: MainToWorker): void {
    worker?.postMessage(message);
  }

  function ensureWorker(): WorkerLike | null {
    if (worker) return worker;
    try {
      const w = (options.createWorker ?? defaultWorker)();
      w.onmessage = (event) => onMessage(event.data);
      w.onerror = (event) => crash(`The training worker stopped: ${event?.message || 'it failed to load or crashed'}.`);
      w.onmessageerror = () => crash('The training worker sent a message the page could not read.');
      worker = w;
      return w;
    } catch (err) {
      crash(`The training worker could not be started: ${err instanceof Error ? err.message : String(err)}.`);
      return null;
    }
  }

  return {
    store,
    start(config) {
      clearApply();
      dropProgress();
      latest = null;
      shownOnce = false;
      lastApplied = -Infinity;
      elapsedBefore = 0;
      runningSince = null;
      set({ ...IDLE, status: 'preparing', config, totalSteps: config.steps });
      if (!ensureWorker()) return;
      send({ type: 'start', ...config });
    },
    pause() {
      if (store.getState().status !== 'running') return;
      stopClock();
      flushProgress();
      set({ status: 'paused', elapsedMs: elapsed() });
      send({ type: 'pause' });
    },
    resume() {
      if (store.getState().status !== 'paused') return;
      runningSince = now();
      set({ status: 'running' });
      send({ type: 'resume' });
    },
    reset() {
      clearApply();
      dropProgress();
      send({ type: 'reset' });
      latest = null;
      elapsedBefore = 0;
      runningSince = null;
      set({ ...IDLE });
    },
    model: () => latest?.model ?? null,
    modelFile() {
      return latest ? modelToFile(latest.model, 'pytorch') : null;
    },
    dispose() {
      clearApply();
      dropProgress();
      kill();
    },
  };
}
