/**
 * The engine against real PyTorch autograd (Debian's python3-torch, float64): tests/python/torch_cases.py
 * builds seeded nn.Embedding + nn.RNN/LSTM/GRU + nn.Linear modules, exports them with
 * python/gatescope_export.py and records what torch computes; this test reads each exported file,
 * runs the engine on the same tokens and compares every hidden state, the loss, the state gradient
 * of every step and the gradient of every parameter.
 *
 * Every case is read straight from its `gatescope/model@2` file (one to three layers, classifiers
 * and language models, one loss-step case): per layer h_t and c_t to 1e-9, the loss to 1e-9, per
 * layer dL/dh_t and the norms of dL/dh_t and dL/dc_t and every parameter gradient to 1e-7. A
 * stacked, a next-token and the loss-step case also go through the trace command, and the stacked
 * cases through the keras layout (written by a conversion in this file, not the engine's).
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
import { runTrace } from '../../src/cli/trace';
import { backward } from '../../src/engine/backward';
import { forward } from '../../src/engine/forward';
import { parseModelJson } from '../../src/engine/modelFile';
import { tokenize } from '../../src/engine/tokenizer';
import { layerStack, type BackwardResult, type LayerParams } from '../../src/engine/types';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const PYTHON = process.env.GATESCOPE_PYTHON ?? '/usr/bin/python3';
const inCI = process.env.CI === 'true' || process.env.CI === '1';

type Json = ReturnType<typeof JSON.parse>;

interface Expected {
  text: string;
  ids: number[];
  target: number | null;
  lossStep: number | null;
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

/**
 * The same network in the keras layout, by a conversion written here from the Keras docs (not the
 * engine's): kernels transposed to In x G*H and recurrent kernels to H x G*H, GRU blocks r, z, n
 * reordered to Keras' z, r, h with the two bias rows [b_ih; b_hh] (reset_after=True); an rnn/lstm
 * keeps one bias, b_ih + b_hh. The head's kernel is H x K.
 */
function asKeras(file: Json): Json {
  const H: number = file.hiddenSize;
  const G: number = { rnn: 1, lstm: 4, gru: 3 }[file.cell as 'rnn' | 'lstm' | 'gru'];
  const kerasBlock = (b: number) => (file.cell === 'gru' && b < 2 ? 1 - b : b);
  const reorderRows = (m: number[][]): number[][] => {
    const out: number[][] = new Array(G * H);
    for (let b = 0; b < G; b++) for (let j = 0; j < H; j++) out[kerasBlock(b) * H + j] = m[b * H + j];
    return out;
  };
  const transpose = (m: number[][]): number[][] => m[0].map((_, c) => m.map((row) => row[c]));
  const reorderVec = (v: number[]): number[] => reorderRows(v.map((x) => [x])).map((r) => r[0]);
  const layers = Array.from({ length: file.numLayers as number }, (_, k) => {
    const w = file.weights;
    const bih: number[] = w[`bias_ih_l${k}`];
    const bhh: number[] = w[`bias_hh_l${k}`];
    return {
      kernel: transpose(reorderRows(w[`weight_ih_l${k}`])),
      recurrent_kernel: transpose(reorderRows(w[`weight_hh_l${k}`])),
      bias: file.cell === 'gru' ? [reorderVec(bih), reorderVec(bhh)] : reorderVec(bih.map((b, i) => b + bhh[i])),
    };
  });
  const { weight, ...head } = file.head;
  return { ...file, layout: 'keras', weights: layers, head: { ...head, kernel: transpose(weight) } };
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
  /** The engine's gradient of a file key (weights.weight_ih_l1, embedding, head.weight, ...). */
  const gradOf = (grads: BackwardResult, key: string): Float64Array => {
    const m = /^weights\.(weight_ih|weight_hh|bias_ih|bias_hh)_l(\d)$/.exec(key);
    if (m) {
      const field = ({ weight_ih: 'weightIh', weight_hh: 'weightHh', bias_ih: 'biasIh', bias_hh: 'biasHh' } as const)[m[1] as 'weight_ih'];
      return (layerStack(grads.params)[Number(m[2])] as LayerParams)[field];
    }
    if (key === 'embedding') return grads.params.embedding;
    if (key === 'head.weight') return grads.params.headWeight;
    if (key === 'head.bias') return grads.params.headBias;
    throw new Error(`no engine gradient for ${key}`);
  };

  it('has stacked, next-token and loss-step cases of every cell', () => {
    const files = cases.map((n) => readCase(n).file);
    expect(files.some((f) => f.numLayers === 3)).toBe(true);
    for (const cell of ['rnn', 'lstm', 'gru']) {
      expect(files.some((f) => f.cell === cell && f.head.predicts === 'next-token')).toBe(true);
      expect(files.some((f) => f.cell === cell && f.numLayers > 1)).toBe(true);
    }
    expect(cases.map((n) => readCase(n).expected.lossStep).filter((k) => k !== null)).toEqual([4]);
  });

  for (const name of cases) {
    it(`${name}: every layer's states to 1e-9, loss, state and parameter gradients to 1e-7 of torch's`, () => {
      const { file, expected } = readCase(name);
      expect(file.format).toBe('gatescope/model@2');
      const model = parseModelJson(file);
      const tok = tokenize(expected.text, model.tokenizer, 10_000);
      expect(Array.from(tok.ids)).toEqual(expected.ids);
      const trace = forward(model.params, tok.ids);
      expect(trace.layers.length).toBe(expected.layers.length);
      expected.layers.forEach((layer, k) => {
        expect(relError(trace.layers[k].h, layer.h.flat())).toBeLessThan(1e-9);
        if (layer.c) expect(relError(trace.layers[k].c!, layer.c.flat())).toBeLessThan(1e-9);
      });
      if (file.head.predicts === 'next-token') expect(relError(trace.logitsPerStep, expected.logits.flat())).toBeLessThan(1e-9);
      else expect(relError(trace.logits, expected.logits[0])).toBeLessThan(1e-9);

      const grads = backward(model.params, trace, expected.target ?? -1, expected.lossStep === null ? {} : { lossStep: expected.lossStep });
      expect(Math.abs(grads.loss - expected.loss)).toBeLessThan(1e-9 * Math.max(1, Math.abs(expected.loss)));
      expected.layers.forEach((layer, k) => {
        const mine = grads.layers[k];
        const errors = {
          dh: relError(mine.dh, layer.dh.flat()),
          dhNorm: relError(mine.dhNorm, layer.dhNorm),
          dcNorm: layer.dcNorm ? relError(mine.dcNorm!, layer.dcNorm) : 0,
        };
        for (const [what, err] of Object.entries(errors)) if (!(err < 1e-7)) expect.fail(`layer ${k} ${what}: relative error ${err} against torch`);
      });
      // The flat fields are the top layer's.
      expect(grads.dh).toBe(grads.layers[grads.layers.length - 1].dh);

      expect(Object.keys(expected.grads).length).toBeGreaterThanOrEqual(3 + 2 * expected.layers.length);
      for (const [key, theirs] of Object.entries(expected.grads)) {
        const err = relError(gradOf(grads, key), flat(theirs));
        if (!(err < 1e-7)) expect.fail(`${key}: relative error ${err} against torch`);
      }
    });
  }

  for (const name of cases.filter((n) => readCase(n).file.numLayers > 1)) {
    it(`${name}: the keras layout of the same weights gives the same trace`, () => {
      const { file, expected } = readCase(name);
      const torchModel = parseModelJson(file);
      const kerasModel = parseModelJson(asKeras(file));
      const ids = expected.ids;
      const a = forward(torchModel.params, ids);
      const b = forward(kerasModel.params, ids);
      a.layers.forEach((layer, k) => expect(relError(b.layers[k].h, layer.h)).toBeLessThan(1e-12));
      expect(relError(b.logitsPerStep, a.logitsPerStep)).toBeLessThan(1e-12);
      expected.layers.forEach((layer, k) => expect(relError(b.layers[k].h, layer.h.flat())).toBeLessThan(1e-9));
    });
  }

  /** The trace command on a case's file, its JSON parsed. */
  const traceOf = (name: string, extra: string[] = []): Json => {
    const { expected } = readCase(name);
    const result = runTrace(['--model', join(dir, `${name}.model.json`), '--text', expected.text, ...extra]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    return JSON.parse(result.stdout);
  };

  /** Checks a trace command's output against torch, field by field. */
  const checkTraceJson = (name: string, out: Json) => {
    const { file, expected } = readCase(name);
    expect(out.numLayers).toBe(expected.layers.length);
    expect(Math.abs(out.loss - expected.loss)).toBeLessThan(1e-9 * Math.max(1, Math.abs(expected.loss)));
    expected.layers.forEach((layer, k) => {
      expect(relError(out.steps.flatMap((s: Json) => s.layers[k].h), layer.h.flat())).toBeLessThan(1e-9);
      if (layer.c) expect(relError(out.steps.flatMap((s: Json) => s.layers[k].c), layer.c.flat())).toBeLessThan(1e-9);
      expect(relError(out.grad.layers[k].h, layer.dhNorm)).toBeLessThan(1e-7);
      if (layer.dcNorm) expect(relError(out.grad.layers[k].c, layer.dcNorm)).toBeLessThan(1e-7);
    });
    const top = expected.layers[expected.layers.length - 1];
    expect(relError(out.steps.flatMap((s: Json) => s.h), top.h.flat())).toBeLessThan(1e-9);
    expect(relError(out.grad.h, top.dhNorm)).toBeLessThan(1e-7);
    for (const [key, theirs] of Object.entries(expected.grads)) {
      const [part, sub] = key.split('.');
      const mine = sub === undefined ? out.grad.params[part] : out.grad.params[part][sub];
      const err = relError(flat(mine), flat(theirs));
      if (!(err < 1e-7)) expect.fail(`trace grad.params.${key}: relative error ${err} against torch`);
    }
    if (file.head.predicts === 'next-token') {
      expect(out.output.steps.length).toBe(expected.ids.length);
      expect(relError(out.output.steps.flatMap((s: Json) => s.logits), expected.logits.flat())).toBeLessThan(1e-9);
    } else {
      expect(relError(out.output.logits, expected.logits[0])).toBeLessThan(1e-9);
    }
  };

  it('the trace command on a stacked classifier (lstm-2-label) prints what torch computes', () => {
    const { file, expected } = readCase('lstm-2-label');
    const out = traceOf('lstm-2-label', ['--target', file.head.labels[expected.target!]]);
    checkTraceJson('lstm-2-label', out);
    expect(Object.keys(out.grad.params.weights).sort()).toEqual(Object.keys(file.weights).sort());
  });

  it('the trace command on a stacked language model (gru-2-next) prints what torch computes', () => {
    checkTraceJson('gru-2-next', traceOf('gru-2-next'));
  });

  it('the trace command with --loss-step (lstm-2-next-step) prints what torch computes, zero gradients after the step', () => {
    const { expected } = readCase('lstm-2-next-step');
    const out = traceOf('lstm-2-next-step', ['--loss-step', String(expected.lossStep)]);
    checkTraceJson('lstm-2-next-step', out);
    for (const layer of out.grad.layers) {
      for (let t = expected.lossStep! + 1; t < expected.ids.length; t++) expect(layer.h[t]).toBe(0);
    }
  });
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
