// The fast forward (forward.ts with the cell descriptors) against the plain reference forward
// (reference.ts), the oracle: the same maths, so the same numbers up to rounding.
import { describe, expect, it } from 'vitest';
import { forward } from '../../src/engine/forward';
import { referenceForward, softmax } from '../../src/engine/reference';
import { createRng } from '../../src/engine/random';
import { CELL_KINDS, GATE_NAMES, type CellKind } from '../../src/engine/types';
import { randomModel } from './oracles';

/** |a - b| relative to the larger magnitude, and absolute below 1. */
function err(a: number, b: number): number {
  return Math.abs(a - b) / Math.max(1, Math.abs(a), Math.abs(b));
}

/** The largest err between the fast trace and the reference over h, c, every gate and the head. */
function worstError(cell: CellKind, H: number, T: number, seed: number, scale: number): number {
  const D = 5;
  const V = 11;
  const K = 3;
  const p = randomModel(cell, seed, { D, H, V, K }, scale);
  const rng = createRng(seed + 7);
  const ids = Array.from({ length: T }, () => Math.floor(rng.uniform(0, V)));
  const fast = forward(p, ids);
  const ref = referenceForward(p, ids);
  const names = GATE_NAMES[cell];
  const G = names.length;
  let worst = 0;
  const see = (a: number, b: number) => {
    // NaN fails the comparison below too.
    const e = err(a, b);
    worst = e > worst || e !== e ? e : worst;
  };
  expect(ref.h.length).toBe(T);
  expect(ref.c === null).toBe(fast.c === null);
  for (let t = 0; t < T; t++) {
    for (let j = 0; j < H; j++) {
      see(fast.h[t * H + j], ref.h[t][j]);
      if (fast.c && ref.c) see(fast.c[t * H + j], ref.c[t][j]);
      names.forEach((name, b) => see(fast.gates[t * G * H + b * H + j], ref.gates[t][name][j]));
    }
    expect(Object.keys(ref.gates[t])).toEqual([...names]);
    for (let k = 0; k < K; k++) {
      see(fast.logitsPerStep[t * K + k], ref.logitsPerStep[t][k]);
      see(fast.probsPerStep[t * K + k], ref.probsPerStep[t][k]);
    }
  }
  for (let k = 0; k < K; k++) see(fast.probs[k], ref.probsPerStep[T - 1][k]);
  return worst;
}

describe('the fast forward against the plain reference forward', () => {
  for (const cell of CELL_KINDS) {
    it(`matches the reference for the ${cell} cell at H not a multiple of 8 (13)`, () => {
      expect(worstError(cell, 13, 9, 3, 0.8)).toBeLessThan(1e-12);
    });

    it(`matches the reference for the ${cell} cell on a single step (T = 1)`, () => {
      expect(worstError(cell, 16, 1, 4, 0.8)).toBeLessThan(1e-12);
      expect(worstError(cell, 1, 1, 5, 0.8)).toBeLessThan(1e-12);
    });

    it(`matches the reference for the ${cell} cell over a long sequence (T = 300, H = 24)`, () => {
      expect(worstError(cell, 24, 300, 6, 0.3)).toBeLessThan(1e-12);
    });

    it(`matches the reference for the ${cell} cell on random sizes and lengths`, () => {
      const rng = createRng(40 + CELL_KINDS.indexOf(cell));
      for (let trial = 0; trial < 6; trial++) {
        const H = 1 + Math.floor(rng.uniform(0, 40));
        const T = 1 + Math.floor(rng.uniform(0, 30));
        expect(worstError(cell, H, T, 100 + trial, 0.6)).toBeLessThan(1e-12);
      }
    });
  }

  it('gives the reference LSTM the hand-computed step of the equations', () => {
    // H = 1, D = 1, every weight 0.5 and every bias 0: each gate's pre-activation is 0.5 x + 0.5 h.
    const p = randomModel('lstm', 1, { D: 1, H: 1, V: 1, K: 2 });
    for (const a of [p.weightIh, p.weightHh, p.embedding]) a.fill(0.5);
    for (const a of [p.biasIh, p.biasHh, p.headBias]) a.fill(0);
    p.headWeight.set([1, -1]);
    const ref = referenceForward(p, [0, 0]);
    // Step 0: x = 0.5, h = c = 0, so every pre-activation is 0.25.
    const s = 1 / (1 + Math.exp(-0.25));
    const g = Math.tanh(0.25);
    const c0 = s * g;
    const h0 = s * Math.tanh(c0);
    expect(ref.c![0][0]).toBeCloseTo(c0, 15);
    expect(ref.h[0][0]).toBeCloseTo(h0, 15);
    // Step 1: pre-activations 0.25 + 0.5 h0; the cell keeps f * c0 and writes i * g.
    const a = 0.25 + 0.5 * h0;
    const s1 = 1 / (1 + Math.exp(-a));
    const c1 = s1 * c0 + s1 * Math.tanh(a);
    expect(ref.c![1][0]).toBeCloseTo(c1, 15);
    expect(ref.h[1][0]).toBeCloseTo(s1 * Math.tanh(c1), 15);
    expect(ref.logitsPerStep[1]).toEqual([ref.h[1][0], -ref.h[1][0]]);
  });

  it('gives a softmax that sums to 1 and does not overflow on large logits', () => {
    const p = softmax([1000, 1000, 0]);
    expect(p[0]).toBeCloseTo(0.5, 15);
    expect(p[2]).toBe(0);
  });
});
