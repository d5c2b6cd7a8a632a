import { describe, expect, it } from 'vitest';
import { backward } from '../../src/engine/backward';
import { forward } from '../../src/engine/forward';
import { forgetProducts, productNorms } from '../../src/engine/gradientPaths';
import { CELL_KINDS, type ModelParams } from '../../src/engine/types';
import { naiveRun } from './naive';
import { jacobiEigenvalues, randomModel } from './oracles';

/** Largest singular value of the row-major n x n matrix M by Jacobi on M^T M (independent of Lanczos). */
function spectral(M: number[][]): number {
  const n = M.length;
  const A = Array.from({ length: n }, (_, r) =>
    Array.from({ length: n }, (_, c) => {
      let s = 0;
      for (let k = 0; k < n; k++) s += M[k][r] * M[k][c];
      return s;
    }),
  );
  return Math.sqrt(Math.max(0, ...jacobiEigenvalues(A)));
}

/** d h_{T-1} / d(state_t) by central differences of the plain reference run: column j perturbs h_t[j] (or c_t[j]). */
function fdBlock(p: ModelParams, ids: number[], t: number, which: 'h' | 'cOnly'): number[][] {
  const H = p.hiddenSize;
  const T = ids.length;
  const delta = 1e-6;
  const M = Array.from({ length: H }, () => new Array<number>(H).fill(0));
  for (let j = 0; j < H; j++) {
    const plus = naiveRun(p, ids, 0, [{ t, which, j, delta }]).h[T - 1];
    const minus = naiveRun(p, ids, 0, [{ t, which, j, delta: -delta }]).h[T - 1];
    for (let r = 0; r < H; r++) M[r][j] = (plus[r] - minus[r]) / (2 * delta);
  }
  return M;
}

describe('productNorms', () => {
  for (const cell of CELL_KINDS) {
    it(`equals the spectral norm of the finite-difference dh_T/dh_t (and dh_T/dc_t) for a random ${cell}`, () => {
      const p = randomModel(cell, 7, { D: 3, H: 5, V: 6, K: 3 }, 0.9);
      const ids = [1, 4, 2, 0, 5, 3, 1, 2];
      const trace = forward(p, Int32Array.from(ids));
      const norms = productNorms(p, trace);
      const T = ids.length;
      expect(norms.h[T - 1]).toBe(1);
      for (let t = 0; t < T - 1; t++) {
        const want = spectral(fdBlock(p, ids, t, 'h'));
        expect(Math.abs(norms.h[t] - want)).toBeLessThan(1e-6 * Math.max(1, want));
        if (cell === 'lstm') {
          const wantC = spectral(fdBlock(p, ids, t, 'cOnly'));
          expect(Math.abs((norms.c as Float64Array)[t] - wantC)).toBeLessThan(1e-6 * Math.max(1, wantC));
        } else expect(norms.c).toBeNull();
      }
    });
  }

  for (const cell of CELL_KINDS) {
    it(`bounds the gradient: ||dL/dh_t|| <= ||dh_T/dh_t|| ||dL/dh_T|| over 60 steps for a ${cell}`, () => {
      const p = randomModel(cell, 3, { D: 4, H: 8, V: 6, K: 3 }, 0.6);
      const ids = Int32Array.from({ length: 60 }, (_, i) => (i * 7) % 6);
      const trace = forward(p, ids);
      const g = backward(p, trace, 1, { paramGrads: false });
      const norms = productNorms(p, trace);
      const last = g.dhNorm[59];
      for (let t = 0; t < 60; t++) expect(g.dhNorm[t]).toBeLessThanOrEqual(norms.h[t] * last * (1 + 1e-9) + 1e-300);
      // A tiny product is still measured (kept scaled), not flushed to zero by the Lanczos squares.
      expect(norms.h[0]).toBeGreaterThan(0);
    });
  }
});

describe('productNorms of a stack', () => {
  for (const cell of CELL_KINDS) {
    it(`measures the top layer's own recurrence: it bounds the top layer's gradient in a 2-layer ${cell}`, () => {
      const p = randomModel(cell, 3, { D: 4, H: 8, V: 6, K: 3 }, 0.6);
      const q = randomModel(cell, 5, { D: 8, H: 8, V: 6, K: 3 }, 2.5);
      p.upperLayers = [{ weightIh: q.weightIh, weightHh: q.weightHh, biasIh: q.biasIh, biasHh: q.biasHh }];
      const ids = Int32Array.from({ length: 40 }, (_, i) => (i * 5) % 6);
      const trace = forward(p, ids);
      const g = backward(p, trace, 1, { paramGrads: false });
      const norms = productNorms(p, trace);
      const last = g.dhNorm[39];
      for (let t = 0; t < 40; t++) expect(g.dhNorm[t]).toBeLessThanOrEqual(norms.h[t] * last * (1 + 1e-9) + 1e-300);
    });
  }
});

describe('forgetProducts', () => {
  it('is the product of the forget gates after step t, per unit and the largest over units', () => {
    const p = randomModel('lstm', 11, { D: 3, H: 4, V: 6, K: 3 }, 0.9);
    const ids = [0, 1, 2, 3, 4, 5];
    const trace = forward(p, Int32Array.from(ids));
    const fp = forgetProducts(trace, 2);
    if (!fp) throw new Error('expected forget products for an lstm');
    const H = 4;
    for (let t = 0; t < 6; t++) {
      const per = Array.from({ length: H }, (_, j) => {
        let prod = 1;
        for (let k = t + 1; k < 6; k++) prod *= trace.gates[k * 4 * H + H + j];
        return prod;
      });
      expect(fp.unit[t]).toBeCloseTo(per[2], 14);
      expect(fp.max[t]).toBeCloseTo(Math.max(...per), 14);
    }
    expect(forgetProducts(forward(randomModel('gru', 1), Int32Array.from([1, 2])), 0)).toBeNull();
  });
});
