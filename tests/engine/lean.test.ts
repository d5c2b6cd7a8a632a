import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { backward } from '../../src/engine/backward';
import { createInputProjections, forward, type InputProjections } from '../../src/engine/forward';
import { cloneParams, withKnobs } from '../../src/engine/init';
import { createRng } from '../../src/engine/random';
import { CELL_KINDS, type CellKind, type ForwardTrace, type ModelParams, type StateGrads } from '../../src/engine/types';
import { naiveRun } from './naive';
import { PARAM_KEYS, randomModel } from './oracles';

/** gemmAdd's blocks of 8 need D >= 8: a model wide enough to reach them and their remainder. */
const leanModel = (cell: CellKind, seed: number, sizes = { D: 11, H: 5, V: 9, K: 3 }, scale = 0.8): ModelParams => randomModel(cell, seed, sizes, scale);

/** Every array of the trace as plain numbers, for exact comparison. */
function traceNumbers(tr: ForwardTrace): Record<string, number[] | number> {
  return {
    ids: Array.from(tr.ids),
    x: Array.from(tr.x),
    h: Array.from(tr.h),
    c: tr.c ? Array.from(tr.c) : [],
    gates: Array.from(tr.gates),
    hn: tr.hn ? Array.from(tr.hn) : [],
    logitsPerStep: Array.from(tr.logitsPerStep),
    probsPerStep: Array.from(tr.probsPerStep),
    predicted: tr.predicted,
  };
}

function gradNumbers(g: StateGrads): Record<string, number[] | number> {
  return {
    target: g.target,
    loss: g.loss,
    dh: Array.from(g.dh),
    dc: g.dc ? Array.from(g.dc) : [],
    dx: Array.from(g.dx),
    dhNorm: Array.from(g.dhNorm),
    dcNorm: g.dcNorm ? Array.from(g.dcNorm) : [],
    dxNorm: Array.from(g.dxNorm),
  };
}

/** Forward with the cache must equal the uncached forward (itself checked against naive.ts) bit for bit. */
function expectCachedEqualsUncached(p: ModelParams, ids: number[], cache: InputProjections): void {
  expect(traceNumbers(forward(p, ids, { inputProjections: cache }))).toEqual(traceNumbers(forward(p, ids)));
}

describe('backward without parameter gradients', () => {
  it.each(CELL_KINDS)('gives the %s cell the same dL/dh, dL/dc, dL/dx and norms as the full pass, and no parameter gradients', (cell) => {
    const p = leanModel(cell, 3);
    const ids = [1, 4, 0, 5, 2, 2, 8, 7, 3];
    const tr = forward(p, ids);
    const full = backward(p, tr, 2);
    const lean = backward(p, tr, 2, { paramGrads: false });
    expect(gradNumbers(lean)).toEqual(gradNumbers(full));
    expect('params' in lean).toBe(false);
    expect(Object.keys(full.params).sort()).toEqual([...PARAM_KEYS].sort());
    // paramGrads: true is the default.
    expect(gradNumbers(backward(p, tr, 2, { paramGrads: true }))).toEqual(gradNumbers(full));
  });

  it.each(CELL_KINDS)('gives the %s cell dL/dx_t within 1e-6 of central differences on the embedding row fed at step t', (cell) => {
    const p = leanModel(cell, 4);
    // Distinct ids: the embedding row of ids[t] is x_t and nothing else.
    const ids = [3, 0, 7, 5, 1];
    const target = 1;
    const lean = backward(p, forward(p, ids), target, { paramGrads: false });
    const D = p.inputSize;
    const eps = 1e-5;
    for (let t = 0; t < ids.length; t++) {
      for (let d = 0; d < D; d++) {
        const n = ids[t] * D + d;
        const keep = p.embedding[n];
        p.embedding[n] = keep + eps;
        const up = naiveRun(p, ids, target).loss;
        p.embedding[n] = keep - eps;
        const down = naiveRun(p, ids, target).loss;
        p.embedding[n] = keep;
        const fd = (up - down) / (2 * eps);
        expect(Math.abs(fd - lean.dx[t * D + d]) / Math.max(Math.abs(fd), 1e-3)).toBeLessThan(1e-6);
      }
    }
  });
});

describe('input gradients formed on read', () => {
  it.each(CELL_KINDS)('gives the %s cell the dL/dx and norms of an eager pass, even after later passes reuse the scratch', (cell) => {
    const p = leanModel(cell, 5);
    const ids = [2, 6, 1, 1, 4, 0, 3];
    const tr = forward(p, ids);
    const onRead = backward(p, tr, 1, { paramGrads: false, inputGrads: 'on-read' });
    // Two more passes (another sentence, another target) overwrite the backward's scratch buffers.
    backward(p, forward(p, [5, 5, 2]), 0, { paramGrads: false });
    backward(p, forward(p, [7, 3, 3, 3, 1, 0, 2, 2, 6]), 2, { paramGrads: false, inputGrads: 'on-read' });
    const eager = backward(p, tr, 1, { paramGrads: false });
    expect(Array.from(onRead.dhNorm)).toEqual(Array.from(eager.dhNorm));
    expect(Array.from(onRead.dx)).toEqual(Array.from(eager.dx));
    expect(Array.from(onRead.dxNorm)).toEqual(Array.from(eager.dxNorm));
    // Read twice, the same arrays.
    expect(onRead.dx).toBe(onRead.dx);
    expect(gradNumbers(onRead)).toEqual(gradNumbers(eager));
  });
});

describe('the input projection cache and the continued pass', () => {
  it.each(CELL_KINDS)('gives the %s cell the same trace as no cache for every length, as words change at the start and the end', (cell) => {
    const p = leanModel(cell, 5);
    const cache = createInputProjections();
    const rng = createRng(9);
    let ids = [2, 6, 1];
    // One cache across every edit: rows computed for one length are reused at other positions and lengths.
    for (let edit = 0; edit < 40; edit++) {
      const kind = edit % 4;
      if (kind === 0) ids = [...ids, rng.int(p.vocabSize)];
      else if (kind === 1) ids = [rng.int(p.vocabSize), ...ids.slice(1)];
      else if (kind === 2) ids = [...ids.slice(0, -1), rng.int(p.vocabSize)];
      else if (ids.length > 1 && edit % 8 === 3) ids = ids.slice(1);
      expectCachedEqualsUncached(p, ids, cache);
    }
  });

  it('matches the naive implementation within 1e-12', () => {
    const p = leanModel('lstm', 6);
    const cache = createInputProjections();
    const ids = [1, 4, 0, 5, 2, 2, 7];
    forward(p, [4, 4, 1, 5, 0, 8], { inputProjections: cache });
    const tr = forward(p, ids, { inputProjections: cache });
    const ref = naiveRun(p, ids, 0);
    const H = p.hiddenSize;
    for (let t = 0; t < ids.length; t++) {
      for (let j = 0; j < H; j++) expect(Math.abs(tr.h[t * H + j] - ref.h[t][j])).toBeLessThan(1e-12);
    }
  });

  it('follows a forget-bias knob change and back, with one cache for every knob setting', () => {
    const base = leanModel('lstm', 7);
    const cache = createInputProjections();
    const ids = [1, 2, 3, 4, 5, 6];
    for (const knobs of [
      { recurrentScale: 1, forgetBias: 0 },
      { recurrentScale: 1, forgetBias: 2.5 },
      { recurrentScale: 0.5, forgetBias: 2.5 },
      { recurrentScale: 0.5, forgetBias: -1 },
      { recurrentScale: 1, forgetBias: 0 },
    ]) {
      expectCachedEqualsUncached(withKnobs(base, knobs), ids, cache);
    }
  });

  it('starts afresh when the parameters object is replaced or b_ih is changed in place', () => {
    const p = leanModel('gru', 8);
    const cache = createInputProjections();
    const ids = [0, 3, 3, 8, 1];
    expectCachedEqualsUncached(p, ids, cache);
    // New arrays with other numbers (what training hands the visualizer).
    const q = cloneParams(p);
    for (let n = 0; n < q.weightIh.length; n++) q.weightIh[n] *= 1.5;
    for (let n = 0; n < q.embedding.length; n++) q.embedding[n] -= 0.25;
    expectCachedEqualsUncached(q, ids, cache);
    // The same model again, then a bias changed in place.
    expectCachedEqualsUncached(p, ids, cache);
    p.biasIh[2] += 1;
    expectCachedEqualsUncached(p, ids, cache);
  });

  it.each(CELL_KINDS)('continues an earlier %s pass from the first changed token with the numbers of a fresh pass', (cell) => {
    const p = leanModel(cell, 10);
    const rng = createRng(11);
    let ids = [3, 1, 4, 1, 5, 0, 2];
    let prior = forward(p, ids);
    for (let edit = 0; edit < 40; edit++) {
      const at = rng.int(ids.length + 1);
      const kind = rng.int(3);
      // Replace, insert or delete one token anywhere (never emptying the sentence).
      if (kind === 0 && at < ids.length) ids = ids.map((v, t) => (t === at ? rng.int(p.vocabSize) : v));
      else if (kind === 1 || ids.length === 1) ids = [...ids.slice(0, at), rng.int(p.vocabSize), ...ids.slice(at)];
      else ids = ids.filter((_, t) => t !== Math.min(at, ids.length - 1));
      const next = forward(p, ids, { prior: { params: p, trace: prior } });
      expect(traceNumbers(next)).toEqual(traceNumbers(forward(p, ids)));
      prior = next;
    }
  });

  it('ignores an earlier pass of another parameters object, even one with the same arrays but other knobs', () => {
    const base = leanModel('lstm', 12);
    const ids = [1, 2, 3, 4, 5];
    const a = withKnobs(base, { recurrentScale: 1, forgetBias: 0 });
    const b = withKnobs(base, { recurrentScale: 2, forgetBias: 1 });
    const priorA = forward(a, ids);
    const fromWrongPrior = forward(b, ids, { prior: { params: a, trace: priorA } });
    expect(traceNumbers(fromWrongPrior)).toEqual(traceNumbers(forward(b, ids)));
    expect(Array.from(fromWrongPrior.h)).not.toEqual(Array.from(priorA.h));
  });

  it('keeps the same numbers for random sizes, lengths and edits, with the cache and an earlier pass together', () => {
    fc.assert(
      fc.property(
        fc.constantFrom<CellKind>('rnn', 'lstm', 'gru'),
        fc.integer({ min: 1, max: 6 }),
        fc.integer({ min: 1, max: 20 }),
        fc.integer({ min: 1, max: 12 }),
        fc.array(fc.array(fc.nat(), { minLength: 1, maxLength: 14 }), { minLength: 1, maxLength: 4 }),
        fc.integer({ min: 0, max: 1e6 }),
        (cell, H, D, V, sequences, seed) => {
          const p = leanModel(cell, seed, { D, H, V, K: 2 });
          const cache = createInputProjections();
          let prior: ForwardTrace | null = null;
          for (const seq of sequences) {
            const ids = seq.map((v) => v % V);
            const cached = forward(p, ids, { inputProjections: cache, prior: prior ? { params: p, trace: prior } : undefined });
            const plain = forward(p, ids);
            expect(traceNumbers(cached)).toEqual(traceNumbers(plain));
            const target = seed % 2;
            expect(gradNumbers(backward(p, cached, target, { paramGrads: false }))).toEqual(gradNumbers(backward(p, plain, target)));
            prior = cached;
          }
        },
      ),
      { numRuns: 80, seed: 20261122 },
    );
  });
});
