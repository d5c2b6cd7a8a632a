/**
 * gatescope trace: every number the visualizer draws for one sentence, as one JSON object.
 *
 *   npm run --silent trace -- --model <file> --text "<text>" [--target <label>]
 *
 * Exit 0 with the JSON on stdout; on bad input exit 1, nothing on stdout and one line on stderr
 * naming the field or the problem. Numbers are float64 printed with JSON's shortest round-trip
 * form. A value that is not finite (possible only when huge weights overflow) is printed as the
 * string "NaN", "Infinity" or "-Infinity", never as null, and a one-line warning goes to stderr.
 */

import { readFileSync, realpathSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { backward } from '../engine/backward';
import { forward } from '../engine/forward';
import { gradsToFile, ModelFileError, parseJsonText, parseModelFile } from '../engine/modelFile';
import type { ModelLayout } from '../engine/modelFile';
import { MAX_TOKENS, tokenize, TokenizerError } from '../engine/tokenizer';
import { GATE_NAMES } from '../engine/types';
import type { Model } from '../engine/types';

const USAGE = 'usage: npm run --silent trace -- --model <file> --text "<text>" [--target <label>]';

/** Bad command-line input: reported as one line on stderr with exit code 1. */
export class TraceInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TraceInputError';
  }
}

export interface TraceArgs {
  model: string;
  text: string;
  target?: string;
  help?: boolean;
}

/** Parses `--model f --text t [--target l]` (also `--name=value`). Throws TraceInputError. */
export function parseArgs(argv: readonly string[]): TraceArgs {
  const values: Partial<Record<'model' | 'text' | 'target', string>> = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--') continue;
    if (arg === '--help' || arg === '-h') return { model: '', text: '', help: true };
    const match = /^--(model|text|target)(?:=([\s\S]*))?$/.exec(arg);
    if (!match) throw new TraceInputError(`unknown argument ${JSON.stringify(arg)} (${USAGE})`);
    const name = match[1] as 'model' | 'text' | 'target';
    let value = match[2];
    if (value === undefined) {
      if (i + 1 >= argv.length) throw new TraceInputError(`--${name}: missing value (${USAGE})`);
      value = argv[++i];
    }
    if (values[name] !== undefined) throw new TraceInputError(`--${name}: given twice`);
    values[name] = value;
  }
  if (values.model === undefined) throw new TraceInputError(`--model: missing (${USAGE})`);
  if (values.text === undefined) throw new TraceInputError(`--text: missing (${USAGE})`);
  return { model: values.model, text: values.text, target: values.target };
}

type Json = number | string | boolean | null | Json[] | { [key: string]: Json };

function slice(a: Float64Array, row: number, width: number): number[] {
  return Array.from(a.subarray(row * width, row * width + width));
}

/**
 * The trace object of the contract for `text` under `model` (whose file used `layout`).
 * `target` is a label; without it the predicted label is the target. Throws TraceInputError.
 */
export function buildTrace(model: Model, layout: ModelLayout, text: string, target?: string): { [key: string]: Json } {
  const { params, labels } = model;
  const tokenized = tokenize(text, model.tokenizer);
  if (tokenized.truncated) {
    throw new TraceInputError(`--text: more than ${MAX_TOKENS} tokens, the most one trace runs`);
  }
  if (tokenized.tokens.length === 0) {
    const why = model.tokenizer.kind === 'word' ? 'empty or only whitespace' : 'empty';
    throw new TraceInputError(`--text: no tokens (the text is ${why})`);
  }
  let targetIndex: number | undefined;
  if (target !== undefined) {
    targetIndex = labels.indexOf(target);
    if (targetIndex === -1) {
      throw new TraceInputError(`--target: unknown label ${JSON.stringify(target)} (labels: ${labels.map((l) => JSON.stringify(l)).join(', ')})`);
    }
  }

  const trace = forward(params, tokenized.ids);
  const targetId = targetIndex ?? trace.predicted;
  const grads = backward(params, trace, targetId);
  const { T, H } = trace;
  const names = GATE_NAMES[params.cell];
  const G = names.length;

  const steps: Json[] = [];
  for (let t = 0; t < T; t++) {
    const step: { [key: string]: Json } = { h: slice(trace.h, t, H) };
    if (trace.c !== null) step.c = slice(trace.c, t, H);
    const gates: { [key: string]: Json } = {};
    names.forEach((gate, b) => {
      gates[gate] = Array.from(trace.gates.subarray((t * G + b) * H, (t * G + b + 1) * H));
    });
    step.gates = gates;
    steps.push(step);
  }

  const grad: { [key: string]: Json } = { h: Array.from(grads.dhNorm) };
  if (grads.dcNorm !== null) grad.c = Array.from(grads.dcNorm);
  grad.x = Array.from(grads.dxNorm);
  grad.params = gradsToFile(params, grads.params, layout) as { [key: string]: Json };

  return {
    cell: params.cell,
    tokens: tokenized.tokens,
    ids: Array.from(tokenized.ids),
    steps,
    output: { logits: Array.from(trace.logits), probs: Array.from(trace.probs), label: labels[trace.predicted] },
    target: labels[targetId],
    loss: grads.loss,
    grad,
  };
}

/** JSON text of `value`; non-finite numbers become strings and are counted. */
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

function oneLine(message: string): string {
  return message.replace(/\s*[\r\n]+\s*/g, ' ');
}

/** Runs the command; returns what goes to stdout and stderr and the exit code. */
export function runTrace(argv: readonly string[]): { stdout: string; stderr: string; code: number } {
  let modelPath = '';
  try {
    const args = parseArgs(argv);
    modelPath = args.model;
    if (args.help) return { stdout: `${USAGE}\n`, stderr: '', code: 0 };
    let text: string;
    try {
      text = readFileSync(args.model, 'utf8');
    } catch (err) {
      const reason = (err as NodeJS.ErrnoException).code ?? (err instanceof Error ? err.message : String(err));
      throw new TraceInputError(`--model: cannot read ${JSON.stringify(args.model)} (${reason})`);
    }
    const { model, layout } = parseModelFile(parseJsonText(text));
    const { json, nonFinite } = stringifyTrace(buildTrace(model, layout, args.text, args.target));
    const warning = nonFinite > 0
      ? `trace: warning: ${nonFinite} values are not finite (the weights overflow float64); they are printed as strings\n`
      : '';
    return { stdout: `${json}\n`, stderr: warning, code: 0 };
  } catch (err) {
    if (err instanceof ModelFileError) {
      return { stdout: '', stderr: `trace: model file ${JSON.stringify(modelPath)}: ${oneLine(err.message)}\n`, code: 1 };
    }
    if (err instanceof TraceInputError || err instanceof TokenizerError) {
      return { stdout: '', stderr: `trace: ${oneLine(err.message)}\n`, code: 1 };
    }
    const reason = err instanceof Error ? err.message : String(err);
    return { stdout: '', stderr: `trace: internal error: ${oneLine(reason)}\n`, code: 2 };
  }
}

const invokedPath = process.argv[1];
if (invokedPath !== undefined && import.meta.url === pathToFileURL(realpathSync(invokedPath)).href) {
  // A reader that stops early (`| head`) is not an error worth a stack trace.
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw err;
  });
  const { stdout, stderr, code } = runTrace(process.argv.slice(2));
  if (stderr) process.stderr.write(stderr);
  if (stdout) process.stdout.write(stdout);
  // exitCode (not exit()) so a large trace is fully flushed to a pipe first.
  process.exitCode = code;
}
