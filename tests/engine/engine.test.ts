import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { backward } from '../../src/engine/backward';
import { forward } from '../../src/engine/forward';
import { initParams, withKnobs } from '../../src/engine/init';
import { jacobianNorms, stepJacobian } from '../../src/engine/jacobian';
import { createRng } from '../../src/engine/random';
import { CELL_KINDS, type CellKind, type ModelParams } from '../../src/engine/types';
import { naiveRun } from './naive';
import { PARAM_KEYS, jacobiEigenvalues, randomModel } from './oracles';

function relErr(a: number, b: number): number {
  const d = Math.abs(a - b);
  return d === 0 ? 0 : d / Math.max(Math.abs(a), Math.abs(b), 1e-7);
}

describe('forward pass', () => {
  it.each(CELL_KINDS)('matches an independent naive implementation for the %s cell', (cell) => {
    const p = randomModel(cell, 7);
    const ids = [1, 4, 0, 5, 2, 2];
    const tr = forward(p, ids);
    const ref = naiveRun(p, ids, 0);
    for (let t = 0; t < ids.length; t++) {
      for (let j = 0; j < p.hiddenSize; j++) {
        expect(relErr(tr.h[t * p.hiddenSize + j], ref.h[t][j])).toBeLessThan(1e-12);
        if (cell === 'lstm') expect(relErr(tr.c![t * p.hiddenSize + j], ref.c[t][j])).toBeLessThan(1e-12);
      }
    }
    ref.logits.forEach((l, k) => expect(relErr(tr.logits[k], l)).toBeLessThan(1e-12));
  });

  it('computes two LSTM steps equal to a hand computation', () => {
    // D = 2, H = 1. Rows of W_ih are the gates i, f, g, o.
    const p: ModelParams = {
      cell: 'lstm', inputSize: 2, hiddenSize: 1, vocabSize: 2, numClasses: 2,
      weightIh: Float64Array.from([0.1, 0.2, 0.3, -0.1, -0.2, 0.4, 0.5, 0.5]),
      weightHh: Float64Array.from([0.5, -0.5, 0.3, 0.2]),
      biasIh: Float64Array.from([0.05, 1.0, 0.0, -0.1]),
      biasHh: Float64Array.from([0.0, 0.0, 0.1, 0.0]),
      embedding: Float64Array.from([0.5, -1.0, 1.0, 0.0]),
      headWeight: Float64Array.from([1, -1]),
      headBias: Float64Array.from([0, 0]),
    };
    const tr = forward(p, [0, 1]);
    // Step 1, x = (0.5, -1), h0 = c0 = 0. Pre-activations:
    //   i: 0.1*0.5 + 0.2*-1 + 0.05 = -0.1      -> sigma = 0.47502081252106
    //   f: 0.3*0.5 - 0.1*-1 + 1.0 = 1.25       -> sigma = 0.7772998611746911
    //   g: -0.2*0.5 + 0.4*-1 + 0.1 = -0.4      -> tanh  = -0.3799489622552249
    //   o: 0.5*0.5 + 0.5*-1 - 0.1 = -0.35      -> sigma = 0.41338242108267
    //   c1 = 0.7773*0 + 0.47502*-0.37995 = -0.18048366476701047
    //   h1 = 0.41338 * tanh(c1) = -0.07380908162552725
    expect(tr.gates[0]).toBeCloseTo(0.47502081252106, 14);
    expect(tr.gates[1]).toBeCloseTo(0.7772998611746911, 14);
    expect(tr.gates[2]).toBeCloseTo(-0.3799489622552249, 14);
    expect(tr.gates[3]).toBeCloseTo(0.41338242108267, 14);
    expect(tr.c![0]).toBeCloseTo(-0.18048366476701047, 14);
    expect(tr.h[0]).toBeCloseTo(-0.07380908162552725, 14);
    // Step 2, x = (1, 0), adds W_hh * h1: i pre = 0.1 + 0.05 + 0.5*h1 = 0.1130954591872364, etc.
    //   c2 = f2*c1 + i2*g2 = 0.79198*-0.18048 + 0.52824*-0.12154 = -0.20714170689323314
    //   h2 = o2 * tanh(c2) = 0.59514 * tanh(-0.20714) = -0.12154402051285912
    expect(tr.gates[4]).toBeCloseTo(0.5282437666925136, 14);
    expect(tr.gates[5]).toBeCloseTo(0.7919804334124964, 14);
    expect(tr.gates[6]).toBeCloseTo(-0.12153891800592145, 14);
    expect(tr.gates[7]).toBeCloseTo(0.5951358653244319, 14);
    expect(tr.c![1]).toBeCloseTo(-0.20714170689323314, 14);
    expect(tr.h[1]).toBeCloseTo(-0.12154402051285912, 14);
  });

  it('rejects token ids outside the vocabulary with a message naming the position', () => {
    const p = randomModel('lstm', 1);
    expect(() => forward(p, [0, 9])).toThrow(/ids\[1\].*\[0, 6\).*9/);
    expect(() => forward(p, [])).toThrow(/empty/);
  });

  it('gives probabilities after every prefix that sum to one', () => {
    const p = randomModel('gru', 3);
    const tr = forward(p, [1, 2, 3]);
    for (let t = 0; t < 3; t++) {
      const s = tr.probsPerStep[t * 3] + tr.probsPerStep[t * 3 + 1] + tr.probsPerStep[t * 3 + 2];
      expect(s).toBeCloseTo(1, 14);
    }
  });
});

describe('backpropagation through time', () => {
  const ids = [1, 4, 0, 5, 2, 3];
  const target = 2;
  // Central differences: truncation error ~eps^2, rounding ~1e-16/eps; errors are relative to
  // max(|fd|, |analytic|, 1e-3), i.e. absolute below 1e-9 for entries smaller than 1e-3.
  const eps = 1e-5;

  it.each(CELL_KINDS)('gives every parameter gradient of the %s cell within 1e-6 of central finite differences', (cell) => {
    const p = randomModel(cell, 11);
    const g = backward(p, forward(p, ids), target);
    let worst = 0;
    for (const key of PARAM_KEYS) {
      const arr = p[key];
      for (let n = 0; n < arr.length; n++) {
        const keep = arr[n];
        arr[n] = keep + eps;
        const up = naiveRun(p, ids, target).loss;
        arr[n] = keep - eps;
        const down = naiveRun(p, ids, target).loss;
        arr[n] = keep;
        const fd = (up - down) / (2 * eps);
        const err = Math.abs(fd - g.params[key][n]) / Math.max(Math.abs(fd), Math.abs(g.params[key][n]), 1e-3);
        worst = Math.max(worst, err);
      }
    }
    expect(worst).toBeLessThan(1e-6);
  });

  it.each(CELL_KINDS)('gives total derivatives dL/dh_t (and dL/dc_t, dL/dx_t) of the %s cell matching finite differences', (cell) => {
    const p = randomModel(cell, 12);
    const g = backward(p, forward(p, ids), target);
    const H = p.hiddenSize;
    for (let t = 0; t < ids.length; t++) {
      for (let j = 0; j < H; j++) {
        for (const which of cell === 'lstm' ? (['h', 'c'] as const) : (['h'] as const)) {
          const up = naiveRun(p, ids, target, [{ t, which, j, delta: eps }]).loss;
          const down = naiveRun(p, ids, target, [{ t, which, j, delta: -eps }]).loss;
          const fd = (up - down) / (2 * eps);
          const got = which === 'h' ? g.dh[t * H + j] : g.dc![t * H + j];
          expect(Math.abs(fd - got) / Math.max(Math.abs(fd), 1e-3)).toBeLessThan(1e-6);
        }
      }
    }
    // ids are distinct, so dL/dx_t is the embedding gradient of row ids[t].
    const D = p.inputSize;
    for (let t = 0; t < ids.length; t++) {
      for (let d = 0; d < D; d++) expect(g.dx[t * D + d]).toBeCloseTo(g.params.embedding[ids[t] * D + d], 14);
    }
  });

  it('reports the loss as minus the log probability of the target', () => {
    const p = randomModel('lstm', 5);
    const tr = forward(p, ids);
    const g = backward(p, tr, 1);
    expect(g.loss).toBeCloseTo(-Math.log(tr.probs[1]), 12);
    expect(() => backward(p, tr, 3)).toThrow(/target/);
  });

  it('keeps vanishing RNN gradients unclamped and exact down to 1e-30 and below', () => {
    // A long sentence through a contracting RNN: dL/dh_0 = J_1^T ... J_{T-1}^T dL/dh_{T-1}, with
    // J_t = diag(1 - h_t^2) W_hh computed here from the naive reference's states.
    const H = 4;
    const p = randomModel('rnn', 21, { D: 3, H, V: 6, K: 2 }, 0.5);
    for (let n = 0; n < p.weightHh.length; n++) p.weightHh[n] *= 0.3;
    const rng = createRng(99);
    const longIds = Array.from({ length: 120 }, () => rng.int(6));
    const tr = forward(p, longIds);
    const g = backward(p, tr, 0);
    const ref = naiveRun(p, longIds, 0);
    const T = longIds.length;
    let v = Array.from(g.dh.subarray((T - 1) * H, T * H));
    const probe = [T - 1];
    for (let t = T - 1; t >= 1; t--) {
      const u = v.map((a, j) => a * (1 - ref.h[t][j] ** 2));
      const prev = new Array<number>(H).fill(0);
      for (let r = 0; r < H; r++) for (let k = 0; k < H; k++) prev[k] += p.weightHh[r * H + k] * u[r];
      v = prev;
      if (t - 1 === 0 || (t - 1) % 30 === 0) {
        const expected = Math.hypot(...v);
        expect(relErr(g.dhNorm[t - 1], expected)).toBeLessThan(1e-7);
        probe.push(t - 1);
      }
    }
    expect(g.dhNorm[0]).toBeGreaterThan(0);
    expect(g.dhNorm[0]).toBeLessThan(1e-30);
  });
});

describe('one-step Jacobian norms', () => {
  /** Largest singular value by the Jacobi eigenvalue method on J^T J (an independent oracle). */
  function spectralByJacobi(J: number[][]): number {
    const n = J.length;
    const A = Array.from({ length: n }, (_, r) => Array.from({ length: n }, (_, c) => J.reduce((s, row) => s + row[r] * row[c], 0)));
    return Math.sqrt(Math.max(...jacobiEigenvalues(A)));
  }

  it.each(CELL_KINDS)('match the spectral norm of the finite-difference Jacobian for the %s cell', (cell) => {
    const H = 4;
    const p = randomModel(cell, 31, { D: 3, H, V: 6, K: 2 }, 1.2);
    const ids = [1, 4, 0, 5, 2];
    const jn = jacobianNorms(p, forward(p, ids));
    const eps = 1e-6;
    for (let t = 1; t < ids.length; t++) {
      // Column k of dh_t/dh_{t-1}: perturb h_{t-1}[k] (c_{t-1} untouched) and watch h_t.
      const J = Array.from({ length: H }, () => new Array<number>(H).fill(0));
      for (let k = 0; k < H; k++) {
        const up = naiveRun(p, ids.slice(0, t + 1), 0, [{ t: t - 1, which: 'h', j: k, delta: eps }]).h[t];
        const dn = naiveRun(p, ids.slice(0, t + 1), 0, [{ t: t - 1, which: 'h', j: k, delta: -eps }]).h[t];
        for (let j = 0; j < H; j++) J[j][k] = (up[j] - dn[j]) / (2 * eps);
      }
      expect(relErr(jn.h[t], spectralByJacobi(J))).toBeLessThan(1e-6);
      if (cell === 'lstm') {
        let maxF = 0;
        for (let k = 0; k < H; k++) {
          const up = naiveRun(p, ids.slice(0, t + 1), 0, [{ t: t - 1, which: 'cOnly', j: k, delta: eps }]).c[t][k];
          const dn = naiveRun(p, ids.slice(0, t + 1), 0, [{ t: t - 1, which: 'cOnly', j: k, delta: -eps }]).c[t][k];
          maxF = Math.max(maxF, Math.abs((up - dn) / (2 * eps)));
        }
        expect(relErr(jn.c![t], maxF)).toBeLessThan(1e-6);
      }
    }
  });
  it('stays accurate when the top singular values cluster (orthogonal recurrent weights)', () => {
    // J_t = diag(1 - h_t^2) W_hh with W_hh orthogonal: all singular values lie between the smallest and
    // largest 1 - h^2, the hard case for iterative methods. Oracle: Jacobi on J^T J from stepJacobian
    // (whose entries the finite-difference test above checks).
    const H = 24;
    const p = initParams({ cell: 'rnn', inputSize: 3, hiddenSize: H, vocabSize: 6, numClasses: 2, seed: 4 });
    const ids = [1, 2, 3, 4, 5, 0, 1, 2];
    const tr = forward(p, ids);
    const exact = jacobianNorms(p, tr, { maxIter: H, tol: 0 });
    const quick = jacobianNorms(p, tr, { maxIter: 8 });
    const J = new Float64Array(H * H);
    for (let t = 0; t < ids.length; t++) {
      stepJacobian(p, tr, t, J);
      const rows = Array.from({ length: H }, (_, r) => Array.from(J.subarray(r * H, (r + 1) * H)));
      const oracle = spectralByJacobi(rows);
      expect(relErr(exact.h[t], oracle)).toBeLessThan(1e-9);
      // A short Lanczos run (8 of 24 dimensions) never overestimates and stays within 5%, invisible on a log axis.
      expect(quick.h[t]).toBeLessThanOrEqual(oracle * (1 + 1e-12));
      expect(relErr(quick.h[t], oracle)).toBeLessThan(5e-2);
    }
  });
});

describe('initialisation and knobs', () => {
  it('is reproducible from the seed and differs between seeds', () => {
    const a = initParams({ cell: 'gru', inputSize: 3, hiddenSize: 5, vocabSize: 7, numClasses: 2, seed: 42 });
    const b = initParams({ cell: 'gru', inputSize: 3, hiddenSize: 5, vocabSize: 7, numClasses: 2, seed: 42 });
    const c = initParams({ cell: 'gru', inputSize: 3, hiddenSize: 5, vocabSize: 7, numClasses: 2, seed: 43 });
    expect(Array.from(a.weightHh)).toEqual(Array.from(b.weightHh));
    expect(Array.from(a.weightHh)).not.toEqual(Array.from(c.weightHh));
  });

  it('makes each recurrent block orthogonal times the recurrent scale, with the forget bias set', () => {
    const H = 6;
    const p = initParams({ cell: 'lstm', inputSize: 2, hiddenSize: H, vocabSize: 3, numClasses: 2, seed: 5, recurrentScale: 0.5, forgetBias: 1 });
    for (let b = 0; b < 4; b++) {
      for (let r = 0; r < H; r++) {
        for (let s = 0; s < H; s++) {
          let dot = 0;
          for (let k = 0; k < H; k++) dot += p.weightHh[(b * H + r) * H + k] * p.weightHh[(b * H + s) * H + k];
          expect(dot).toBeCloseTo(r === s ? 0.25 : 0, 12);
        }
      }
    }
    expect(Array.from(p.biasIh.subarray(H, 2 * H))).toEqual(new Array(H).fill(1));
    expect(Array.from(p.biasIh.subarray(0, H))).toEqual(new Array(H).fill(0));
  });

  it('applies knobs to a copy: recurrent weights scaled, forget bias shifted, original untouched', () => {
    const p = randomModel('lstm', 8);
    const before = p.weightHh.slice();
    const q = withKnobs(p, { recurrentScale: 2, forgetBias: 1.5 });
    expect(Array.from(p.weightHh)).toEqual(Array.from(before));
    expect(q.weightHh[3]).toBeCloseTo(2 * p.weightHh[3], 15);
    // H = 4 here (randomModel): units 4..7 are the forget block. The knob goes to b_hf; b_ih is shared.
    expect(q.biasHh[4]).toBeCloseTo(p.biasHh[4] + 1.5, 15);
    expect(q.biasHh[0]).toBe(p.biasHh[0]);
    expect(q.biasIh).toBe(p.biasIh);
  });

  it('draws uniform numbers in [0, 1) with a mean near one half', () => {
    const rng = createRng(1);
    let s = 0;
    for (let k = 0; k < 20000; k++) {
      const u = rng.next();
      expect(u >= 0 && u < 1).toBe(true);
      s += u;
    }
    expect(Math.abs(s / 20000 - 0.5)).toBeLessThan(0.01);
  });
});

describe('properties over random models', () => {
  it('keep the gradient check and give finite traces for random sizes, lengths and weights', () => {
    fc.assert(
      fc.property(
        fc.constantFrom<CellKind>('rnn', 'lstm', 'gru'),
        fc.integer({ min: 1, max: 5 }),
        fc.integer({ min: 1, max: 4 }),
        fc.integer({ min: 2, max: 5 }),
        fc.integer({ min: 2, max: 4 }),
        fc.integer({ min: 1, max: 7 }),
        fc.integer({ min: 0, max: 1e6 }),
        fc.double({ min: 0.1, max: 1.5, noNaN: true }),
        (cell, H, D, V, K, T, seed, scale) => {
          const p = randomModel(cell, seed, { D, H, V, K }, scale);
          const rng = createRng(seed + 7);
          const ids = Array.from({ length: T }, () => rng.int(V));
          const target = rng.int(K);
          const tr = forward(p, ids);
          const g = backward(p, tr, target);
          for (const v of [...tr.h, ...g.dh, ...g.dx]) expect(Number.isFinite(v)).toBe(true);
          const eps = 1e-5;
          // A sample of entries from every parameter array.
          for (const key of PARAM_KEYS) {
            const arr = p[key];
            for (let s = 0; s < 3; s++) {
              const n = rng.int(arr.length);
              const keep = arr[n];
              arr[n] = keep + eps;
              const up = naiveRun(p, ids, target).loss;
              arr[n] = keep - eps;
              const dn = naiveRun(p, ids, target).loss;
              arr[n] = keep;
              const fd = (up - dn) / (2 * eps);
              const got = g.params[key][n];
              expect(Math.abs(fd - got) / Math.max(Math.abs(fd), Math.abs(got), 1e-3)).toBeLessThan(1e-6);
            }
          }
        },
      ),
      { numRuns: 60, seed: 20261122 },
    );
  });
});
