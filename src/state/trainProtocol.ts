/**
 * The messages between the page and the training worker, and their checks. Both sides validate
 * what arrives by shape before acting on it: a message that does not fit becomes a problem string,
 * never an exception, so a bug on one side shows up as an error in the Train panel instead of a
 * silent hang or a crashed worker.
 *
 * Weights travel as copies (structured clone of Float64Arrays, no transfer list): the worker keeps
 * training on its own arrays, and the page owns what it received.
 */

import type { TaskId } from '../engine';
import { BLOCKS, CELL_KINDS, type CellKind, type ModelParams, type TokenizerSpec } from '../engine';

/** The tasks the panel offers, in menu order. Listed here, not imported, so the page bundle stays free of the task generators. */
export const TRAIN_TASKS: readonly TaskId[] = ['sentiment', 'long-range', 'brackets'];

/** Ranges a start message must respect (the panel's fields use the same table). */
export const TRAIN_LIMITS = {
  hidden: { min: 1, max: 256 },
  lr: { min: 1e-5, max: 1 },
  steps: { min: 1, max: 100_000 },
  seed: { min: 0, max: 2 ** 31 - 1 },
} as const;

/** One training run, as the student set it up. */
export interface TrainConfig {
  task: TaskId;
  cell: CellKind;
  /** hidden size H */
  hidden: number;
  /** peak learning rate (a cosine schedule lowers it to a tenth by the last step) */
  lr: number;
  /** Adam steps */
  steps: number;
  seed: number;
}

export type StartMessage = { type: 'start' } & TrainConfig;
export type MainToWorker = StartMessage | { type: 'pause' } | { type: 'resume' } | { type: 'reset' };

/** Sent once the data is generated and training is about to begin. */
export interface ReadyMessage {
  type: 'ready';
  totalSteps: number;
  trainSize: number;
  heldOutSize: number;
  /** a held-out text the visualizer can show when the current sentence does not fit the task */
  sample: string;
}

/** One point of the curve: means over the steps since the previous point. */
export interface ProgressMessage {
  type: 'progress';
  /** steps taken so far */
  step: number;
  /** mean training batch loss (cross-entropy) */
  loss: number;
  /** mean training batch accuracy in [0, 1] */
  accuracy: number;
  /** accuracy on the held-out examples, on the steps where it was measured */
  evalAccuracy?: number;
}

/** A snapshot of the current weights with what is needed to run them as a model. */
export interface WeightsMessage {
  type: 'weights';
  step: number;
  params: ModelParams;
  tokenizer: TokenizerSpec;
  labels: string[];
}

export interface DoneMessage {
  type: 'done';
  step: number;
  evalAccuracy: number;
}

export interface ErrorMessage {
  type: 'error';
  message: string;
}

export type WorkerToMain = ReadyMessage | ProgressMessage | WeightsMessage | DoneMessage | ErrorMessage;

export type Checked<T> = { ok: true; message: T } | { ok: false; problem: string };

type Obj = Record<string, unknown>;

function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function show(v: unknown): string {
  if (v === undefined) return 'nothing';
  if (v === null) return 'null';
  if (typeof v === 'string') return JSON.stringify(v.length > 30 ? `${v.slice(0, 30)}...` : v);
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (Array.isArray(v)) return `an array of ${v.length}`;
  return typeof v;
}

/** Own property only, so "__proto__" and inherited names never count as present. */
function field(o: Obj, key: string): unknown {
  return Object.prototype.hasOwnProperty.call(o, key) ? o[key] : undefined;
}

class Bad extends Error {}

function num(o: Obj, key: string, where: string, opts: { integer?: boolean; min?: number; max?: number } = {}): number {
  const v = field(o, key);
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new Bad(`${where}.${key}: expected a finite number, found ${show(v)}`);
  if (opts.integer && !Number.isInteger(v)) throw new Bad(`${where}.${key}: expected a whole number, found ${v}`);
  if (opts.min !== undefined && v < opts.min) throw new Bad(`${where}.${key}: ${v} is below ${opts.min}`);
  if (opts.max !== undefined && v > opts.max) throw new Bad(`${where}.${key}: ${v} is above ${opts.max}`);
  return v;
}

function oneOf<T extends string>(o: Obj, key: string, where: string, allowed: readonly T[]): T {
  const v = field(o, key);
  if (typeof v !== 'string' || !(allowed as readonly string[]).includes(v)) {
    throw new Bad(`${where}.${key}: expected one of ${allowed.join(', ')}, found ${show(v)}`);
  }
  return v as T;
}

function text(o: Obj, key: string, where: string): string {
  const v = field(o, key);
  if (typeof v !== 'string') throw new Bad(`${where}.${key}: expected text, found ${show(v)}`);
  return v;
}

function strings(o: Obj, key: string, where: string, length: number): string[] {
  const v = field(o, key);
  if (!Array.isArray(v) || v.length !== length || !v.every((s) => typeof s === 'string')) {
    throw new Bad(`${where}.${key}: expected ${length} strings, found ${show(v)}`);
  }
  return v as string[];
}

function checked<T>(read: () => T): Checked<T> {
  try {
    return { ok: true, message: read() };
  } catch (err) {
    if (err instanceof Bad) return { ok: false, problem: err.message };
    throw err;
  }
}

function typeOf(data: unknown, allowed: readonly string[], side: string): { o: Obj; type: string } {
  if (!isObj(data)) throw new Bad(`${side} message: expected an object, found ${show(data)}`);
  const type = field(data, 'type');
  if (typeof type !== 'string' || !allowed.includes(type)) {
    throw new Bad(`${side} message: unknown type ${show(type)} (expected ${allowed.join(', ')})`);
  }
  return { o: data, type };
}

/** Checks a message the worker received from the page. */
export function checkMainMessage(data: unknown): Checked<MainToWorker> {
  return checked(() => {
    const { o, type } = typeOf(data, ['start', 'pause', 'resume', 'reset'], 'page');
    if (type !== 'start') return { type } as MainToWorker;
    const L = TRAIN_LIMITS;
    return {
      type: 'start',
      task: oneOf(o, 'task', 'start', TRAIN_TASKS),
      cell: oneOf(o, 'cell', 'start', CELL_KINDS),
      hidden: num(o, 'hidden', 'start', { integer: true, ...L.hidden }),
      lr: num(o, 'lr', 'start', L.lr),
      steps: num(o, 'steps', 'start', { integer: true, ...L.steps }),
      seed: num(o, 'seed', 'start', { integer: true, ...L.seed }),
    };
  });
}

const PARAM_ARRAYS = ['weightIh', 'weightHh', 'biasIh', 'biasHh', 'embedding', 'headWeight', 'headBias'] as const;

/** Realm-independent: arrays cloned into another realm fail `instanceof` but keep their tag. */
function isFloat64Array(v: unknown): v is Float64Array {
  return ArrayBuffer.isView(v) && Object.prototype.toString.call(v) === '[object Float64Array]';
}

function checkParams(v: unknown): ModelParams {
  if (!isObj(v)) throw new Bad(`weights.params: expected an object, found ${show(v)}`);
  const where = 'weights.params';
  const cell = oneOf(v, 'cell', where, CELL_KINDS);
  const size = { integer: true, min: 1, max: 100_000 };
  const D = num(v, 'inputSize', where, size);
  const H = num(v, 'hiddenSize', where, size);
  const V = num(v, 'vocabSize', where, size);
  const K = num(v, 'numClasses', where, size);
  const GH = BLOCKS[cell] * H;
  const lengths: Record<(typeof PARAM_ARRAYS)[number], number> = {
    weightIh: GH * D,
    weightHh: GH * H,
    biasIh: GH,
    biasHh: GH,
    embedding: V * D,
    headWeight: K * H,
    headBias: K,
  };
  const out = { cell, inputSize: D, hiddenSize: H, vocabSize: V, numClasses: K } as ModelParams;
  for (const key of PARAM_ARRAYS) {
    const a = field(v, key);
    if (!isFloat64Array(a)) throw new Bad(`${where}.${key}: expected a Float64Array, found ${show(a)}`);
    if (a.length !== lengths[key]) throw new Bad(`${where}.${key}: expected ${lengths[key]} numbers, found ${a.length}`);
    out[key] = a;
  }
  return out;
}

function checkTokenizer(v: unknown, vocabSize: number): TokenizerSpec {
  if (!isObj(v)) throw new Bad(`weights.tokenizer: expected an object, found ${show(v)}`);
  const where = 'weights.tokenizer';
  const kind = oneOf(v, 'kind', where, ['word', 'char'] as const);
  const lowercase = field(v, 'lowercase');
  if (typeof lowercase !== 'boolean') throw new Bad(`${where}.lowercase: expected true or false, found ${show(lowercase)}`);
  const unk = text(v, 'unk', where);
  const vocab = strings(v, 'vocab', where, vocabSize);
  if (!vocab.includes(unk)) throw new Bad(`${where}.unk: ${show(unk)} is not in the vocabulary`);
  return { kind, lowercase, unk, vocab };
}

/** Checks a message the page received from the worker. */
export function checkWorkerMessage(data: unknown): Checked<WorkerToMain> {
  return checked((): WorkerToMain => {
    const { o, type } = typeOf(data, ['ready', 'progress', 'weights', 'done', 'error'], 'worker');
    const step = { integer: true, min: 0 };
    switch (type) {
      case 'ready':
        return {
          type,
          totalSteps: num(o, 'totalSteps', type, { integer: true, min: 1 }),
          trainSize: num(o, 'trainSize', type, step),
          heldOutSize: num(o, 'heldOutSize', type, step),
          sample: text(o, 'sample', type),
        };
      case 'progress': {
        const msg: ProgressMessage = {
          type,
          step: num(o, 'step', type, step),
          loss: num(o, 'loss', type, { min: 0 }),
          accuracy: num(o, 'accuracy', type, { min: 0, max: 1 }),
        };
        if (field(o, 'evalAccuracy') !== undefined) msg.evalAccuracy = num(o, 'evalAccuracy', type, { min: 0, max: 1 });
        return msg;
      }
      case 'weights': {
        const params = checkParams(field(o, 'params'));
        return {
          type,
          step: num(o, 'step', type, step),
          params,
          tokenizer: checkTokenizer(field(o, 'tokenizer'), params.vocabSize),
          labels: strings(o, 'labels', type, params.numClasses),
        };
      }
      case 'done':
        return { type, step: num(o, 'step', type, step), evalAccuracy: num(o, 'evalAccuracy', type, { min: 0, max: 1 }) };
      default:
        return { type: 'error', message: text(o, 'message', 'error') };
    }
  });
}
