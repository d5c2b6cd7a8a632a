/**
 * gatescope trace: every number the visualizer draws for one sentence, as one JSON object.
 *
 *   npm run --silent trace -- --model <file> --text "<text>" [--target <label>] [--loss-step <k>]
 *
 * Exit 0 with the JSON on stdout; on bad input exit 1, nothing on stdout and one line on stderr
 * naming the field or the problem. Numbers are float64 printed with JSON's shortest round-trip
 * form. A value that is not finite (possible only when huge weights overflow) is printed as the
 * string "NaN", "Infinity" or "-Infinity", never as null, and a one-line warning goes to stderr.
 */

import { readFileSync, realpathSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { ModelFileError, parseJsonText, parseModelFile } from '../engine';
import { TokenizerError } from '../engine';
import { buildTrace, stringifyTrace, TraceTextError } from '../engine';

// The trace object itself is built in the engine, so the app's JSON download is the same format.
export { buildTrace, stringifyTrace, traceToJson } from '../engine';

const USAGE = 'usage: npm run --silent trace -- --model <file> --text "<text>" [--target <label>] [--loss-step <k>]';

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
  /** a next-token model: the one step whose term is the loss */
  lossStep?: number;
  help?: boolean;
}

type ArgName = 'model' | 'text' | 'target' | 'loss-step';

/** Parses `--model f --text t [--target l] [--loss-step k]` (also `--name=value`). Throws TraceInputError. */
export function parseArgs(argv: readonly string[]): TraceArgs {
  const values: Partial<Record<ArgName, string>> = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--') continue;
    if (arg === '--help' || arg === '-h') return { model: '', text: '', help: true };
    const match = /^--(model|text|target|loss-step)(?:=([\s\S]*))?$/.exec(arg);
    if (!match) throw new TraceInputError(`unknown argument ${JSON.stringify(arg)} (${USAGE})`);
    const name = match[1] as ArgName;
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
  const args: TraceArgs = { model: values.model, text: values.text, target: values.target };
  const step = values['loss-step'];
  if (step !== undefined) {
    if (!/^\d+$/.test(step.trim())) throw new TraceInputError(`--loss-step: expected a step number (0, 1, ...), found ${JSON.stringify(step)}`);
    args.lossStep = Number(step.trim());
  }
  return args;
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
    const { model, layout, weightsForm } = parseModelFile(parseJsonText(text));
    const request = { target: args.target, lossStep: args.lossStep, weightsForm };
    const { json, nonFinite } = stringifyTrace(buildTrace(model, layout, args.text, request));
    const warning = nonFinite > 0
      ? `trace: warning: ${nonFinite} values are not finite (the weights overflow float64); they are printed as strings\n`
      : '';
    return { stdout: `${json}\n`, stderr: warning, code: 0 };
  } catch (err) {
    if (err instanceof ModelFileError) {
      return { stdout: '', stderr: `trace: model file ${JSON.stringify(modelPath)}: ${oneLine(err.message)}\n`, code: 1 };
    }
    if (err instanceof TraceTextError) {
      return { stdout: '', stderr: `trace: --${err.field}: ${oneLine(err.problem)}\n`, code: 1 };
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
