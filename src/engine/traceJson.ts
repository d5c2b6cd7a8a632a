/**
 * The trace as one JSON object: every number the visualizer draws for one sentence. Shared by the
 * trace command (src/cli/trace.ts) and the app's "trace as JSON" download, so both write the same
 * format (docs/engine.md, "The trace command").
 */

import { backward } from './backward';
import { forward } from './forward';
import { gradsToFile } from './modelFile';
import type { ModelLayout } from './modelFile';
import { MAX_TOKENS, tokenize } from './tokenizer';
import { GATE_NAMES } from './types';
import type { BackwardResult, ForwardTrace, Model, ModelParams } from './types';

export type Json = number | string | boolean | null | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

/** Text or target that cannot be traced; `field` is the input at fault ('text' or 'target'). */
export class TraceTextError extends Error {
  readonly field: 'text' | 'target';
  readonly problem: string;
  constructor(field: 'text' | 'target', problem: string) {
    super(`${field}: ${problem}`);
    this.name = 'TraceTextError';
    this.field = field;
    this.problem = problem;
  }
}

function slice(a: Float64Array, row: number, width: number): number[] {
  return Array.from(a.subarray(row * width, row * width + width));
}

/**
 * Formats a finished run as the trace object. `tokens` (T) are the pieces the ids came from,
 * `trace` the forward pass of `params` over them and `grads` its backward pass for `grads.target`;
 * `labels` (K) name the classes; the parameter gradients are written in `layout` (the keys, shapes
 * and gate order of that file layout). Per step: `h` (H), `c` (H, lstm), `gates` by name (H each);
 * `grad.h`, `grad.c`, `grad.x` are per-step norms (T).
 */
export function traceToJson(
  params: ModelParams,
  labels: readonly string[],
  layout: ModelLayout,
  tokens: readonly string[],
  trace: ForwardTrace,
  grads: BackwardResult,
): JsonObject {
  const { T, H } = trace;
  const names = GATE_NAMES[params.cell];
  const G = names.length;

  const steps: Json[] = [];
  for (let t = 0; t < T; t++) {
    const step: JsonObject = { h: slice(trace.h, t, H) };
    if (trace.c !== null) step.c = slice(trace.c, t, H);
    const gates: JsonObject = {};
    names.forEach((gate, b) => {
      gates[gate] = Array.from(trace.gates.subarray((t * G + b) * H, (t * G + b + 1) * H));
    });
    step.gates = gates;
    steps.push(step);
  }

  const grad: JsonObject = { h: Array.from(grads.dhNorm) };
  if (grads.dcNorm !== null) grad.c = Array.from(grads.dcNorm);
  grad.x = Array.from(grads.dxNorm);
  grad.params = gradsToFile(params, grads.params, layout) as JsonObject;

  return {
    cell: params.cell,
    tokens: [...tokens],
    ids: Array.from(trace.ids),
    steps,
    output: { logits: Array.from(trace.logits), probs: Array.from(trace.probs), label: labels[trace.predicted] },
    target: labels[grads.target],
    loss: grads.loss,
    grad,
  };
}

/**
 * Tokenizes `text`, runs forward and backward and formats the result. `target` is a label; without
 * it the predicted label is the target. Throws TraceTextError for text with no tokens or more than
 * MAX_TOKENS, and for an unknown target label.
 */
export function buildTrace(model: Model, layout: ModelLayout, text: string, target?: string): JsonObject {
  const { params, labels } = model;
  const tokenized = tokenize(text, model.tokenizer);
  if (tokenized.truncated) throw new TraceTextError('text', `more than ${MAX_TOKENS} tokens, the most one trace runs`);
  if (tokenized.tokens.length === 0) {
    const why = model.tokenizer.kind === 'word' ? 'empty or only whitespace' : 'empty';
    throw new TraceTextError('text', `no tokens (the text is ${why})`);
  }
  let targetIndex: number | undefined;
  if (target !== undefined) {
    targetIndex = labels.indexOf(target);
    if (targetIndex === -1) {
      throw new TraceTextError('target', `unknown label ${JSON.stringify(target)} (labels: ${labels.map((l) => JSON.stringify(l)).join(', ')})`);
    }
  }
  const trace = forward(params, tokenized.ids);
  const grads = backward(params, trace, targetIndex ?? trace.predicted);
  return traceToJson(params, labels, layout, tokenized.tokens, trace, grads);
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
