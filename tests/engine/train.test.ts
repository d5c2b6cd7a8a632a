import { describe, expect, it } from 'vitest';
import { createAdam } from '../../src/engine/adam';
import { backward } from '../../src/engine/backward';
import { forward } from '../../src/engine/forward';
import { initParams } from '../../src/engine/init';
import { createTrainer, encodeExamples, evaluateExamples, type EncodedExample } from '../../src/engine/train';
import { CELL_KINDS, type ModelParams, type ParamGrads } from '../../src/engine/types';

// A tiny task with a known answer: the label is the first token, then 3 fillers.
// ids: 1 = "a", 2 = "b", 3 = filler.
function tinyExamples(): EncodedExample[] {
  const out: EncodedExample[] = [];
  for (const first of [1, 2]) {
    for (const filler of [[3, 3, 3], [3, 1, 3], [2, 3, 1], [1, 2, 3]]) {
      out.push({ ids: Int32Array.from([first, ...filler]), label: first - 1 });
    }
  }
  return out;
}

describe('createTrainer', () => {
  for (const cell of CELL_KINDS) {
    it(`lowers the loss of a ${cell} on a tiny deterministic task`, () => {
      const params = initParams({ cell, inputSize: 3, hiddenSize: 6, vocabSize: 4, numClasses: 2, seed: 7, forgetBias: 1 });
      const examples = tinyExamples();
      const before = evaluateExamples(params, examples).loss;
      const trainer = createTrainer({ params, examples, lr: 0.05, batchSize: 4, clipNorm: 5, seed: 3 });
      for (let s = 0; s < 150; s++) trainer.step();
      const after = trainer.evaluate(examples);
      expect(before).toBeGreaterThan(0.5);
      expect(after.loss).toBeLessThan(before / 5);
      expect(after.accuracy).toBe(1);
      expect(trainer.steps).toBe(150);
    });
  }

  it('gives the same run for the same seed', () => {
    const run = (): Float64Array => {
      const params = initParams({ cell: 'gru', inputSize: 3, hiddenSize: 4, vocabSize: 4, numClasses: 2, seed: 1 });
      const trainer = createTrainer({ params, examples: tinyExamples(), lr: 0.02, batchSize: 3, seed: 5 });
      for (let s = 0; s < 10; s++) trainer.step();
      return params.weightHh;
    };
    expect(Array.from(run())).toEqual(Array.from(run()));
  });

  it('reports the mean loss of the batch before the update and moves each weight against the averaged gradient', () => {
    const params = initParams({ cell: 'lstm', inputSize: 3, hiddenSize: 4, vocabSize: 4, numClasses: 2, seed: 11 });
    const examples = tinyExamples().slice(0, 2).concat(tinyExamples().slice(4, 5));
    const start = {
      weightHh: params.weightHh.slice(),
      embedding: params.embedding.slice(),
    };
    // Independent oracle: the per-example losses and gradients of the three examples, summed by hand.
    let lossSum = 0;
    const gradSum = { weightHh: new Float64Array(params.weightHh.length), embedding: new Float64Array(params.embedding.length) };
    for (const ex of examples) {
      const trace = forward(params, ex.ids);
      lossSum += -Math.log(trace.probs[ex.label]);
      const g = backward(params, trace, ex.label).params;
      for (const k of ['weightHh', 'embedding'] as const) for (let n = 0; n < g[k].length; n++) gradSum[k][n] += g[k][n];
    }
    const lr = 0.001;
    // The batch is the whole pool, so every example is used exactly once whatever the shuffle.
    const trainer = createTrainer({ params, examples, lr, batchSize: 3, seed: 2 });
    const result = trainer.step();
    expect(result.loss).toBeCloseTo(lossSum / 3, 12);
    // Adam's first step is lr * g / (|g| + eps) per element (m^ = g, sqrt(v^) = |g|), with g the
    // mean gradient; eps = 1e-8 makes the step depend on |g| where g is small, so a sum instead of a
    // mean would show.
    let checked = 0;
    for (const k of ['weightHh', 'embedding'] as const) {
      for (let n = 0; n < gradSum[k].length; n++) {
        const mean = gradSum[k][n] / 3;
        if (Math.abs(mean) < 1e-9) continue;
        expect(params[k][n] - start[k][n]).toBeCloseTo((-lr * mean) / (Math.abs(mean) + 1e-8), 12);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(20);
  });

  it('rejects a batch size that is not a positive integer and an empty example pool', () => {
    const params = initParams({ cell: 'rnn', inputSize: 2, hiddenSize: 2, vocabSize: 4, numClasses: 2, seed: 1 });
    expect(() => createTrainer({ params, examples: tinyExamples(), lr: 0.1, batchSize: 0, seed: 1 })).toThrow(/batchSize/);
    expect(() => createTrainer({ params, examples: [], lr: 0.1, batchSize: 2, seed: 1 })).toThrow(/at least one/);
  });
});

describe('encodeExamples', () => {
  it('maps words to vocabulary ids and refuses an empty text', () => {
    const spec = { kind: 'word' as const, lowercase: true, unk: '<unk>', vocab: ['<unk>', 'not', 'good'] };
    const [e] = encodeExamples([{ text: 'Not good', label: 1 }], spec);
    expect(Array.from(e.ids)).toEqual([1, 2]);
    expect(e.label).toBe(1);
    expect(() => encodeExamples([{ text: '   ', label: 0 }], spec)).toThrow(/example 0: the text has no tokens/);
  });
});

/** A 1-unit rnn whose only parameters that matter here are the two head biases. */
function tinyParams(): ModelParams {
  const one = (v: number): Float64Array => Float64Array.from([v]);
  return {
    cell: 'rnn', inputSize: 1, hiddenSize: 1, vocabSize: 1, numClasses: 2,
    weightIh: one(0), weightHh: one(0), biasIh: one(0), biasHh: one(0), embedding: one(0),
    headWeight: Float64Array.from([0, 0]), headBias: Float64Array.from([1, -2]),
  };
}

function gradsWithHeadBias(g0: number, g1: number): ParamGrads {
  const zero = (): Float64Array => new Float64Array(1);
  return {
    weightIh: zero(), weightHh: zero(), biasIh: zero(), biasHh: zero(), embedding: zero(),
    headWeight: new Float64Array(2), headBias: Float64Array.from([g0, g1]),
  };
}

describe('one Adam step', () => {
  it('matches the formula worked by hand, with bias correction and global-norm clipping', () => {
    const params = tinyParams();
    const adam = createAdam(params, { lr: 0.1, beta1: 0.9, beta2: 0.999, eps: 1e-8, clipNorm: 1 });

    // Step 1: g = (3, 4) has norm 5 > 1, so it is scaled to (0.6, 0.8).
    //   m = 0.1 * (0.6, 0.8) = (0.06, 0.08);  v = 0.001 * (0.36, 0.64) = (0.00036, 0.00064)
    //   m^ = m / (1 - 0.9) = (0.6, 0.8);      v^ = v / (1 - 0.999) = (0.36, 0.64)
    //   p -= 0.1 * m^ / (sqrt(v^) + 1e-8)     -> each element moves by 0.1 (less 1e-8 relative)
    expect(adam.step(gradsWithHeadBias(3, 4)).gradNorm).toBeCloseTo(5, 12);
    expect(params.headBias[0]).toBeCloseTo(1 - 0.1 * 0.6 / (0.6 + 1e-8), 12);
    expect(params.headBias[1]).toBeCloseTo(-2 - 0.1 * 0.8 / (0.8 + 1e-8), 12);

    // Step 2: g = (0.5, 0) has norm 0.5 < 1, no clipping.
    //   m = 0.9 * (0.06, 0.08) + 0.1 * (0.5, 0) = (0.104, 0.072)
    //   v = 0.999 * (0.00036, 0.00064) + 0.001 * (0.25, 0) = (0.00060964, 0.00063936)
    //   m^ = m / (1 - 0.81) = m / 0.19;        v^ = v / (1 - 0.998001) = v / 0.001999
    //   step0 = 0.1 * (0.104 / 0.19) / sqrt(0.00060964 / 0.001999) = 0.1 * 0.5473684 / 0.5522432 = 0.0991173
    //   step1 = 0.1 * (0.072 / 0.19) / sqrt(0.00063936 / 0.001999) = 0.1 * 0.3789474 / 0.5655443 = 0.0670059
    const p0 = params.headBias[0];
    const p1 = params.headBias[1];
    expect(adam.step(gradsWithHeadBias(0.5, 0)).gradNorm).toBeCloseTo(0.5, 12);
    expect(p0 - params.headBias[0]).toBeCloseTo(0.0991173, 6);
    expect(p1 - params.headBias[1]).toBeCloseTo(0.0670059, 6);
    // Without the clipping in step 1, element 0 would have moved by 0.0783 instead.
    expect(Math.abs(p0 - params.headBias[0] - 0.0783)).toBeGreaterThan(0.01);
    // Parameters with zero gradient never move.
    expect(params.weightHh[0]).toBe(0);
  });
});
