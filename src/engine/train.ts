/**
 * Mini-batch training of a model on labelled token sequences: forward and backward per sequence,
 * gradients averaged over the batch into one preallocated buffer, then one Adam step.
 *
 * The trainer is a plain object driven one `step()` at a time, with no timers and no I/O, so a Node
 * script can loop over it and a Web Worker can interleave steps with messages.
 */
import { createAdam } from './adam';
import { backward, zeroGrads } from './backward';
import { forward } from './forward';
import { createRng } from './random';
import { tokenize } from './tokenizer';
import type { ModelParams, ParamGrads, TokenizerSpec } from './types';

/** One training sequence: T token ids and the class index of its label. */
export interface EncodedExample {
  ids: Int32Array;
  label: number;
}

export interface TrainerOptions {
  /** trained in place */
  params: ModelParams;
  examples: readonly EncodedExample[];
  lr: number;
  batchSize: number;
  /** global gradient norm above which the averaged gradient is scaled down (default: none) */
  clipNorm?: number;
  /** seed of the batch order */
  seed: number;
}

export interface StepResult {
  /** number of steps taken so far, this one included */
  step: number;
  /** mean cross-entropy over the batch, before the update */
  loss: number;
  /** fraction of the batch predicted correctly, before the update */
  accuracy: number;
  /** global norm of the averaged gradient, before clipping */
  gradNorm: number;
}

export interface Evaluation {
  accuracy: number;
  /** mean cross-entropy */
  loss: number;
  /** one flag per example: predicted class == label */
  correct: boolean[];
}

export interface Trainer {
  readonly params: ModelParams;
  /** One mini-batch: forward, backward, average, Adam. Mutates params. */
  step(): StepResult;
  /** Accuracy and loss of the current params on other examples (params unchanged). */
  evaluate(examples: readonly EncodedExample[]): Evaluation;
  /** Learning rate of later steps, for schedules. */
  setLearningRate(lr: number): void;
  /** Replaces the pool batches are drawn from (a curriculum); the epoch restarts. */
  setExamples(examples: readonly EncodedExample[]): void;
  /** steps taken so far */
  readonly steps: number;
}

const GRAD_KEYS = ['weightIh', 'weightHh', 'biasIh', 'biasHh', 'embedding', 'headWeight', 'headBias'] as const;

/** Tokenizes texts into training sequences; throws on an empty text (a model needs T >= 1). */
export function encodeExamples(
  examples: readonly { text: string; label: number }[],
  tokenizer: TokenizerSpec,
): EncodedExample[] {
  return examples.map((e, n) => {
    const { ids } = tokenize(e.text, tokenizer);
    if (ids.length === 0) throw new RangeError(`example ${n}: the text has no tokens`);
    return { ids, label: e.label };
  });
}

/** Cross-entropy -log softmax(logits)[target], computed stably. */
function crossEntropy(logits: Float64Array, target: number): number {
  let max = -Infinity;
  for (let k = 0; k < logits.length; k++) if (logits[k] > max) max = logits[k];
  let sum = 0;
  for (let k = 0; k < logits.length; k++) sum += Math.exp(logits[k] - max);
  return max + Math.log(sum) - logits[target];
}

/** Accuracy and mean cross-entropy of params on the examples (params unchanged). */
export function evaluateExamples(params: ModelParams, examples: readonly EncodedExample[]): Evaluation {
  let loss = 0;
  let right = 0;
  const correct: boolean[] = [];
  for (const ex of examples) {
    const trace = forward(params, ex.ids);
    loss += crossEntropy(trace.logits, ex.label);
    const ok = trace.predicted === ex.label;
    correct.push(ok);
    if (ok) right++;
  }
  const n = Math.max(1, examples.length);
  return { accuracy: right / n, loss: loss / n, correct };
}

/**
 * A trainer over `examples`. Batches are drawn without replacement in an order shuffled per epoch
 * by the seeded generator, so the same options give the same run.
 */
export function createTrainer(opts: TrainerOptions): Trainer {
  const { params } = opts;
  if (!Number.isInteger(opts.batchSize) || opts.batchSize < 1) {
    throw new RangeError(`batchSize: expected a positive integer, found ${opts.batchSize}`);
  }
  if (!(opts.lr > 0)) throw new RangeError(`lr: expected a positive number, found ${opts.lr}`);
  const rng = createRng(opts.seed);
  const adam = createAdam(params, { lr: opts.lr, clipNorm: opts.clipNorm });
  const grads: ParamGrads = zeroGrads(params);
  let pool: readonly EncodedExample[] = [];
  let order = new Int32Array(0);
  let cursor = 0;
  let steps = 0;

  const setExamples = (examples: readonly EncodedExample[]): void => {
    if (examples.length === 0) throw new RangeError('examples: expected at least one training example');
    pool = examples;
    order = new Int32Array(examples.length);
    for (let i = 0; i < order.length; i++) order[i] = i;
    cursor = order.length; // forces a shuffle before the first batch
  };

  const nextIndex = (): number => {
    if (cursor >= order.length) {
      // Fisher-Yates with the trainer's own generator.
      for (let i = order.length - 1; i > 0; i--) {
        const j = rng.int(i + 1);
        const tmp = order[i];
        order[i] = order[j];
        order[j] = tmp;
      }
      cursor = 0;
    }
    return order[cursor++];
  };

  setExamples(opts.examples);

  return {
    params,
    get steps() {
      return steps;
    },
    setLearningRate: (lr: number) => adam.setLearningRate(lr),
    setExamples,
    step(): StepResult {
      for (const k of GRAD_KEYS) grads[k].fill(0);
      const B = opts.batchSize;
      let loss = 0;
      let correct = 0;
      for (let b = 0; b < B; b++) {
        const ex = pool[nextIndex()];
        const trace = forward(params, ex.ids);
        const result = backward(params, trace, ex.label);
        loss += result.loss;
        if (trace.predicted === ex.label) correct++;
        for (const k of GRAD_KEYS) {
          const acc = grads[k];
          const g = result.params[k];
          for (let n = 0; n < acc.length; n++) acc[n] += g[n];
        }
      }
      const inv = 1 / B;
      for (const k of GRAD_KEYS) {
        const acc = grads[k];
        for (let n = 0; n < acc.length; n++) acc[n] *= inv;
      }
      const { gradNorm } = adam.step(grads);
      steps++;
      return { step: steps, loss: loss * inv, accuracy: correct * inv, gradNorm };
    },
    evaluate: (examples: readonly EncodedExample[]) => evaluateExamples(params, examples),
  };
}
