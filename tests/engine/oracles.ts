// Oracles and fixtures shared by the engine tests: independent of the code under test.
import { initParams } from '../../src/engine/init';
import { createRng } from '../../src/engine/random';
import type { CellKind, ModelParams } from '../../src/engine/types';

export const PARAM_KEYS = ['weightIh', 'weightHh', 'biasIh', 'biasHh', 'embedding', 'headWeight', 'headBias'] as const;

/** A small model with every parameter (biases included) random and non-zero. */
export function randomModel(cell: CellKind, seed: number, sizes = { D: 3, H: 4, V: 6, K: 3 }, scale = 0.8): ModelParams {
  const p = initParams({ cell, inputSize: sizes.D, hiddenSize: sizes.H, vocabSize: sizes.V, numClasses: sizes.K, seed });
  const rng = createRng(seed + 1000);
  for (const k of PARAM_KEYS) for (let n = 0; n < p[k].length; n++) p[k][n] = rng.uniform(-scale, scale);
  return p;
}

/** All eigenvalues of the symmetric n x n matrix A (row arrays, overwritten) by cyclic Jacobi rotations. */
export function jacobiEigenvalues(A: number[][]): number[] {
  const n = A.length;
  for (let sweep = 0; sweep < 100; sweep++) {
    let off = 0;
    let diag = 0;
    for (let p = 0; p < n; p++) {
      diag += A[p][p] ** 2;
      for (let q = p + 1; q < n; q++) off += A[p][q] ** 2;
    }
    if (off <= 1e-32 * diag || off === 0) break;
    for (let p = 0; p < n; p++) {
      for (let q = p + 1; q < n; q++) {
        if (A[p][q] === 0) continue;
        const theta = (A[q][q] - A[p][p]) / (2 * A[p][q]);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let k = 0; k < n; k++) {
          const akp = A[k][p];
          const akq = A[k][q];
          A[k][p] = c * akp - s * akq;
          A[k][q] = s * akp + c * akq;
        }
        for (let k = 0; k < n; k++) {
          const apk = A[p][k];
          const aqk = A[q][k];
          A[p][k] = c * apk - s * aqk;
          A[q][k] = s * apk + c * aqk;
        }
      }
    }
  }
  return A.map((row, k) => row[k]);
}
