/**
 * gatescope train: trains the shipped models from their seeds and reports held-out accuracy.
 *
 *   npm run train -- --all                      every task x cell, rewrites public/models/index.json
 *   npm run train -- --task sentiment --cell lstm [--hidden 32] [--input 12] [--steps 800]
 *                    [--seed 1] [--lr 0.01] [--batch 32] [--out public/models/sentiment-lstm.json]
 *
 * The model file keeps each number to a few significant digits; the accuracies printed and
 * recorded are those of the file as written (it is read back and evaluated), not of the float64
 * weights in memory. A single run writing into public/models/ updates that model's index entry.
 */

import { existsSync, mkdirSync, readFileSync, realpathSync, writeFileSync } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { CELLS } from '../engine';
import { initParams } from '../engine';
import { modelToFile, parseModelText } from '../engine';
import { createRng } from '../engine';
import { bracketDepths, generateBrackets } from '../engine';
import { TASKS, TASK_IDS } from '../engine';
import { generateLongRange } from '../engine';
import { accuracyByTag, gradientAtStep, strongestUnit, unitCorrelations } from '../engine';
import { RECIPES, scheduledLearningRate, type Recipe } from '../engine';
import type { Example, TaskId } from '../engine';
import { createTrainer, encodeExamples, evaluateExamples, type EncodedExample } from '../engine';
import { tokenize } from '../engine';
import { CELL_KINDS, type CellKind, type Model, type ModelParams } from '../engine';

const USAGE =
  'usage: npm run train -- --all | --task <sentiment|long-range|brackets> --cell <rnn|lstm|gru> ' +
  '[--hidden H] [--input D] [--steps N] [--seed S] [--lr LR] [--batch B] [--out FILE]';

const MODELS_DIR = 'public/models';
const INDEX_FILE = `${MODELS_DIR}/index.json`;
/** The held-out set is drawn from a fixed seed per task so every cell and seed is scored on the same texts. */
const TEST_SEED: Record<TaskId, number> = { sentiment: 9001, 'long-range': 9002, brackets: 9003 };
/** Order of the shipped models: the first sentiment lstm is the visualizer's default. */
const CELL_ORDER: readonly CellKind[] = ['lstm', 'gru', 'rnn'];

/** A sentence per task whose gates tell a story, and the label it should get. */
const DEFAULT_SENTENCES: Record<TaskId, { text: string; label: number; story: string }> = {
  sentiment: {
    text: 'the acting was not bad, but the plot was really boring',
    label: 0,
    story: '"not" flips "bad", then "but" makes the second clause decide',
  },
  'long-range': {
    text: 'bywzwzzzyaxbzabawxbxyaybazbxwbxbabyyxbbaabbbbwwbyzz',
    label: 1,
    story: 'the first letter "b" must survive 50 distractors, many of them "a"',
  },
  brackets: { text: '((a)(b(c(d)e', label: 3, story: 'one unit steps up at "(" and down at ")"' },
};

const CELL_NAMES: Record<CellKind, string> = { rnn: 'plain RNN', lstm: 'LSTM', gru: 'GRU' };

function describeModel(task: TaskId, cell: CellKind): string {
  const name = CELL_NAMES[cell];
  switch (task) {
    // The plain RNN gets its own sentences: it has no gates to watch and its gradient vanishes.
    case 'sentiment':
      return cell === 'rnn'
        ? 'Plain RNN sentiment: no gates to open or close; compare how it copes with "not" and "but".'
        : `${name} sentiment: reads a review word by word; watch "not" and "but" move the gates.`;
    case 'long-range':
      return cell === 'rnn'
        ? 'Plain RNN on long-range memory: it cannot keep the first letter, its gradient vanishes before reaching it.'
        : `${name} on long-range memory: keeps the first letter across up to 60 distractors.`;
    default:
      return `${name} bracket counter: one hidden unit tracks the nesting depth character by character.`;
  }
}

/** Bad command-line input: one line on stderr, exit code 1. */
export class TrainInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TrainInputError';
  }
}

export interface TrainArgs {
  all: boolean;
  help: boolean;
  task?: TaskId;
  cell?: CellKind;
  hidden?: number;
  input?: number;
  steps?: number;
  seed: number;
  lr?: number;
  batch?: number;
  out?: string;
}

const NUMERIC = ['hidden', 'input', 'steps', 'seed', 'lr', 'batch'] as const;
type NumericFlag = (typeof NUMERIC)[number];

/** Parses the command line (also `--name=value`). Throws TrainInputError naming the problem. */
export function parseArgs(argv: readonly string[]): TrainArgs {
  const args: TrainArgs = { all: false, help: false, seed: 1 };
  const seen = new Set<string>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--') continue;
    if (arg === '--help' || arg === '-h') return { ...args, help: true };
    if (arg === '--all') {
      args.all = true;
      continue;
    }
    const match = /^--([a-z]+)(?:=(.*))?$/.exec(arg);
    if (!match) throw new TrainInputError(`unknown argument ${JSON.stringify(arg)} (${USAGE})`);
    const name = match[1];
    let value = match[2];
    if (value === undefined) {
      if (i + 1 >= argv.length) throw new TrainInputError(`--${name}: missing value`);
      value = argv[++i];
    }
    if (seen.has(name)) throw new TrainInputError(`--${name}: given twice`);
    seen.add(name);
    if (name === 'task') {
      if (!(TASK_IDS as readonly string[]).includes(value)) {
        throw new TrainInputError(`--task: unknown task ${JSON.stringify(value)} (expected ${TASK_IDS.join(', ')})`);
      }
      args.task = value as TaskId;
    } else if (name === 'cell') {
      if (!(CELL_KINDS as readonly string[]).includes(value)) {
        throw new TrainInputError(`--cell: unknown cell ${JSON.stringify(value)} (expected ${CELL_KINDS.join(', ')})`);
      }
      args.cell = value as CellKind;
    } else if (name === 'out') {
      args.out = value;
    } else if ((NUMERIC as readonly string[]).includes(name)) {
      const n = Number(value);
      const integer = name !== 'lr';
      // A seed may be 0; every other number must be positive.
      const low = name === 'seed' ? n >= 0 : n > 0;
      if (!Number.isFinite(n) || !low || (integer && !Number.isInteger(n))) {
        const what = name === 'seed' ? 'a non-negative integer' : `a positive ${integer ? 'integer' : 'number'}`;
        throw new TrainInputError(`--${name}: expected ${what}, found ${JSON.stringify(value)}`);
      }
      args[name as NumericFlag] = n;
    } else {
      throw new TrainInputError(`unknown option --${name} (${USAGE})`);
    }
  }
  if (args.help) return args;
  if (args.all && (args.task !== undefined || args.cell !== undefined || args.out !== undefined)) {
    throw new TrainInputError('--all trains every task and cell; it takes no --task, --cell or --out');
  }
  if (!args.all) {
    if (args.task === undefined) throw new TrainInputError(`--task: missing (${USAGE})`);
    if (args.cell === undefined) throw new TrainInputError(`--cell: missing (${USAGE})`);
  }
  return args;
}

/** Every number of the parameters rounded to `digits` significant digits (a new object). */
function roundParams(p: ModelParams, digits: number): ModelParams {
  const r = (a: Float64Array): Float64Array => a.map((x) => Number(x.toPrecision(digits)));
  return {
    ...p,
    weightIh: r(p.weightIh),
    weightHh: r(p.weightHh),
    biasIh: r(p.biasIh),
    biasHh: r(p.biasHh),
    embedding: r(p.embedding),
    headWeight: r(p.headWeight),
    headBias: r(p.headBias),
  };
}

const pct = (x: number): string => `${(100 * x).toFixed(1)}%`;
const sci = (x: number): string => x.toExponential(2);

export interface IndexEntry {
  id: string;
  file: string;
  task: TaskId;
  cell: CellKind;
  testAccuracy: number;
  description: string;
  sentence: string;
  metrics: Record<string, unknown>;
  training: Record<string, number>;
}

interface RunConfig {
  task: TaskId;
  cell: CellKind;
  recipe: Recipe;
  seed: number;
  out: string;
}

const round4 = (x: number): number => Number(x.toFixed(4));

/** Held-out evaluation of a model, with the task's own breakdown; prints as it goes. */
function evaluateModel(cfg: RunConfig, model: Model, initial: ModelParams, log: (s: string) => void): {
  accuracy: number;
  metrics: Record<string, unknown>;
} {
  const task = TASKS[cfg.task];
  const { recipe } = cfg;
  const test = task.generate(createRng(TEST_SEED[cfg.task]), 'test', recipe.testSize);
  const encoded = encodeExamples(test, model.tokenizer);
  const evaluation = evaluateExamples(model.params, encoded);
  log(`  test accuracy ${pct(evaluation.accuracy)} on ${test.length} held-out texts (loss ${evaluation.loss.toFixed(4)})`);
  const metrics: Record<string, unknown> = { testSize: test.length, testLoss: round4(evaluation.loss) };

  if (cfg.task === 'sentiment') {
    const byTag = accuracyByTag(test, evaluation.correct);
    const parts: string[] = [];
    for (const tag of ['plain', 'negation', 'contrast', 'not-only']) {
      const t = byTag[tag];
      if (!t) continue;
      metrics[tag === 'not-only' ? 'notOnly' : tag] = { accuracy: round4(t.accuracy), count: t.count };
      parts.push(`${tag} ${pct(t.accuracy)} (${t.count})`);
    }
    log(`  breakdown: ${parts.join(', ')}`);
    const frames = Object.entries(byTag)
      .filter(([tag]) => tag.startsWith('frame:'))
      .map(([tag, t]) => `${tag.slice(6)} ${pct(t.accuracy)}`);
    log(`  per test frame: ${frames.join(', ')}`);
  }

  if (cfg.task === 'long-range') {
    for (const d of [30, 50]) {
      const at = generateLongRange(createRng(TEST_SEED[cfg.task] + d), 'test', 500, { minDistance: d, maxDistance: d });
      const enc = encodeExamples(at, model.tokenizer);
      const acc = evaluateExamples(model.params, enc).accuracy;
      // The deciding token is at index 0; compare the gradient reaching it before and after training.
      const sample = enc.slice(0, 200);
      const before = gradientAtStep(initial, sample, 0);
      const after = gradientAtStep(model.params, sample, 0);
      metrics[`distance${d}`] = {
        accuracy: round4(acc),
        count: at.length,
        gradientAtKeyInit: { dhRatio: Number(before.dhRatio.toPrecision(3)), dxRatio: Number(before.dxRatio.toPrecision(3)) },
        gradientAtKeyTrained: { dhRatio: Number(after.dhRatio.toPrecision(3)), dxRatio: Number(after.dxRatio.toPrecision(3)) },
      };
      log(
        `  distance ${d}: accuracy ${pct(acc)} (${at.length}); gradient reaching the deciding token ` +
          `||dL/dh_0||/||dL/dh_T|| at init ${sci(before.dhRatio)}, trained ${sci(after.dhRatio)}; ` +
          `||dL/dx_0||/||dL/dh_T|| at init ${sci(before.dxRatio)}, trained ${sci(after.dxRatio)}`,
      );
    }
  }

  if (cfg.task === 'brackets') {
    const texts = generateBrackets(createRng(TEST_SEED[cfg.task] + 1), 'test', 300);
    const sequences = texts.map((e: Example) => ({
      ids: tokenize(e.text, model.tokenizer).ids,
      quantity: bracketDepths(e.text),
    }));
    const corr = unitCorrelations(model.params, sequences);
    const bestH = strongestUnit(corr.h);
    metrics.depthUnit = { unit: bestH.unit, correlation: round4(bestH.correlation), state: 'h' };
    log(`  depth tracker: unit h[${bestH.unit}], correlation with depth ${bestH.correlation.toFixed(3)}`);
    if (corr.c) {
      const bestC = strongestUnit(corr.c);
      metrics.depthCell = { unit: bestC.unit, correlation: round4(bestC.correlation), state: 'c' };
      log(`  cell state: unit c[${bestC.unit}], correlation with depth ${bestC.correlation.toFixed(3)}`);
    }
  }
  return { accuracy: evaluation.accuracy, metrics };
}

/** Trains one model, writes its file, and returns its index entry. */
export function trainOne(cfg: RunConfig, log: (s: string) => void = console.log): IndexEntry {
  const task = TASKS[cfg.task];
  const { recipe, cell, seed } = cfg;
  const id = `${cfg.task}-${cell}`;
  log(`${id}: D=${recipe.inputSize} H=${recipe.hiddenSize} steps=${recipe.steps} batch=${recipe.batchSize} lr=${recipe.lr} seed=${seed}`);
  const started = performance.now();

  // Separate streams for data, initial weights and batch order, all from the one seed.
  const train = task.generate(createRng(seed), 'train', recipe.trainSize);
  const examples: EncodedExample[] = encodeExamples(train, task.tokenizer);
  const initOptions = {
    cell,
    inputSize: recipe.inputSize,
    hiddenSize: recipe.hiddenSize,
    vocabSize: task.tokenizer.vocab.length,
    numClasses: task.labels.length,
    seed: seed + 101,
    forgetBias: CELLS[cell].forgetGateBlock !== null ? recipe.forgetBias : 0,
  };
  const params = initParams(initOptions);
  const initial = initParams(initOptions);
  const trainer = createTrainer({
    params,
    examples,
    lr: recipe.lr,
    batchSize: recipe.batchSize,
    clipNorm: recipe.clipNorm,
    seed: seed + 202,
  });
  const every = Math.max(1, Math.round(recipe.steps / 10));
  let lossSum = 0;
  let accSum = 0;
  let firstLoss = Number.NaN;
  for (let s = 0; s < recipe.steps; s++) {
    trainer.setLearningRate(scheduledLearningRate(recipe.lr, s, recipe.steps));
    const r = trainer.step();
    if (s === 0) firstLoss = r.loss;
    lossSum += r.loss;
    accSum += r.accuracy;
    if (r.step % every === 0 || r.step === recipe.steps) {
      const n = r.step % every === 0 ? every : r.step % every;
      const secs = ((performance.now() - started) / 1000).toFixed(1);
      log(`  step ${r.step}/${recipe.steps}  loss ${(lossSum / n).toFixed(4)}  batch accuracy ${pct(accSum / n)}  ${secs}s`);
      lossSum = 0;
      accSum = 0;
    }
  }
  const seconds = (performance.now() - started) / 1000;

  // Write the rounded model, then score the file as written.
  const model: Model = {
    name: `gatescope ${id} (seed ${seed})`,
    params: roundParams(params, recipe.digits),
    tokenizer: task.tokenizer,
    labels: task.labels,
  };
  const text = JSON.stringify(modelToFile(model, 'pytorch'));
  mkdirSync(dirname(cfg.out), { recursive: true });
  writeFileSync(cfg.out, `${text}\n`);
  const written = parseModelText(readFileSync(cfg.out, 'utf8'));
  log(`  wrote ${cfg.out} (${(text.length / 1000).toFixed(1)} kB) in ${seconds.toFixed(1)}s of training`);

  const { accuracy, metrics } = evaluateModel(cfg, written, initial, log);
  const sentence = DEFAULT_SENTENCES[cfg.task];
  const { ids } = tokenize(sentence.text, written.tokenizer);
  const sentenceRight = evaluateExamples(written.params, [{ ids, label: sentence.label }]).accuracy === 1;
  log(`  default sentence ${JSON.stringify(sentence.text)}: ${sentenceRight ? 'right' : 'WRONG'} (${sentence.story})`);
  metrics.firstBatchLoss = round4(firstLoss);
  metrics.sentenceCorrect = sentenceRight;

  return {
    id,
    file: basename(cfg.out),
    task: cfg.task,
    cell,
    testAccuracy: round4(accuracy),
    description: describeModel(cfg.task, cell),
    sentence: sentence.text,
    metrics,
    training: {
      seed,
      steps: recipe.steps,
      batchSize: recipe.batchSize,
      lr: recipe.lr,
      inputSize: recipe.inputSize,
      hiddenSize: recipe.hiddenSize,
      trainSize: recipe.trainSize,
      seconds: Number(seconds.toFixed(1)),
      bytes: text.length + 1,
    },
  };
}

function writeIndex(path: string, entries: IndexEntry[]): void {
  writeFileSync(path, `${JSON.stringify({ models: entries }, null, 2)}\n`);
}

function sortEntries(entries: IndexEntry[]): IndexEntry[] {
  const rank = (e: IndexEntry): number => TASK_IDS.indexOf(e.task) * 10 + CELL_ORDER.indexOf(e.cell);
  return [...entries].sort((a, b) => rank(a) - rank(b));
}

function summaryLine(e: IndexEntry): string {
  const m = e.metrics as Record<string, { accuracy?: number; unit?: number; correlation?: number }>;
  const parts = [`${e.id.padEnd(16)} test ${pct(e.testAccuracy).padStart(6)}`];
  if (e.task === 'sentiment') parts.push(`negation ${pct(m.negation?.accuracy ?? NaN)}`, `contrast ${pct(m.contrast?.accuracy ?? NaN)}`);
  if (e.task === 'long-range') parts.push(`d30 ${pct(m.distance30?.accuracy ?? NaN)}`, `d50 ${pct(m.distance50?.accuracy ?? NaN)}`);
  if (e.task === 'brackets') parts.push(`unit h[${m.depthUnit?.unit}] r=${m.depthUnit?.correlation?.toFixed(3)}`);
  parts.push(`${e.training.seconds}s`, `${(e.training.bytes / 1000).toFixed(1)} kB`);
  return parts.join('  ');
}

/** Runs the command; returns the process exit code. */
export function main(argv: readonly string[]): number {
  let args: TrainArgs;
  try {
    args = parseArgs(argv);
  } catch (err) {
    if (err instanceof TrainInputError) {
      process.stderr.write(`train: ${err.message}\n`);
      return 1;
    }
    throw err;
  }
  if (args.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const started = performance.now();
  const recipeFor = (task: TaskId): Recipe => ({
    ...RECIPES[task],
    ...(args.hidden !== undefined ? { hiddenSize: args.hidden } : {}),
    ...(args.input !== undefined ? { inputSize: args.input } : {}),
    ...(args.steps !== undefined ? { steps: args.steps } : {}),
    ...(args.lr !== undefined ? { lr: args.lr } : {}),
    ...(args.batch !== undefined ? { batchSize: args.batch } : {}),
  });

  const entries: IndexEntry[] = [];
  if (args.all) {
    for (const task of TASK_IDS) {
      for (const cell of CELL_ORDER) {
        const out = `${MODELS_DIR}/${task}-${cell}.json`;
        entries.push(trainOne({ task, cell, recipe: recipeFor(task), seed: args.seed, out }));
      }
    }
    writeIndex(INDEX_FILE, sortEntries(entries));
    console.log(`wrote ${INDEX_FILE}`);
  } else {
    const task = args.task as TaskId;
    const cell = args.cell as CellKind;
    const out = args.out ?? `${MODELS_DIR}/${task}-${cell}.json`;
    const entry = trainOne({ task, cell, recipe: recipeFor(task), seed: args.seed, out });
    entries.push(entry);
    // Only a model written into the shipped folder belongs in the shipped index.
    if (resolve(dirname(out)) === resolve(MODELS_DIR)) {
      const existing: IndexEntry[] = existsSync(INDEX_FILE)
        ? (JSON.parse(readFileSync(INDEX_FILE, 'utf8')) as { models: IndexEntry[] }).models
        : [];
      writeIndex(INDEX_FILE, sortEntries([...existing.filter((e) => e.id !== entry.id), entry]));
      console.log(`updated ${INDEX_FILE}`);
    }
  }
  console.log('\nsummary');
  for (const e of entries) console.log(`  ${summaryLine(e)}`);
  console.log(`total ${((performance.now() - started) / 1000).toFixed(1)}s`);
  return 0;
}

// Run only when executed directly (tests import the functions above).
const invoked = process.argv[1];
if (invoked !== undefined && import.meta.url === pathToFileURL(realpathSync(invoked)).href) {
  process.exitCode = main(process.argv.slice(2));
}
