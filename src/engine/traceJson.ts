/**
 * The trace as one JSON object: every number the visualizer draws for one sentence. Shared by the
 * trace command (src/cli/trace.ts) and the app's "trace as JSON" download, so both write the same
 * format (docs/engine.md, "The trace command").
 */

import { backward } from './backward';
import { forward } from './forward';
import { gradsToFile } from './modelFile';
import type { ModelLayout, WeightsForm } from './modelFile';
import { MAX_TOKENS, tokenize } from './tokenizer';
import { GATE_NAMES, headKind } from './types';
import type { BackwardResult, ForwardTrace, LayerTrace, Model, ModelParams } from './types';

export type Json = number | string | boolean | null | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

/** Text, target or loss step that cannot be traced; `field` is the input at fault. */
export class TraceTextError extends Error {
  readonly field: 'text' | 'target' | 'loss-step';
  readonly problem: string;
  constructor(field: 'text' | 'target' | 'loss-step', problem: string) {
    super(`${field}: ${problem}`);
    this.name = 'TraceTextError';
    this.field = field;
    this.problem = problem;
  }
}

function slice(a: Float64Array, row: number, width: number): number[] {
  return Array.from(a.subarray(row * width, row * width + width));
}

/** One layer's step t: h (H), c (H, lstm), gates by name (H each; rnn {}). */
function stepOf(layer: LayerTrace, names: readonly string[], t: number, H: number): JsonObject {
  const G = names.length;
  const step: JsonObject = { h: slice(layer.h, t, H) };
  if (layer.c !== null) step.c = slice(layer.c, t, H);
  const gates: JsonObject = {};
  names.forEach((gate, b) => {
    gates[gate] = Array.from(layer.gates.subarray((t * G + b) * H, (t * G + b + 1) * H));
  });
  step.gates = gates;
  return step;
}

/**
 * Formats a finished run as the trace object. `tokens` (T) are the pieces the ids came from,
 * `trace` the forward pass of `params` over them and `grads` its backward pass; `labels` (K) name
 * the head's outputs (a next-token model: the vocabulary); the parameter gradients are written in
 * `layout` and `form` (the keys, nesting, shapes and gate order of the file's weights). Per step:
 * `h` (H), `c` (H, lstm), `gates` by name (H each) of the top layer, and `layers`, every layer's,
 * bottom first; `grad.h`, `grad.c`, `grad.x` are per-step norms (T), `grad.layers` every layer's.
 */
export function traceToJson(
  params: ModelParams,
  labels: readonly string[],
  layout: ModelLayout,
  tokens: readonly string[],
  trace: ForwardTrace,
  grads: BackwardResult,
  form?: WeightsForm,
): JsonObject {
  const { T, H, K } = trace;
  const names = GATE_NAMES[params.cell];

  const steps: Json[] = [];
  for (let t = 0; t < T; t++) {
    const step = stepOf(trace.layers[trace.layers.length - 1], names, t, H);
    step.layers = trace.layers.map((layer) => stepOf(layer, names, t, H));
    steps.push(step);
  }

  const grad: JsonObject = { h: Array.from(grads.dhNorm) };
  if (grads.dcNorm !== null) grad.c = Array.from(grads.dcNorm);
  grad.layers = grads.layers.map((layer) => {
    const out: JsonObject = { h: Array.from(layer.dhNorm) };
    if (layer.dcNorm !== null) out.c = Array.from(layer.dcNorm);
    return out;
  });
  grad.x = Array.from(grads.dxNorm);
  grad.params = gradsToFile(params, grads.params, layout, form) as JsonObject;

  const head: JsonObject = { cell: params.cell, numLayers: trace.layers.length, tokens: [...tokens], ids: Array.from(trace.ids), steps };
  if (headKind(params) === 'next-token') {
    // One prediction per step: after token t, of token t+1 (the last predicts past the text).
    const predictions: Json[] = [];
    for (let t = 0; t < T; t++) {
      const probs = trace.probsPerStep.subarray(t * K, t * K + K);
      let best = 0;
      for (let k = 1; k < K; k++) if (probs[k] > probs[best]) best = k;
      predictions.push({ logits: slice(trace.logitsPerStep, t, K), probs: Array.from(probs), next: labels[best] });
    }
    return { ...head, output: { steps: predictions }, lossStep: grads.lossStep, loss: grads.loss, grad };
  }
  return {
    ...head,
    output: { logits: Array.from(trace.logits), probs: Array.from(trace.probs), label: labels[trace.predicted] },
    target: labels[grads.target],
    loss: grads.loss,
    grad,
  };
}

/** What a trace may be asked for besides the text: a label head's target, a next-token head's loss step. */
export interface TraceRequest {
  /** a label (label head only); default the predicted label */
  target?: string;
  /** a next-token head only: the one step whose term is the loss, 0..T-2 (default: the mean over every step) */
  lossStep?: number;
  /** how the gradients' weights are spelled (default: as modelToFile would write the model) */
  weightsForm?: WeightsForm;
}

/**
 * Tokenizes `text`, runs forward and backward and formats the result. Without a target the
 * predicted label is the target. Throws TraceTextError for text with no tokens or more than
 * MAX_TOKENS, an unknown target label, a target for a next-token model, a loss step for a label
 * model or out of range, and next-token text of fewer than 2 tokens.
 */
export function buildTrace(model: Model, layout: ModelLayout, text: string, request: string | TraceRequest = {}): JsonObject {
  const { target, lossStep, weightsForm } = typeof request === 'string' ? { target: request } as TraceRequest : request;
  const { params, labels } = model;
  const nextToken = headKind(params) === 'next-token';
  if (nextToken && target !== undefined) {
    throw new TraceTextError('target', 'this is a next-token model (head.predicts "next-token"): its targets are the text\'s own next tokens, so it takes no --target');
  }
  if (!nextToken && lossStep !== undefined) {
    throw new TraceTextError('loss-step', 'this is a label model: it has one loss, on the last step; --loss-step is for a next-token model');
  }
  const tokenized = tokenize(text, model.tokenizer);
  if (tokenized.truncated) throw new TraceTextError('text', `more than ${MAX_TOKENS} tokens, the most one trace runs`);
  if (tokenized.tokens.length === 0) {
    const why = model.tokenizer.kind === 'word' ? 'empty or only whitespace' : 'empty';
    throw new TraceTextError('text', `no tokens (the text is ${why})`);
  }
  const T = tokenized.tokens.length;
  if (nextToken && T < 2) {
    throw new TraceTextError('text', `a next-token model needs at least 2 tokens (one to read, one to predict), found ${T}`);
  }
  if (lossStep !== undefined && (!Number.isInteger(lossStep) || lossStep < 0 || lossStep > T - 2)) {
    throw new TraceTextError('loss-step', `expected a step from 0 to ${T - 2} (T - 2: the last token has no next token to predict), found ${lossStep}`);
  }
  let targetIndex: number | undefined;
  if (target !== undefined) {
    targetIndex = labels.indexOf(target);
    if (targetIndex === -1) {
      throw new TraceTextError('target', `unknown label ${JSON.stringify(target)} (labels: ${labels.map((l) => JSON.stringify(l)).join(', ')})`);
    }
  }
  const trace = forward(params, tokenized.ids);
  const grads = nextToken
    ? backward(params, trace, -1, lossStep === undefined ? {} : { lossStep })
    : backward(params, trace, targetIndex ?? trace.predicted);
  return traceToJson(params, labels, layout, tokenized.tokens, trace, grads, weightsForm);
}

/**
 * JSON text of a trace object in JSON's shortest round-trip number form; a non-finite number
 * (only when huge weights overflow) becomes the string "NaN", "Infinity" or "-Infinity" and is counted.
 */
export function stringifyTrace(value: Json): { json: string; nonFinite: number } {
  let nonFinite = 0;
  const json = JSON.stringify(value, (_key, v: unknown) => {
    if (typeof v === 'number' && !Number.isFinite(v)) {
      nonFinite++;
      return String(v);
    }
    return v;
  });
  return { json, nonFinite };
}
