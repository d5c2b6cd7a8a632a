/**
 * Writes the small model files under tests/fixtures/ (run: npx tsx scripts/make-fixtures.ts).
 * Weights come from a fixed linear congruential generator, so the files are reproducible without
 * the engine's own generator; tests/engine/modelFile.test.ts checks the shipped files match this script.
 */

import { writeFileSync, realpathSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { modelToFile } from '../src/engine/modelFile';
import type { ModelLayout } from '../src/engine/modelFile';
import { BLOCKS } from '../src/engine/types';
import type { CellKind, Model, TokenizerSpec } from '../src/engine/types';

/** Numerical Recipes LCG; uniform in [-scale, scale], rounded to 4 decimals to keep files readable. */
function lcg(seed: number): (scale: number) => number {
  let state = seed >>> 0;
  return (scale) => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return Math.round((state / 2 ** 32 * 2 - 1) * scale * 1e4) / 1e4;
  };
}

function filled(n: number, draw: () => number): Float64Array {
  return Float64Array.from({ length: n }, draw);
}

interface FixtureSpec {
  file: string;
  name: string;
  cell: CellKind;
  layout: ModelLayout;
  seed: number;
  inputSize: number;
  hiddenSize: number;
  tokenizer: TokenizerSpec;
  labels: string[];
}

const WORDS = ['<unk>', 'the', 'movie', 'was', 'not', 'good', 'bad', 'great', 'i', 'loved', 'it', '!'];
const CHARS = ['<unk>', ' ', 'a', 'b', 'c', 'd', 'e', 'o', 't', '!', "'", '.'];

export const FIXTURES: readonly FixtureSpec[] = [
  {
    file: 'lstm-pytorch.json', name: 'Fixture LSTM (PyTorch layout)', cell: 'lstm', layout: 'pytorch', seed: 11,
    inputSize: 4, hiddenSize: 5, labels: ['negative', 'positive'],
    tokenizer: { kind: 'word', lowercase: true, unk: '<unk>', vocab: WORDS },
  },
  {
    file: 'gru-keras.json', name: 'Fixture GRU (Keras layout)', cell: 'gru', layout: 'keras', seed: 22,
    inputSize: 4, hiddenSize: 5, labels: ['negative', 'positive'],
    tokenizer: { kind: 'word', lowercase: true, unk: '<unk>', vocab: WORDS },
  },
  {
    file: 'rnn-pytorch.json', name: 'Fixture RNN (PyTorch layout, characters)', cell: 'rnn', layout: 'pytorch', seed: 33,
    inputSize: 4, hiddenSize: 5, labels: ['low', 'mid', 'high'],
    tokenizer: { kind: 'char', lowercase: true, unk: '<unk>', vocab: CHARS },
  },
];

export function fixtureModel(spec: FixtureSpec): Model {
  const draw = lcg(spec.seed);
  const D = spec.inputSize;
  const H = spec.hiddenSize;
  const GH = BLOCKS[spec.cell] * H;
  const V = spec.tokenizer.vocab.length;
  const K = spec.labels.length;
  return {
    name: spec.name,
    params: {
      cell: spec.cell,
      inputSize: D,
      hiddenSize: H,
      vocabSize: V,
      numClasses: K,
      weightIh: filled(GH * D, () => draw(0.9)),
      weightHh: filled(GH * H, () => draw(0.7)),
      biasIh: filled(GH, () => draw(0.3)),
      biasHh: filled(GH, () => draw(0.3)),
      embedding: filled(V * D, () => draw(1)),
      headWeight: filled(K * H, () => draw(1.5)),
      headBias: filled(K, () => draw(0.2)),
    },
    tokenizer: { ...spec.tokenizer, vocab: [...spec.tokenizer.vocab] },
    labels: [...spec.labels],
  };
}

/** JSON with one line per row of numbers, so a matrix reads as a matrix. */
function formatJson(value: unknown, indent = ''): string {
  const inner = `${indent}  `;
  if (Array.isArray(value)) {
    if (value.every((v) => typeof v !== 'object' || v === null)) return JSON.stringify(value);
    return `[\n${value.map((v) => inner + formatJson(v, inner)).join(',\n')}\n${indent}]`;
  }
  if (typeof value === 'object' && value !== null) {
    const entries = Object.entries(value).map(([k, v]) => `${inner}${JSON.stringify(k)}: ${formatJson(v, inner)}`);
    return `{\n${entries.join(',\n')}\n${indent}}`;
  }
  return JSON.stringify(value);
}

/** The exact text of each fixture file. */
export function fixtureText(spec: FixtureSpec): string {
  return `${formatJson(modelToFile(fixtureModel(spec), spec.layout))}\n`;
}

export const FIXTURE_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', 'tests', 'fixtures');

const invokedPath = process.argv[1];
if (invokedPath !== undefined && import.meta.url === pathToFileURL(realpathSync(invokedPath)).href) {
  for (const spec of FIXTURES) {
    writeFileSync(join(FIXTURE_DIR, spec.file), fixtureText(spec));
    process.stdout.write(`wrote tests/fixtures/${spec.file}\n`);
  }
}
