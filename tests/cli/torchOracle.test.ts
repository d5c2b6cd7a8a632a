/**
 * The engine against real PyTorch autograd (Debian's python3-torch, float64): tests/python/torch_cases.py
 * builds seeded nn.Embedding + nn.RNN/LSTM/GRU + nn.Linear modules, exports them with
 * python/gatescope_export.py and records what torch computes; this test reads each exported file,
 * runs the engine on the same tokens and compares every hidden state, the loss, the state gradient
 * of every step and the gradient of every parameter.
 *
 * The cases the engine reads today are the one-layer classifiers (their files are turned into
 * `gatescope/model@1` by dropping the `_l0` suffixes); the stacked and next-token cases are
 * generated too and are compared once the engine reads `gatescope/model@2` (issue 14).
 *
 * Without torch the test is skipped with a message, except under CI=true, where it fails:
 * .ci/run installs python3-torch.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { backward } from '../../src/engine/backward';
import { forward } from '../../src/engine/forward';
import { parseModelJson } from '../../src/engine/modelFile';
import { tokenize } from '../../src/engine/tokenizer';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const PYTHON = process.env.GATESCOPE_PYTHON ?? '/usr/bin/python3';
const inCI = process.env.CI === 'true' || process.env.CI === '1';

type Json = ReturnType<typeof JSON.parse>;

interface Expected {
  text: string;
  ids: number[];
  target: number | null;
  loss: number;
  layers: { h: number[][]; c: number[][] | null; dh: number[][]; dhNorm: number[]; dcNorm: number[] | null }[];
  logits: number[][];
  grads: Record<string, number[] | number[][]>;
}

function torchAvailable(): boolean {
  const probe = spawnSync(PYTHON, ['-c', 'import torch'], { encoding: 'utf8' });
  return probe.status === 0;
}

const haveTorch = torchAvailable();
if (!haveTorch && inCI) throw new Error(`real PyTorch is needed for the oracle tests: ${PYTHON} cannot import torch (apt-get install python3-torch)`);
if (!haveTorch) console.warn(`SKIPPED the PyTorch oracle tests: ${PYTHON} cannot import torch (apt-get install python3-torch)`);

const dir = haveTorch ? mkdtempSync(join(tmpdir(), 'gatescope-torch-')) : '';
afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

function generateCases(): string[] {
  if (!haveTorch) return [];
  const run = spawnSync(PYTHON, [join(ROOT, 'tests', 'python', 'torch_cases.py'), dir], { encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`torch_cases.py failed:\n${run.stderr}`);
  return readdirSync(dir)
    .filter((f) => f.endsWith('.model.json'))
    .map((f) => f.replace(/\.model\.json$/, ''))
    .sort();
}

const cases = generateCases();

/** The exported file as `gatescope/model@1`, for a one-layer classifier. */
function asVersion1(file: Json): Json {
  const weights: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(file.weights as Record<string, unknown>)) weights[k.replace(/_l0$/, '')] = v;
  const { predicts: _predicts, ...head } = file.head;
  const { numLayers: _numLayers, ...rest } = file;
  return { ...rest, format: 'gatescope/model@1', weights, head };
}

const flat = (x: number[] | number[][]): number[] => (Array.isArray(x[0]) ? (x as number[][]).flat() : (x as number[]));

/** Largest |a - b| relative to the largest |b| (with a floor for arrays of zeros). */
function relError(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < a.length; i++) {
    diff = Math.max(diff, Math.abs(a[i] - b[i]));
    scale = Math.max(scale, Math.abs(b[i]));
  }
  return diff / Math.max(scale, 1e-300);
}

describe.skipIf(!haveTorch)('the engine against real PyTorch autograd (float64)', () => {
  it('generates every case: RNN, LSTM and GRU, one to three layers, classifiers and language models', () => {
    expect(cases.length).toBeGreaterThanOrEqual(12);
    for (const cell of ['rnn', 'lstm', 'gru']) expect(cases.some((c) => c.startsWith(cell))).toBe(true);
  });

  const readCase = (name: string) => ({
    file: JSON.parse(readFileSync(join(dir, `${name}.model.json`), 'utf8')) as Json,
    expected: JSON.parse(readFileSync(join(dir, `${name}.expected.json`), 'utf8')) as Expected,
  });
  const oneLayerClassifiers = cases.filter((name) => {
    const { file } = readCase(name);
    return file.numLayers === 1 && file.head.predicts === 'label';
  });

  it('has one-layer classifiers of every cell to compare today', () => {
    expect(oneLayerClassifiers.map((n) => n.split('-')[0]).sort()).toEqual(['gru', 'lstm', 'rnn']);
  });

  for (const name of oneLayerClassifiers) {
    it(`${name}: states to 1e-9, loss, state and parameter gradients to 1e-7 of torch's`, () => {
      const { file, expected } = readCase(name);
      const model = parseModelJson(asVersion1(file));
      const tok = tokenize(expected.text, model.tokenizer, 10_000);
      expect(Array.from(tok.ids)).toEqual(expected.ids);
      const trace = forward(model.params, tok.ids);
      const { H, T } = trace;
      const layer = expected.layers[0];
      expect(relError(trace.h, layer.h.flat())).toBeLessThan(1e-9);
      if (layer.c) expect(relError(trace.c!, layer.c.flat())).toBeLessThan(1e-9);
      expect(relError(trace.logits, expected.logits[0])).toBeLessThan(1e-9);

      const grads = backward(model.params, trace, expected.target!);
      expect(Math.abs(grads.loss - expected.loss)).toBeLessThan(1e-9 * Math.max(1, Math.abs(expected.loss)));
      expect(relError(grads.dh, layer.dh.flat())).toBeLessThan(1e-7);
      expect(relError(grads.dhNorm, layer.dhNorm)).toBeLessThan(1e-7);
      if (layer.dcNorm) expect(relError(grads.dcNorm!, layer.dcNorm)).toBeLessThan(1e-7);
      expect(T * H).toBe(layer.h.flat().length);

      const p = grads.params;
      const pairs: [string, Float64Array][] = [
        ['weights.weight_ih_l0', p.weightIh],
        ['weights.weight_hh_l0', p.weightHh],
        ['weights.bias_ih_l0', p.biasIh],
        ['weights.bias_hh_l0', p.biasHh],
        ['embedding', p.embedding],
        ['head.weight', p.headWeight],
        ['head.bias', p.headBias],
      ];
      for (const [key, mine] of pairs) {
        const err = relError(mine, flat(expected.grads[key]));
        if (!(err < 1e-7)) expect.fail(`${key}: relative error ${err} against torch`);
      }
    });
  }
});

describe.skipIf(!haveTorch)('python/gatescope_export.py', () => {
  const run = haveTorch ? spawnSync(PYTHON, [join(ROOT, 'tests', 'python', 'export_refusals.py')], { encoding: 'utf8' }) : null;
  const out = run && run.status === 0 ? (JSON.parse(run.stdout) as Record<string, unknown>) : {};

  it('runs on real torch', () => {
    expect(run?.stderr ?? '').toBe('');
    expect(run?.status).toBe(0);
  });

  it('refuses what gatescope cannot show, with a message naming the problem', () => {
    expect(out.bidirectional).toMatch(/^rnn: bidirectional/);
    expect(out.proj_size).toMatch(/^rnn: proj_size=2/);
    expect(out.relu).toMatch(/^rnn: nonlinearity="relu"/);
    expect(out.head_in_features).toMatch(/^head: in_features=5 .*hidden_size is 4/);
    expect(out.vocab_length).toMatch(/^vocab: has 4 entries .*5 rows/);
    expect(out.five_layers).toMatch(/^rnn: num_layers=5 is outside 1\.\.4/);
    expect(out.next_token_K).toMatch(/^head: a next-token head needs out_features = vocabulary size 5, found 3/);
    expect(out.predicts).toMatch(/^predicts: /);
    expect(out.unk_missing).toMatch(/^unk: /);
  });

  it('accepts batch_first, writes bias=False as zero biases and warns that dropout is ignored', () => {
    expect(out.batch_first).toBe('accepted');
    expect(out.no_bias_written_as_zeros).toBe(true);
    expect(out.no_bias_keys).toEqual(['bias_hh_l0', 'bias_hh_l1', 'bias_ih_l0', 'bias_ih_l1', 'weight_hh_l0', 'weight_hh_l1', 'weight_ih_l0', 'weight_ih_l1']);
    expect(out.dropout_warnings).toEqual(['rnn: dropout=0.3 between layers is ignored (it only acts in training)']);
  });
});
