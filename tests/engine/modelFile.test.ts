import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  gradsToFile, MODEL_FORMAT, ModelFileError, modelToFile, parseModelFile, parseModelJson, parseModelText,
} from '../../src/engine/modelFile';
import { forward } from '../../src/engine/forward';
import { backward } from '../../src/engine/backward';
import { layerStack, numLayers, type Model, type ModelParams } from '../../src/engine/types';
import { FIXTURE_DIR, FIXTURES, fixtureModel, fixtureText } from '../../scripts/make-fixtures';
import { BAD_CASES, nextTokenFixture, stackFixture } from './badModelFiles';

type Json = ReturnType<typeof JSON.parse>;

function loadFixture(file: string): Json {
  return JSON.parse(readFileSync(join(FIXTURE_DIR, file), 'utf8'));
}

/** A deep copy of a fixture changed by `edit`. */
function edited(file: string, edit: (f: Json) => void): Json {
  const copy = loadFixture(file);
  edit(copy);
  return copy;
}

function errorOf(run: () => unknown): ModelFileError {
  try {
    run();
  } catch (err) {
    if (err instanceof ModelFileError) return err;
    throw new Error(`expected a ModelFileError, got ${String(err)}`, { cause: err });
  }
  throw new Error('expected a ModelFileError, but parsing succeeded');
}

const PARAM_KEYS = ['weightIh', 'weightHh', 'biasIh', 'biasHh', 'embedding', 'headWeight', 'headBias'] as const;

describe('reading model files', () => {
  it('places PyTorch matrices row for row into the engine parameters', () => {
    const file = loadFixture('lstm-pytorch.json');
    const { params, tokenizer, labels, name } = parseModelJson(file);
    const { inputSize: D, hiddenSize: H } = params;
    expect([params.cell, D, H, params.vocabSize, params.numClasses]).toEqual(['lstm', 4, 5, 12, 2]);
    expect(name).toBe('Fixture LSTM (PyTorch layout)');
    expect(labels).toEqual(['negative', 'positive']);
    expect(tokenizer).toEqual(file.tokenizer);
    for (let r = 0; r < 4 * H; r++) {
      for (let d = 0; d < D; d++) expect(params.weightIh[r * D + d]).toBe(file.weights.weight_ih[r][d]);
      for (let k = 0; k < H; k++) expect(params.weightHh[r * H + k]).toBe(file.weights.weight_hh[r][k]);
      expect(params.biasIh[r]).toBe(file.weights.bias_ih[r]);
      expect(params.biasHh[r]).toBe(file.weights.bias_hh[r]);
    }
    expect(params.embedding[3 * D + 2]).toBe(file.embedding[3][2]);
    expect(params.headWeight[1 * H + 4]).toBe(file.head.weight[1][4]);
  });

  it('transposes a Keras GRU and reorders its gates z, r, h into r, z, n', () => {
    // D = 1, H = 2: Keras columns are [z0 z1 r0 r1 h0 h1].
    const file = {
      format: MODEL_FORMAT, cell: 'gru', layout: 'keras', inputSize: 1, hiddenSize: 2,
      weights: {
        kernel: [[1, 2, 3, 4, 5, 6]],
        recurrent_kernel: [[11, 12, 13, 14, 15, 16], [21, 22, 23, 24, 25, 26]],
        bias: [[31, 32, 33, 34, 35, 36], [41, 42, 43, 44, 45, 46]],
      },
      tokenizer: { kind: 'word', lowercase: false, unk: '?', vocab: ['?'] },
      embedding: [[0.5]],
      head: { kernel: [[1, 2, 3], [4, 5, 6]], bias: [0, 0, 0], labels: ['a', 'b', 'c'] },
    };
    const p = parseModelJson(file).params;
    expect(Array.from(p.weightIh)).toEqual([3, 4, 1, 2, 5, 6]);
    // Row u of weight_hh (G*H x H) is column u of recurrent_kernel, after the reorder.
    expect(Array.from(p.weightHh)).toEqual([13, 23, 14, 24, 11, 21, 12, 22, 15, 25, 16, 26]);
    expect(Array.from(p.biasIh)).toEqual([33, 34, 31, 32, 35, 36]);
    expect(Array.from(p.biasHh)).toEqual([43, 44, 41, 42, 45, 46]);
    // Keras head kernel is H x K; ours is K x H.
    expect(Array.from(p.headWeight)).toEqual([1, 4, 2, 5, 3, 6]);
  });

  it('keeps the Keras LSTM gate order and puts its single bias into bias_ih with a zero bias_hh', () => {
    const file = {
      format: MODEL_FORMAT, cell: 'lstm', layout: 'keras', inputSize: 2, hiddenSize: 1,
      weights: { kernel: [[1, 2, 3, 4], [5, 6, 7, 8]], recurrent_kernel: [[9, 10, 11, 12]], bias: [13, 14, 15, 16] },
      tokenizer: { kind: 'char', lowercase: false, unk: '?', vocab: ['?', 'a'] },
      embedding: [[1, 0], [0, 1]],
      head: { kernel: [[1, -1]], bias: [0, 0], labels: ['x', 'y'] },
    };
    const p = parseModelJson(file).params;
    expect(Array.from(p.weightIh)).toEqual([1, 5, 2, 6, 3, 7, 4, 8]);
    expect(Array.from(p.weightHh)).toEqual([9, 10, 11, 12]);
    expect(Array.from(p.biasIh)).toEqual([13, 14, 15, 16]);
    expect(Array.from(p.biasHh)).toEqual([0, 0, 0, 0]);
  });

  it('reports the layout the file was written in', () => {
    expect(parseModelFile(loadFixture('gru-keras.json')).layout).toBe('keras');
    expect(parseModelFile(loadFixture('rnn-pytorch.json')).layout).toBe('pytorch');
  });

  it('accepts a file without a name and ignores unknown top-level keys', () => {
    const file = edited('rnn-pytorch.json', (f) => {
      delete f.name;
      f.description = 'made by hand';
    });
    const model = parseModelJson(file);
    expect(model.name).toBeUndefined();
    expect('name' in model).toBe(false);
  });

  it('reads model text with a leading byte-order mark', () => {
    const text = `\ufeff${readFileSync(join(FIXTURE_DIR, 'gru-keras.json'), 'utf8')}`;
    expect(parseModelText(text).params.cell).toBe('gru');
  });

  it('ships fixtures that are exactly what scripts/make-fixtures.ts writes', () => {
    for (const spec of FIXTURES) {
      expect(readFileSync(join(FIXTURE_DIR, spec.file), 'utf8')).toBe(fixtureText(spec));
    }
  });
});

describe('writing model files', () => {
  it.each(FIXTURES.map((f) => [f.cell, f]))('round-trips a %s model through the PyTorch layout unchanged', (_cell, spec) => {
    const model = fixtureModel(spec);
    const back = parseModelJson(JSON.parse(JSON.stringify(modelToFile(model, 'pytorch'))));
    expect(back).toEqual(model);
  });

  it('round-trips a GRU through the Keras layout unchanged, both bias rows included', () => {
    const model = fixtureModel(FIXTURES.find((f) => f.cell === 'gru')!);
    const back = parseModelJson(JSON.parse(JSON.stringify(modelToFile(model, 'keras'))));
    expect(back).toEqual(model);
  });

  it.each(['lstm', 'rnn'] as const)('writes a %s single Keras bias as bias_ih + bias_hh and reads it back into bias_ih', (cell) => {
    const model = fixtureModel(FIXTURES.find((f) => f.cell === cell)!);
    const file = modelToFile(model, 'keras') as Json;
    const p = model.params;
    expect(file.weights.bias).toEqual(Array.from(p.biasIh, (b, i) => b + p.biasHh[i]));
    const back = parseModelJson(JSON.parse(JSON.stringify(file)));
    for (const key of PARAM_KEYS.filter((k) => k !== 'biasIh' && k !== 'biasHh')) expect(back.params[key]).toEqual(p[key]);
    expect(Array.from(back.params.biasHh)).toEqual(new Array(p.biasHh.length).fill(0));
  });

  it.each(FIXTURES.map((f) => [f.cell, f]))('gives identical parameters for a %s model with zero bias_hh read from either layout', (_cell, spec) => {
    const model = fixtureModel(spec);
    model.params.biasHh.fill(0);
    const viaTorch = parseModelJson(JSON.parse(JSON.stringify(modelToFile(model, 'pytorch'))));
    const viaKeras = parseModelJson(JSON.parse(JSON.stringify(modelToFile(model, 'keras'))));
    expect(viaKeras.params).toEqual(viaTorch.params);
  });

  it.each(FIXTURES.map((f) => [f.cell, f]))('gives the same forward trace for a %s model read from either layout', (_cell, spec) => {
    const model = fixtureModel(spec);
    const a = parseModelJson(modelToFile(model, 'pytorch')).params;
    const b = parseModelJson(modelToFile(model, 'keras')).params;
    const ids = [1, 5, 2, 11, 0, 3];
    const ta = forward(a, ids);
    const tb = forward(b, ids);
    // rnn/lstm Keras files pre-sum the two biases, which can move the last bit.
    const close = (x: Float64Array, y: Float64Array): void => {
      x.forEach((v, i) => expect(Math.abs(v - y[i])).toBeLessThanOrEqual(1e-14 * Math.max(1, Math.abs(v))));
    };
    close(ta.h, tb.h);
    close(ta.gates, tb.gates);
    close(ta.logits, tb.logits);
    if (ta.c) close(ta.c, tb.c!);
  });

  it('writes gradients in the Keras orientation and gate order, with the single-bias gradient equal to dbias_ih', () => {
    const model = fixtureModel(FIXTURES.find((f) => f.cell === 'gru')!);
    const p = model.params;
    const grads = backward(p, forward(p, [1, 2, 3]), 0).params;
    const keras = gradsToFile(p, grads, 'keras') as Json;
    const torch = gradsToFile(p, grads, 'pytorch') as Json;
    const H = p.hiddenSize;
    const kerasBlockOf = [1, 0, 2]; // our r, z, n sit in Keras blocks 1, 0, 2
    for (let b = 0; b < 3; b++) {
      for (let j = 0; j < H; j++) {
        const ours = b * H + j;
        const theirs = kerasBlockOf[b] * H + j;
        for (let d = 0; d < p.inputSize; d++) expect(keras.weights.kernel[d][theirs]).toBe(torch.weights.weight_ih[ours][d]);
        for (let k = 0; k < H; k++) expect(keras.weights.recurrent_kernel[k][theirs]).toBe(torch.weights.weight_hh[ours][k]);
        expect(keras.weights.bias[0][theirs]).toBe(torch.weights.bias_ih[ours]);
        expect(keras.weights.bias[1][theirs]).toBe(torch.weights.bias_hh[ours]);
      }
    }
    expect(keras.head.kernel[2][1]).toBe(torch.head.weight[1][2]);
    expect(Object.keys(keras.head)).toEqual(['kernel', 'bias']);

    const lstm = fixtureModel(FIXTURES.find((f) => f.cell === 'lstm')!).params;
    const lstmGrads = backward(lstm, forward(lstm, [4, 5]), 1).params;
    expect((gradsToFile(lstm, lstmGrads, 'keras') as Json).weights.bias).toEqual(Array.from(lstmGrads.biasIh));
    expect(Array.from(lstmGrads.biasIh)).toEqual(Array.from(lstmGrads.biasHh));
  });
});

describe('rejecting bad model files', () => {
  it.each(BAD_CASES)('rejects $what, naming $field', ({ field, message, file, edit, value }) => {
    const input = value !== undefined ? value : edited(file ?? 'lstm-pytorch.json', edit!);
    const err = errorOf(() => parseModelJson(input));
    expect(err.field).toBe(field);
    expect(err.message).toMatch(message);
    expect(err.message.startsWith(`${field}: `)).toBe(true);
    expect(err.message).not.toMatch(/\n/);
  });

  it('reports text that is not JSON under the field (json)', () => {
    const err = errorOf(() => parseModelText('{"format": "gatescope/model@1",'));
    expect(err.field).toBe('(json)');
    expect(err.message).toMatch(/^\(json\): not valid JSON: /);
  });

  it('reports a number too large for float64 in the text as not finite, with its path', () => {
    const text = readFileSync(join(FIXTURE_DIR, 'rnn-pytorch.json'), 'utf8').replace(/("embedding": \[\s*\[)[^,]+,/, '$1 1e999,');
    expect(text).toContain('[ 1e999,');
    const err = errorOf(() => parseModelText(text));
    expect(err.field).toBe('embedding[0][0]');
    expect(err.message).toMatch(/found Infinity/);
  });

  it('does not let __proto__ keys in the text pollute prototypes or stand in for fields', () => {
    const good = readFileSync(join(FIXTURE_DIR, 'lstm-pytorch.json'), 'utf8');
    const topLevel = good.replace('{\n', '{\n  "__proto__": {"polluted": true, "cell": "gru"},\n');
    const model = parseModelText(topLevel);
    expect(model.params.cell).toBe('lstm');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.getPrototypeOf(model)).toBe(Object.prototype);

    // A field supplied only through the prototype chain does not count as present.
    const noCell = JSON.parse(good);
    delete noCell.cell;
    expect(errorOf(() => parseModelJson(Object.assign(Object.create({ cell: 'lstm' }), noCell))).field).toBe('cell');

    const inWeights = good.replace('"weights": {\n', '"weights": {\n    "__proto__": {"polluted": true},\n');
    expect(errorOf(() => parseModelText(inWeights)).field).toBe('weights.__proto__');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('accepts vocabulary entries and labels named like object properties', () => {
    const file = edited('lstm-pytorch.json', (f) => {
      f.tokenizer.vocab[3] = '__proto__';
      f.tokenizer.vocab[4] = 'constructor';
      f.head.labels = ['__proto__', 'toString'];
    });
    const model = parseModelJson(file);
    expect(model.tokenizer.vocab[3]).toBe('__proto__');
    expect(model.labels).toEqual(['__proto__', 'toString']);
  });
});

/** Every path to a value inside `value`, for mutation fuzzing. */
function pathsOf(value: Json, prefix: (string | number)[] = [], out: (string | number)[][] = []): (string | number)[][] {
  out.push(prefix);
  if (Array.isArray(value)) value.forEach((v, i) => pathsOf(v, [...prefix, i], out));
  else if (typeof value === 'object' && value !== null) for (const k of Object.keys(value)) pathsOf(value[k], [...prefix, k], out);
  return out;
}

function expectModelOrFileError(value: unknown): void {
  let model: Model | undefined;
  try {
    model = parseModelJson(value);
  } catch (err) {
    expect(err).toBeInstanceOf(ModelFileError);
    expect((err as Error).message).not.toMatch(/\n/);
    return;
  }
  const p: ModelParams = model.params;
  for (const key of PARAM_KEYS) for (const v of p[key]) expect(Number.isFinite(v)).toBe(true);
}

describe('model file fuzzing', () => {
  it('either returns a model or throws a ModelFileError for any JSON value', () => {
    fc.assert(fc.property(fc.jsonValue(), expectModelOrFileError), { numRuns: 500 });
  });

  it('either returns a model or throws a ModelFileError when any part of a valid file is replaced or removed', () => {
    const files = FIXTURES.map((f) => loadFixture(f.file));
    const paths = files.map((f) => pathsOf(f).slice(1));
    fc.assert(fc.property(
      fc.nat({ max: files.length - 1 }), fc.nat(), fc.option(fc.jsonValue({ maxDepth: 2 }), { nil: undefined }),
      (which, at, replacement) => {
        const copy = structuredClone(files[which]);
        const path = paths[which][at % paths[which].length];
        let parent = copy;
        for (const key of path.slice(0, -1)) parent = parent[key];
        const last = path[path.length - 1];
        if (replacement === undefined) {
          if (Array.isArray(parent)) parent.splice(last as number, 1);
          else delete parent[last];
        } else {
          parent[last] = replacement;
        }
        expectModelOrFileError(copy);
      },
    ), { numRuns: 600 });
  });
});

describe('gatescope/model@2 files', () => {
  const stacked = (file: string, N: number) => stackFixture(loadFixture(file), N);

  it('reads the pytorch _l{k} keys of a stacked file into a list of layers, bottom first', () => {
    const file = stacked('lstm-pytorch.json', 3);
    const { model, weightsForm } = parseModelFile(file);
    expect(weightsForm).toBe('stack');
    expect(numLayers(model.params)).toBe(3);
    const stack = layerStack(model.params);
    expect(Array.from(stack[0].weightIh)).toEqual(file.weights.weight_ih_l0.flat());
    expect(Array.from(stack[2].weightIh)).toEqual(file.weights.weight_ih_l2.flat());
    expect(Array.from(stack[1].biasHh)).toEqual(file.weights.bias_hh_l1);
    expect(model.params.predicts).toBeUndefined();
  });

  it('reads a keras array of layers to the same parameters as the pytorch names of the same weights', () => {
    const torch = parseModelJson(stacked('gru-keras.json', 1)).params;
    const keras = parseModelJson(stacked('gru-keras.json', 2));
    expect(numLayers(keras.params)).toBe(2);
    // Layer 0 is the fixture's; written out as pytorch and read back, every layer is unchanged.
    expect(Array.from(layerStack(keras.params)[0].weightHh)).toEqual(Array.from(torch.weightHh));
    const back = parseModelJson(JSON.parse(JSON.stringify(modelToFile(keras, 'pytorch'))));
    layerStack(back.params).forEach((w, k) => {
      const src = layerStack(keras.params)[k];
      expect(Array.from(w.weightIh)).toEqual(Array.from(src.weightIh));
      expect(Array.from(w.biasIh)).toEqual(Array.from(src.biasIh));
    });
  });

  it('accepts the unsuffixed names and a single keras object when numLayers is 1 or left out', () => {
    const v1 = parseModelJson(loadFixture('lstm-pytorch.json')).params;
    const plain = parseModelFile({ ...loadFixture('lstm-pytorch.json'), format: 'gatescope/model@2' });
    expect(plain.weightsForm).toBe('single');
    expect(Array.from(plain.model.params.weightHh)).toEqual(Array.from(v1.weightHh));
    const keras = parseModelFile({ ...loadFixture('gru-keras.json'), format: 'gatescope/model@2', numLayers: 1 });
    expect(numLayers(keras.model.params)).toBe(1);
    expect(parseModelFile(stacked('lstm-pytorch.json', 1)).weightsForm).toBe('stack');
  });

  it('reads a next-token head without labels, its outputs named by the vocabulary', () => {
    const file = nextTokenFixture(loadFixture('rnn-pytorch.json'));
    const model = parseModelJson(file);
    expect(model.params.predicts).toBe('next-token');
    expect(model.params.numClasses).toBe(file.tokenizer.vocab.length);
    expect(model.labels).toEqual(file.tokenizer.vocab);
  });

  it('keeps an optional example sentence in @1 and @2 files', () => {
    expect(parseModelJson({ ...loadFixture('lstm-pytorch.json'), example: 'not bad at all' }).example).toBe('not bad at all');
    expect(parseModelJson({ ...stacked('lstm-pytorch.json', 2), example: 'fine' }).example).toBe('fine');
    expect(parseModelJson(loadFixture('lstm-pytorch.json')).example).toBeUndefined();
  });

  it('writes @2 for a stack or a next-token head and reads it back unchanged, @1 for one layer with labels', () => {
    for (const layout of ['pytorch', 'keras'] as const) {
      const model = parseModelJson({ ...stacked('lstm-pytorch.json', 2), example: 'an example' });
      const file = JSON.parse(JSON.stringify(modelToFile(model, layout)));
      expect(file.format).toBe('gatescope/model@2');
      expect(file.numLayers).toBe(2);
      expect(file.example).toBe('an example');
      if (layout === 'keras') expect(file.weights.length).toBe(2);
      else expect(Object.keys(file.weights)).toEqual(['weight_ih_l0', 'weight_hh_l0', 'bias_ih_l0', 'bias_hh_l0', 'weight_ih_l1', 'weight_hh_l1', 'bias_ih_l1', 'bias_hh_l1']);
      const back = parseModelJson(file);
      const ids = [1, 2, 3, 4];
      const a = forward(back.params, ids).logits;
      const b = forward(model.params, ids).logits;
      // Keras keeps one bias, b_ih + b_hh, which rounds once more; pytorch is exact.
      if (layout === 'pytorch') expect(Array.from(a)).toEqual(Array.from(b));
      else a.forEach((v, k) => expect(Math.abs(v - b[k])).toBeLessThan(1e-14));
    }
    const lm = parseModelJson(nextTokenFixture(loadFixture('rnn-pytorch.json')));
    const lmFile = JSON.parse(JSON.stringify(modelToFile(lm, 'pytorch')));
    expect(lmFile.format).toBe('gatescope/model@2');
    expect(lmFile.head.predicts).toBe('next-token');
    expect(lmFile.head.labels).toBeUndefined();
    expect(parseModelJson(lmFile).params.predicts).toBe('next-token');
    expect(modelToFile(parseModelJson(loadFixture('lstm-pytorch.json')), 'pytorch').format).toBe(MODEL_FORMAT);
  });
});
