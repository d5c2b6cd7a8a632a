/**
 * What the training worker does, as a plain object that a test can drive in Node: it reads page
 * messages (start, pause, resume, reset), trains in short slices, and posts progress, weights and
 * the held-out accuracy. The worker file only wires it to `self`; the host supplies posting, a way
 * to run the next slice after pending messages, and a clock.
 *
 * A run uses the same data, initialisation and schedule as `npm run train` (src/cli/train.ts) with
 * the same seed, so the defaults reproduce a shipped model and its accuracy.
 */

import { initParams } from '../engine';
import { createRng } from '../engine';
import { TASKS } from '../engine';
import { RECIPES, scheduledLearningRate } from '../engine';
import type { TaskId } from '../engine';
import { createTrainer, encodeExamples, type EncodedExample, type Trainer } from '../engine';
import type { ModelParams } from '../engine';
import { checkMainMessage, type ProgressMessage, type StartMessage, type TrainConfig, type WorkerToMain } from './trainProtocol';

/** The held-out texts come from the CLI's fixed test seeds, so the panel scores on a subset of its test set. */
export const HELD_OUT_SEED: Record<TaskId, number> = { sentiment: 9001, 'long-range': 9002, brackets: 9003 };

export interface SessionHost {
  post(message: WorkerToMain): void;
  /** Runs `fn` later, after any messages already waiting (the worker uses a MessageChannel). */
  schedule(fn: () => void): void;
  /** milliseconds, monotonic */
  now(): number;
}

export interface SessionOptions {
  /** train for about this long before yielding to messages (default 20 ms) */
  sliceMs?: number;
  /** at most this many steps per slice (default unlimited; tests set it to interleave messages) */
  sliceSteps?: number;
  /** post the weights at most this often while running (default 200 ms, i.e. 5 times a second) */
  weightsEveryMs?: number;
  /** held-out examples scored for the accuracy curve (default 500) */
  heldOutSize?: number;
  /** training texts generated; default the task recipe's */
  trainSize?: number;
  /** about this many points on the loss curve per run (default 200) */
  curvePoints?: number;
  /** about this many held-out measurements per run (default 20) */
  evalPoints?: number;
}

export type SessionState = 'idle' | 'running' | 'paused' | 'done';

export interface TrainSession {
  /** Reacts to one message from the page; never throws (problems are posted as error messages). */
  handle(data: unknown): void;
  readonly state: SessionState;
}

interface Run {
  config: TrainConfig;
  trainer: Trainer;
  heldOut: EncodedExample[];
  tokenizer: (typeof TASKS)[TaskId]['tokenizer'];
  labels: string[];
  reportEvery: number;
  evalEvery: number;
  /** sums since the last curve point */
  lossSum: number;
  accSum: number;
  count: number;
  lastWeightsAt: number;
}

function copyParams(p: ModelParams): ModelParams {
  return {
    ...p,
    weightIh: p.weightIh.slice(),
    weightHh: p.weightHh.slice(),
    biasIh: p.biasIh.slice(),
    biasHh: p.biasHh.slice(),
    embedding: p.embedding.slice(),
    headWeight: p.headWeight.slice(),
    headBias: p.headBias.slice(),
  };
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

type SessionData = { train: EncodedExample[]; heldOut: EncodedExample[]; sample: string };

/** A session's settings and mutable state; the functions below read and change it. */
interface Session {
  host: SessionHost;
  options: SessionOptions;
  sliceMs: number;
  sliceSteps: number;
  weightsEveryMs: number;
  heldOutSize: number;
  state: SessionState;
  run: Run | null;
  /** bumped by start and reset, so a slice scheduled for an older run does nothing */
  generation: number;
  /** generating 20000 texts takes a few hundred ms; a restart with the same task and seed reuses them */
  dataCache: (SessionData & { key: string }) | null;
}

function fail(s: Session, message: string): void {
  s.host.post({ type: 'error', message });
}

function postWeights(s: Session, r: Run): void {
  r.lastWeightsAt = s.host.now();
  s.host.post({
    type: 'weights',
    step: r.trainer.steps,
    params: copyParams(r.trainer.params),
    tokenizer: { ...r.tokenizer, vocab: [...r.tokenizer.vocab] },
    labels: [...r.labels],
  });
}

function dataFor(s: Session, config: TrainConfig): SessionData {
  const trainSize = s.options.trainSize ?? RECIPES[config.task].trainSize;
  const key = JSON.stringify([config.task, config.seed, trainSize, s.heldOutSize]);
  if (s.dataCache?.key !== key) {
    const task = TASKS[config.task];
    const trainTexts = task.generate(createRng(config.seed), 'train', trainSize);
    const testTexts = task.generate(createRng(HELD_OUT_SEED[config.task]), 'test', s.heldOutSize);
    s.dataCache = {
      key,
      train: encodeExamples(trainTexts, task.tokenizer),
      heldOut: encodeExamples(testTexts, task.tokenizer),
      sample: testTexts[0]?.text ?? '',
    };
  }
  return s.dataCache;
}

/** A fresh run of `config` on the given data: initial weights, trainer and reporting cadence. */
function createRun(config: TrainConfig, train: EncodedExample[], heldOut: EncodedExample[], options: SessionOptions): Run {
  const recipe = RECIPES[config.task];
  const task = TASKS[config.task];
  // Seeds as in the CLI: data from seed, weights from seed + 101, batch order from seed + 202.
  const params = initParams({
    cell: config.cell,
    inputSize: recipe.inputSize,
    hiddenSize: config.hidden,
    vocabSize: task.tokenizer.vocab.length,
    numClasses: task.labels.length,
    seed: config.seed + 101,
    // initParams ignores it for a cell without a forget gate.
    forgetBias: recipe.forgetBias,
  });
  const trainer = createTrainer({
    params,
    examples: train,
    lr: config.lr,
    batchSize: recipe.batchSize,
    clipNorm: recipe.clipNorm,
    seed: config.seed + 202,
  });
  const curvePoints = options.curvePoints ?? 200;
  const evalPoints = options.evalPoints ?? 20;
  const reportEvery = Math.max(1, Math.round(config.steps / curvePoints));
  // Held-out checks fall on curve points, so every check has a point to sit on.
  const evalEvery = reportEvery * Math.max(1, Math.round(config.steps / evalPoints / reportEvery));
  return {
    config,
    trainer,
    heldOut,
    tokenizer: task.tokenizer,
    labels: task.labels,
    reportEvery,
    evalEvery,
    lossSum: 0,
    accSum: 0,
    count: 0,
    lastWeightsAt: 0,
  };
}

function start(s: Session, msg: StartMessage): void {
  const { type: _type, ...config } = msg;
  const gen = ++s.generation;
  s.run = null;
  s.state = 'idle';
  const { train, heldOut, sample } = dataFor(s, config);
  const run = createRun(config, train, heldOut, s.options);
  s.run = run;
  s.state = 'running';
  s.host.post({ type: 'ready', totalSteps: config.steps, trainSize: train.length, heldOutSize: heldOut.length, sample });
  // Step 0 at once, measured on the held-out texts (there is no batch yet): the curve starts at the untrained model.
  const untrained = run.trainer.evaluate(heldOut);
  s.host.post({ type: 'progress', step: 0, loss: untrained.loss, accuracy: untrained.accuracy, evalAccuracy: untrained.accuracy });
  postWeights(s, run);
  s.host.schedule(() => slice(s, gen));
}

/** Trains until the slice's time or step budget is spent, reporting as it goes, then yields. */
function slice(s: Session, gen: number): void {
  if (gen !== s.generation || s.state !== 'running' || !s.run) return;
  const r = s.run;
  const total = r.config.steps;
  const started = s.host.now();
  let taken = 0;
  try {
    while (r.trainer.steps < total) {
      r.trainer.setLearningRate(scheduledLearningRate(r.config.lr, r.trainer.steps, total));
      const result = r.trainer.step();
      taken++;
      if (!Number.isFinite(result.loss)) {
        s.state = 'idle';
        s.run = null;
        fail(s, `The loss became ${result.loss} at step ${result.step}: the learning rate ${r.config.lr} is too high for this model. Reset and try a smaller one.`);
        return;
      }
      r.lossSum += result.loss;
      r.accSum += result.accuracy;
      r.count++;
      const last = result.step === total;
      if (result.step % r.reportEvery === 0 || last) {
        const point: ProgressMessage = { type: 'progress', step: result.step, loss: r.lossSum / r.count, accuracy: r.accSum / r.count };
        if (result.step % r.evalEvery === 0 || last) point.evalAccuracy = r.trainer.evaluate(r.heldOut).accuracy;
        s.host.post(point);
        r.lossSum = 0;
        r.accSum = 0;
        r.count = 0;
        if (last) {
          s.state = 'done';
          postWeights(s, r);
          s.host.post({ type: 'done', step: result.step, evalAccuracy: point.evalAccuracy ?? 0 });
          return;
        }
      }
      if (taken >= s.sliceSteps || s.host.now() - started >= s.sliceMs) break;
    }
  } catch (err) {
    s.state = 'idle';
    s.run = null;
    fail(s, `Training stopped: ${errorText(err)}`);
    return;
  }
  if (s.host.now() - r.lastWeightsAt >= s.weightsEveryMs) postWeights(s, r);
  s.host.schedule(() => slice(s, gen));
}

function handle(s: Session, data: unknown): void {
  const checked = checkMainMessage(data);
  if (!checked.ok) {
    fail(s, `The training worker ignored a message: ${checked.problem}`);
    return;
  }
  const msg = checked.message;
  try {
    switch (msg.type) {
      case 'start':
        start(s, msg);
        break;
      case 'pause':
        if (s.state !== 'running' || !s.run) return;
        s.state = 'paused';
        // The visualizer should show exactly the weights training stopped at.
        postWeights(s, s.run);
        break;
      case 'resume':
        if (s.state !== 'paused') return;
        s.state = 'running';
        s.host.schedule(() => slice(s, s.generation));
        break;
      case 'reset':
        s.generation++;
        s.run = null;
        s.state = 'idle';
        break;
    }
  } catch (err) {
    s.generation++;
    s.run = null;
    s.state = 'idle';
    fail(s, `Training could not ${msg.type}: ${errorText(err)}`);
  }
}

/** Creates the worker's training session: `host` posts, schedules and keeps time; `options` size the run. */
export function createTrainSession(host: SessionHost, options: SessionOptions = {}): TrainSession {
  const s: Session = {
    host,
    options,
    sliceMs: options.sliceMs ?? 20,
    sliceSteps: options.sliceSteps ?? Infinity,
    weightsEveryMs: options.weightsEveryMs ?? 200,
    heldOutSize: options.heldOutSize ?? 500,
    state: 'idle',
    run: null,
    generation: 0,
    dataCache: null,
  };
  return {
    handle: (data) => handle(s, data),
    get state() {
      return s.state;
    },
  };
}
