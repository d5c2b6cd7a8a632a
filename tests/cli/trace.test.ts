import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { modelToFile, parseModelJson } from '../../src/engine/modelFile';
import { MAX_TOKENS } from '../../src/engine/tokenizer';
import { BAD_CASES, nextTokenFixture, stackFixture } from '../engine/badModelFiles';
import {
  centralDifference, referenceForward, referenceLoss, referenceTokenize, type Nudge, type RawFile,
} from './reference';

type Json = ReturnType<typeof JSON.parse>;

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const FIXTURES = join(ROOT, 'tests', 'fixtures');

interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a command from the repository root and collects its output. */
function run(command: string, args: string[]): Promise<CliRun> {
  return new Promise((done, fail) => {
    const child = spawn(command, args, { cwd: ROOT, env: { ...process.env, NO_COLOR: '1' } });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (s: string) => { stdout += s; });
    child.stderr.setEncoding('utf8').on('data', (s: string) => { stderr += s; });
    child.on('error', fail);
    child.on('close', (code) => done({ code, stdout, stderr }));
  });
}

/** The trace CLI as `tsx src/cli/trace.ts` runs it (tsx's loader in plain node, no npx start-up). */
const trace = (...args: string[]): Promise<CliRun> => run(process.execPath, ['--import', 'tsx', 'src/cli/trace.ts', ...args]);

let tmp: string;
beforeAll(() => { tmp = mkdtempSync(join(tmpdir(), 'gatescope-trace-')); });
afterAll(() => { rmSync(tmp, { recursive: true, force: true }); });

function writeModel(name: string, file: unknown): string {
  const path = join(tmp, name);
  writeFileSync(path, typeof file === 'string' ? file : JSON.stringify(file));
  return path;
}

const readFixture = (name: string): RawFile => JSON.parse(readFileSync(join(FIXTURES, name), 'utf8'));

/** |a - b| within `rel` of the larger magnitude, with a floor for values that cancel to ~0. */
function expectClose(actual: number, expected: number, rel: number, floor = 1e-15): void {
  const tol = rel * Math.max(Math.abs(actual), Math.abs(expected)) + floor;
  if (!(Math.abs(actual - expected) <= tol)) {
    expect.fail(`expected ${actual} to be within ${rel} relative of ${expected}`);
  }
}

function expectAllClose(actual: number[], expected: number[], rel: number, floor?: number): void {
  expect(actual.length).toBe(expected.length);
  actual.forEach((v, i) => expectClose(v, expected[i], rel, floor));
}

/** The same network in the other layout, written by modelToFile. */
function otherLayout(file: RawFile): RawFile {
  const layout = file.layout === 'pytorch' ? 'keras' : 'pytorch';
  return JSON.parse(JSON.stringify(modelToFile(parseModelJson(file), layout)));
}

interface TraceCase {
  title: string;
  file: RawFile;
  text: string;
  target?: string;
}

const lstm = readFixture('lstm-pytorch.json');
const gru = readFixture('gru-keras.json');
const rnn = readFixture('rnn-pytorch.json');

const CASES: TraceCase[] = [
  { title: 'lstm, pytorch layout', file: lstm, text: 'The movie was NOT good, i loved it!', target: 'positive' },
  { title: 'lstm, keras layout', file: otherLayout(lstm), text: 'The movie was NOT good, i loved it!', target: 'positive' },
  { title: 'gru, keras layout', file: gru, text: "I loved it... the movie wasn't bad", target: 'negative' },
  { title: 'gru, pytorch layout', file: otherLayout(gru), text: "I loved it... the movie wasn't bad", target: 'negative' },
  { title: 'rnn, pytorch layout (characters)', file: rnn, text: 'A bad cat. Tea!' },
  { title: 'rnn, keras layout (characters)', file: otherLayout(rnn), text: 'A bad cat. Tea!' },
];

/** Deterministic sample of indices (not the engine's generator). */
function sampler(seed: number): (n: number) => number {
  let state = seed >>> 0;
  return (n) => {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    return state % n;
  };
}

/** Every numeric leaf of a parameter in the raw file, as [holder, index] pairs to nudge. */
function leaves(value: number[] | number[][]): [number[], number][] {
  const out: [number[], number][] = [];
  if (Array.isArray(value[0])) for (const row of value as number[][]) row.forEach((_, i) => out.push([row, i]));
  else (value as number[]).forEach((_, i) => out.push([value as number[], i]));
  return out;
}

describe.each(CASES)('trace of $title', ({ file, text, target }) => {
  let out: Json;
  let ids: number[];
  let targetIndex: number;

  beforeAll(async () => {
    const path = writeModel(`${file.cell}-${file.layout}.json`, file);
    const result = await trace('--model', path, '--text', text, ...(target ? ['--target', target] : []));
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    out = JSON.parse(result.stdout);
    ids = referenceTokenize(file, text).ids;
    const ref = referenceForward(file, ids);
    const predicted = ref.probs.indexOf(Math.max(...ref.probs));
    targetIndex = target ? file.head.labels.indexOf(target) : predicted;
  });

  it('tokenizes the text as the contract says', () => {
    const ref = referenceTokenize(file, text);
    expect(out.cell).toBe(file.cell);
    expect(out.tokens).toEqual(ref.tokens);
    expect(out.ids).toEqual(ref.ids);
  });

  it('prints hidden states, cell states and gates equal to an independent reference within 1e-9', () => {
    const ref = referenceForward(file, ids);
    expect(out.steps.length).toBe(ids.length);
    out.steps.forEach((step: Json, t: number) => {
      expectAllClose(step.h, ref.steps[t].h, 1e-9);
      if (file.cell === 'lstm') expectAllClose(step.c, ref.steps[t].c!, 1e-9);
      else expect('c' in step).toBe(false);
      expect(Object.keys(step.gates)).toEqual(Object.keys(ref.steps[t].gates));
      for (const gate of Object.keys(step.gates)) expectAllClose(step.gates[gate], ref.steps[t].gates[gate], 1e-9);
    });
  });

  it('prints logits, probabilities, label, target and loss equal to the reference', () => {
    const ref = referenceForward(file, ids);
    expectAllClose(out.output.logits, ref.logits, 1e-9);
    expectAllClose(out.output.probs, ref.probs, 1e-9);
    expect(out.output.label).toBe(file.head.labels[ref.probs.indexOf(Math.max(...ref.probs))]);
    expect(out.target).toBe(file.head.labels[targetIndex]);
    expectClose(out.loss, referenceLoss(file, ids, targetIndex), 1e-9);
    expectClose(out.loss, -Math.log(out.output.probs[targetIndex]), 1e-9);
  });

  it('prints per-step gradient norms that match finite differences of the reference loss', () => {
    const H = file.hiddenSize;
    const D = file.embedding[0].length;
    const fdNorm = (what: Nudge['what'], t: number, width: number): number => {
      let sum = 0;
      for (let j = 0; j < width; j++) {
        const g = centralDifference((delta) => referenceLoss(file, ids, targetIndex, { what, t, j, delta }), 1e-3);
        sum += g * g;
      }
      return Math.sqrt(sum);
    };
    const T = ids.length;
    // v2 adds `layers` (every layer's norms; one layer here, the same numbers as h and c).
    expect(Object.keys(out.grad)).toEqual(file.cell === 'lstm' ? ['h', 'c', 'layers', 'x', 'params'] : ['h', 'layers', 'x', 'params']);
    expect(out.grad.layers).toEqual([file.cell === 'lstm' ? { h: out.grad.h, c: out.grad.c } : { h: out.grad.h }]);
    for (let t = 0; t < T; t++) {
      expectClose(out.grad.h[t], fdNorm('h', t, H), 1e-6, 1e-10);
      expectClose(out.grad.x[t], fdNorm('x', t, D), 1e-6, 1e-10);
      if (file.cell === 'lstm') expectClose(out.grad.c[t], fdNorm('c', t, H), 1e-6, 1e-10);
    }
  });

  it("prints parameter gradients with the file's keys and shapes", () => {
    const params = out.grad.params;
    expect(Object.keys(params)).toEqual(['weights', 'embedding', 'head']);
    expect(Object.keys(params.weights)).toEqual(Object.keys(file.weights));
    for (const key of Object.keys(file.weights)) {
      expect(shape(params.weights[key])).toEqual(shape((file.weights as Record<string, unknown>)[key]));
    }
    expect(shape(params.embedding)).toEqual(shape(file.embedding));
    expect(Object.keys(params.head)).toEqual(Object.keys(file.head).filter((k) => k !== 'labels'));
    for (const key of Object.keys(params.head)) {
      expect(shape(params.head[key])).toEqual(shape((file.head as Record<string, unknown>)[key]));
    }
  });

  it('prints parameter gradients that match finite differences of the reference loss on a sample of entries', () => {
    const pick = sampler(ids.length * 7919 + file.hiddenSize);
    const groups: [string, [number[], number][]][] = [
      ...Object.entries(file.weights).map(([k, v]): [string, [number[], number][]] => [`weights.${k}`, leaves(v)]),
      ['embedding', ids.flatMap((id) => file.embedding[id].map((_, i): [number[], number] => [file.embedding[id], i]))],
      ['embedding (unused row)', leaves([file.embedding[file.embedding.length - 2]])],
      ...Object.entries(file.head).filter(([k]) => k !== 'labels')
        .map(([k, v]): [string, [number[], number][]] => [`head.${k}`, leaves(v as number[] | number[][])]),
    ];
    const cliValue = (group: string, holder: number[], index: number): number => {
      // Find the same position in the CLI's gradient object by walking the file's structure.
      const [top, key] = group.split('.');
      const fileValue: unknown = top === 'weights' ? (file.weights as Record<string, unknown>)[key]
        : top === 'head' ? (file.head as Record<string, unknown>)[key] : file.embedding;
      const gradValue: Json = top === 'weights' ? out.grad.params.weights[key]
        : top === 'head' ? out.grad.params.head[key] : out.grad.params.embedding;
      if (Array.isArray((fileValue as unknown[])[0])) {
        const row = (fileValue as number[][]).indexOf(holder);
        return gradValue[row][index];
      }
      return gradValue[index];
    };
    let checked = 0;
    for (const [group, entries] of groups) {
      const count = group.startsWith('embedding (') ? 1 : 3;
      for (let n = 0; n < count; n++) {
        const [holder, index] = entries[pick(entries.length)];
        const original = holder[index];
        const numeric = centralDifference((delta) => {
          holder[index] = original + delta;
          const loss = referenceLoss(file, ids, targetIndex);
          holder[index] = original;
          return loss;
        }, 1e-3);
        expectClose(cliValue(group, holder, index), numeric, 1e-6, 1e-10);
        checked++;
      }
    }
    expect(checked).toBeGreaterThanOrEqual(19);
  });
});

function shape(value: unknown): number[] {
  return Array.isArray(value) ? [value.length, ...shape(value[0])] : [];
}

describe('trace command output', () => {
  it('gives the same trace for the same weights written in either layout', async () => {
    const model = parseModelJson(gru);
    const torchPath = writeModel('same-pytorch.json', modelToFile(model, 'pytorch'));
    const kerasPath = writeModel('same-keras.json', modelToFile(model, 'keras'));
    const text = 'the movie was great';
    const [a, b] = await Promise.all([trace('--model', torchPath, '--text', text), trace('--model', kerasPath, '--text', text)]);
    const ta = JSON.parse(a.stdout);
    const tb = JSON.parse(b.stdout);
    // The GRU keeps both biases in either layout, so every forward number and norm is bit-identical.
    expect(tb.steps).toEqual(ta.steps);
    expect(tb.output).toEqual(ta.output);
    expect(tb.loss).toBe(ta.loss);
    expect([tb.grad.h, tb.grad.x]).toEqual([ta.grad.h, ta.grad.x]);
    expect(tb.grad.params.embedding).toEqual(ta.grad.params.embedding);
    // Keras columns z, r, h hold PyTorch rows r, z, n.
    const H = gru.hiddenSize;
    expect(tb.grad.params.weights.kernel[2][0 * H + 3]).toBe(ta.grad.params.weights.weight_ih[1 * H + 3][2]);
    expect(tb.grad.params.weights.kernel[1][1 * H + 4]).toBe(ta.grad.params.weights.weight_ih[0 * H + 4][1]);
  });

  it('runs through `npm run --silent trace` and prints one JSON line with the contract keys', async () => {
    const result = await run('npm', ['run', '--silent', 'trace', '--', '--model', 'tests/fixtures/lstm-pytorch.json', '--text', 'the movie']);
    expect(result.code).toBe(0);
    expect(result.stdout.endsWith('\n')).toBe(true);
    expect(result.stdout.trimEnd().split('\n').length).toBe(1);
    const out = JSON.parse(result.stdout);
    expect(Object.keys(out)).toEqual(['cell', 'numLayers', 'tokens', 'ids', 'steps', 'output', 'target', 'loss', 'grad']);
    expect(Object.keys(out.steps[0])).toEqual(['h', 'c', 'gates', 'layers']);
    expect(Object.keys(out.grad)).toEqual(['h', 'c', 'layers', 'x', 'params']);
    expect(Object.keys(out.steps[0].gates)).toEqual(['i', 'f', 'g', 'o']);
    expect(Object.keys(out.output)).toEqual(['logits', 'probs', 'label']);
  });

  it('uses the predicted label as the target when --target is not given', async () => {
    const result = await trace('--model', join(FIXTURES, 'rnn-pytorch.json'), '--text', 'tea');
    const out = JSON.parse(result.stdout);
    expect(out.target).toBe(out.output.label);
    const k = rnn.head.labels.indexOf(out.target);
    expect(out.output.probs[k]).toBe(Math.max(...out.output.probs));
    expectClose(out.loss, -Math.log(out.output.probs[k]), 1e-12);
  });

  it('prints overflowing values as the strings "Infinity"/"NaN" with a warning, never as null', async () => {
    const file = JSON.parse(JSON.stringify(rnn));
    const text = 'tea';
    const hT = referenceForward(file, referenceTokenize(file, text).ids).steps.at(-1)!.h;
    // Every head row aligned with h_T at the largest float64 scale: each logit overflows to +Infinity.
    file.head.weight = file.head.weight.map(() => hT.map((v: number) => Math.sign(v) * 1.7e308));
    const result = await trace('--model', writeModel('overflow.json', file), '--text', text);
    expect(result.code).toBe(0);
    const out = JSON.parse(result.stdout);
    expect(out.output.logits).toEqual(['Infinity', 'Infinity', 'Infinity']);
    expect(result.stdout).not.toContain('null');
    expect(result.stderr).toMatch(/^trace: warning: \d+ values are not finite .*\n$/);
    expect(result.stderr.split('\n').length).toBe(2);
  });
});

describe('trace command on gatescope/model@2 files', () => {
  const copyOf = (f: RawFile): RawFile => JSON.parse(JSON.stringify(f));
  const text = 'the movie was not good';

  it('prints numLayers 1 and one layer per step for a one-layer file, the same numbers as the step itself', async () => {
    const out = JSON.parse((await trace('--model', join(FIXTURES, 'lstm-pytorch.json'), '--text', text)).stdout);
    expect(out.numLayers).toBe(1);
    for (const step of out.steps) expect(step.layers).toEqual([{ h: step.h, c: step.c, gates: step.gates }]);
    expect(out.grad.layers).toEqual([{ h: out.grad.h, c: out.grad.c }]);
  });

  it('prints the same trace for a one-layer @2 file with _l0 keys as for the @1 file, with the _l0 keys in grad.params', async () => {
    const v2 = stackFixture(copyOf(lstm), 1);
    const [a, b] = await Promise.all([
      trace('--model', join(FIXTURES, 'lstm-pytorch.json'), '--text', text),
      trace('--model', writeModel('lstm-v2-l0.json', v2), '--text', text),
    ]);
    const oa = JSON.parse(a.stdout);
    const ob = JSON.parse(b.stdout);
    expect(ob.steps).toEqual(oa.steps);
    expect(ob.loss).toBe(oa.loss);
    expect(Object.keys(ob.grad.params.weights)).toEqual(['weight_ih_l0', 'weight_hh_l0', 'bias_ih_l0', 'bias_hh_l0']);
    expect(ob.grad.params.weights.weight_hh_l0).toEqual(oa.grad.params.weights.weight_hh);
  });

  it('prints every layer of a stacked model bottom first, the top layer in the v1 fields, and gradients nested like the file', async () => {
    const file = stackFixture(copyOf(lstm), 3);
    const out = JSON.parse((await trace('--model', writeModel('lstm-3.json', file), '--text', text, '--target', 'positive')).stdout);
    expect(out.numLayers).toBe(3);
    for (const step of out.steps) {
      expect(step.layers.length).toBe(3);
      expect(step.h).toEqual(step.layers[2].h);
      expect(step.c).toEqual(step.layers[2].c);
      // Layers differ: layer 1 reads layer 0's h, not the embedding.
      expect(step.layers[1].h).not.toEqual(step.layers[0].h);
    }
    expect(out.grad.layers.map((l: Json) => Object.keys(l))).toEqual([['h', 'c'], ['h', 'c'], ['h', 'c']]);
    expect(out.grad.h).toEqual(out.grad.layers[2].h);
    expect(Object.keys(out.grad.params.weights)).toEqual(Object.keys(file.weights));
    for (const [key, value] of Object.entries(file.weights as Record<string, number[][]>)) {
      const mine = out.grad.params.weights[key];
      expect([mine.length, Array.isArray(mine[0]) ? mine[0].length : 0]).toEqual([value.length, Array.isArray(value[0]) ? value[0].length : 0]);
    }
    expect(out.target).toBe('positive');
  });

  it('writes a keras stacked model\'s gradients as an array of layer objects', async () => {
    const file = stackFixture(copyOf(gru), 2);
    const out = JSON.parse((await trace('--model', writeModel('gru-keras-2.json', file), '--text', text)).stdout);
    expect(out.grad.params.weights.map((w: Json) => Object.keys(w))).toEqual([['kernel', 'recurrent_kernel', 'bias'], ['kernel', 'recurrent_kernel', 'bias']]);
    expect(out.grad.params.weights[1].kernel.length).toBe(gru.hiddenSize);
  });

  const nextToken = nextTokenFixture(copyOf(rnn));
  const chars = 'A bad cat.';

  it('prints one prediction per step for a next-token model, and the mean next-token loss of those predictions', async () => {
    const out = JSON.parse((await trace('--model', writeModel('rnn-next.json', nextToken), '--text', chars)).stdout);
    const T = out.ids.length;
    expect(Object.keys(out)).toEqual(['cell', 'numLayers', 'tokens', 'ids', 'steps', 'output', 'lossStep', 'loss', 'grad']);
    expect(out.output.steps.length).toBe(T);
    const vocab: string[] = nextToken.tokenizer.vocab;
    for (const step of out.output.steps) {
      expect(step.logits.length).toBe(vocab.length);
      expectClose(step.probs.reduce((a: number, b: number) => a + b, 0), 1, 1e-12);
      expect(step.next).toBe(vocab[step.probs.indexOf(Math.max(...step.probs))]);
    }
    // The loss by hand from the printed probabilities: mean over t = 0..T-2 of -log p_t(ids[t+1]).
    let sum = 0;
    for (let t = 0; t + 1 < T; t++) sum -= Math.log(out.output.steps[t].probs[out.ids[t + 1]]);
    expectClose(out.loss, sum / (T - 1), 1e-12);
    expect(out.lossStep).toBe(null);
    // Every step but the last feeds a loss term; the last predicts past the text and feeds none.
    for (let t = 0; t + 1 < T; t++) expect(out.grad.h[t]).toBeGreaterThan(0);
    expect(out.grad.h[T - 1]).toBe(0);
  });

  it('takes one step\'s term with --loss-step, and the steps after it get gradient norms of exactly 0', async () => {
    const k = 3;
    const out = JSON.parse((await trace('--model', writeModel('rnn-next-step.json', nextToken), '--text', chars, '--loss-step', String(k))).stdout);
    expect(out.lossStep).toBe(k);
    expectClose(out.loss, -Math.log(out.output.steps[k].probs[out.ids[k + 1]]), 1e-12);
    for (let t = 0; t < out.ids.length; t++) {
      if (t > k) {
        expect(out.grad.h[t]).toBe(0);
        expect(out.grad.x[t]).toBe(0);
      } else expect(out.grad.h[t]).toBeGreaterThan(0);
    }
  });

  it.concurrent('refuses --target for a next-token model, naming the option', async () => {
    const result = await trace('--model', writeModel('rnn-next-target.json', nextToken), '--text', chars, '--target', 'a');
    expectRejected(result, /^trace: --target: this is a next-token model/);
  });

  it.concurrent('refuses --loss-step for a label model, naming the option', async () => {
    const result = await trace('--model', join(FIXTURES, 'lstm-pytorch.json'), '--text', text, '--loss-step', '1');
    expectRejected(result, /^trace: --loss-step: this is a label model/);
  });

  it.concurrent('refuses a --loss-step past T-2, saying the range', async () => {
    const result = await trace('--model', writeModel('rnn-next-range.json', nextToken), '--text', 'abc', '--loss-step', '2');
    expectRejected(result, /^trace: --loss-step: expected a step from 0 to 1 .*found 2/);
  });

  it.concurrent('refuses a --loss-step that is not a step number', async () => {
    const result = await trace('--model', writeModel('rnn-next-nan.json', nextToken), '--text', 'abc', '--loss-step', '-1');
    expectRejected(result, /^trace: --loss-step: expected a step number \(0, 1, \.\.\.\), found "-1"/);
  });

  it.concurrent('refuses next-token text of one token, saying a next-token model needs 2 tokens', async () => {
    const result = await trace('--model', writeModel('rnn-next-short.json', nextToken), '--text', 'a');
    expectRejected(result, /^trace: --text: a next-token model needs at least 2 tokens/);
  });
});

/** Exit 1, nothing on stdout, exactly one line on stderr that matches `pattern`. */
function expectRejected(result: CliRun, pattern: RegExp): void {
  expect(result.stdout).toBe('');
  expect(result.code).toBe(1);
  expect(result.stderr).toMatch(/^trace: [^\n]+\n$/);
  expect(result.stderr).toMatch(pattern);
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

describe('trace command on bad input', () => {
  it.concurrent.each(BAD_CASES.filter((c) => c.cli))('rejects a model file with $what, naming $field', async (bad) => {
    const content = bad.value !== undefined ? bad.value : (() => {
      const copy = readFixture(bad.file ?? 'lstm-pytorch.json');
      bad.edit!(copy);
      return copy;
    })();
    const path = writeModel(`bad-${bad.field.replace(/[^a-z0-9]+/gi, '_')}-${bad.what.length}.json`, content);
    const result = await trace('--model', path, '--text', 'the movie');
    expectRejected(result, new RegExp(`${escapeRegExp(bad.field)}: `));
    expect(result.stderr).toMatch(new RegExp(bad.message.source.replace(/^\^|\$$/g, '')));
  });

  it.concurrent('rejects a model file that is not JSON, naming (json)', async () => {
    const result = await trace('--model', writeModel('not-json.json', '{"format": "gatescope/model@1",'), '--text', 'x');
    expectRejected(result, /\(json\): not valid JSON/);
  });

  it.concurrent('rejects a model file that cannot be read, naming the path', async () => {
    const result = await trace('--model', join(tmp, 'does-not-exist.json'), '--text', 'x');
    expectRejected(result, /--model: cannot read ".*does-not-exist\.json" \(ENOENT\)/);
  });

  it.concurrent('rejects a call without --model', async () => {
    expectRejected(await trace('--text', 'the movie'), /--model: missing \(usage: /);
  });

  it.concurrent('rejects a call without --text', async () => {
    expectRejected(await trace('--model', join(FIXTURES, 'lstm-pytorch.json')), /--text: missing/);
  });

  it.concurrent('rejects --text with no value', async () => {
    expectRejected(await trace('--model', join(FIXTURES, 'lstm-pytorch.json'), '--text'), /--text: missing value/);
  });

  it.concurrent('rejects an unknown option', async () => {
    expectRejected(await trace('--model', join(FIXTURES, 'lstm-pytorch.json'), '--txt', 'x'), /unknown argument "--txt"/);
  });

  it.concurrent('rejects whitespace-only text for the word tokenizer', async () => {
    expectRejected(await trace('--model', join(FIXTURES, 'lstm-pytorch.json'), '--text', ' \t\n '), /--text: no tokens/);
  });

  it.concurrent('rejects empty text for the char tokenizer', async () => {
    expectRejected(await trace('--model', join(FIXTURES, 'rnn-pytorch.json'), '--text', ''), /--text: no tokens/);
  });

  it.concurrent('rejects an unknown target label and lists the labels', async () => {
    const result = await trace('--model', join(FIXTURES, 'gru-keras.json'), '--text', 'the movie', '--target', 'neutral');
    expectRejected(result, /--target: unknown label "neutral" \(labels: "negative", "positive"\)/);
  });

  it.concurrent('rejects text longer than the token limit instead of silently cutting it', async () => {
    const result = await trace('--model', join(FIXTURES, 'rnn-pytorch.json'), '--text', 'a'.repeat(MAX_TOKENS + 1));
    expectRejected(result, new RegExp(`--text: more than ${MAX_TOKENS} tokens`));
  });
});
