import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { forward } from '../../src/engine/forward';
import { initParams } from '../../src/engine/init';
import {
  createLanczosWork,
  jacobianNorms,
  largestTridiagonalEigenvalue,
  SINGLE_TOL,
  spectralNorm,
  stepJacobian,
} from '../../src/engine/jacobian';
import { createRng } from '../../src/engine/random';
import { KERNEL32_WASM_BASE64, KERNEL_WASM_BASE64 } from '../../src/engine/wasm/kernelBytes';
import { CELL_KINDS, type CellKind, type ModelParams } from '../../src/engine/types';
import { gemvKernel, MEMORY_PAGES, paddedWidth, setWasmKernelsEnabled, type GemvKernel, type SingleKernels } from '../../src/engine/wasm/kernels';
import { jacobiEigenvalues } from './oracles';

// Every test starts with the kernels on, whatever a setup file chose; the comparisons turn them off themselves.
beforeEach(() => setWasmKernelsEnabled(true));
afterEach(() => setWasmKernelsEnabled(true));

/** The quick budget of the interactive store (src/state/store.ts), spelled out so the engine tests stand alone. */
const QUICK = { tol: 1e-4, maxIter: 7 };
const PRECISE = { tol: 1e-10, maxIter: 32 };

/** Largest singular value of the row-major n x n matrix J: Jacobi on J^T J (independent of Lanczos). */
function spectralByJacobi(J: Float64Array, n: number): number {
  const A = Array.from({ length: n }, (_, r) =>
    Array.from({ length: n }, (_, c) => {
      let s = 0;
      for (let k = 0; k < n; k++) s += J[k * n + r] * J[k * n + c];
      return s;
    }),
  );
  return Math.sqrt(Math.max(0, ...jacobiEigenvalues(A)));
}

function randomArray(n: number, seed: number, scale = 1): Float64Array {
  const rng = createRng(seed);
  return Float64Array.from({ length: n }, () => scale * rng.normal());
}

function relErr(a: number, b: number): number {
  const d = Math.abs(a - b);
  return d === 0 ? 0 : d / Math.max(Math.abs(a), Math.abs(b), 1e-300);
}

function kernel(): GemvKernel & SingleKernels {
  const k = gemvKernel();
  if (k === null || k.single === null) throw new Error('no wasm kernels');
  return { ...k, ...k.single };
}

/** Writes the row-major rows x cols matrix A into floats (f32) or doubles of mem at double offset o, row width ld, zero-padded. */
function put(k: GemvKernel & SingleKernels, A: Float64Array, rows: number, cols: number, o: number, ld: number, f32 = false): void {
  const arr = f32 ? k.mem32 : k.mem;
  const base = f32 ? 2 * o : o;
  arr.fill(0, base, base + rows * ld);
  for (let r = 0; r < rows; r++) arr.set(A.subarray(r * cols, (r + 1) * cols), base + r * ld);
}

describe('the Jacobian kernels against plain loops', () => {
  it('come in modules of at most 4 KB each, which a browser main thread compiles synchronously, and compile in Node', () => {
    for (const b64 of [KERNEL_WASM_BASE64, KERNEL32_WASM_BASE64]) expect(Buffer.from(b64, 'base64').length).toBeLessThanOrEqual(4096);
    expect(gemvKernel()?.single).toBeTruthy();
  });

  // Odd sizes, sizes not a multiple of 4 or 8, and n = 1 exercise the remainder rows and the padding.
  const sizes = [1, 2, 3, 5, 8, 13, 33, 64];

  it('computes out += W^T v (gemvT) within 1e-12', () => {
    const k = kernel();
    for (const [i, rows] of [1, 3, 4, 7, 9].entries()) {
      for (const cols of sizes) {
        const ld = paddedWidth(cols);
        const W = randomArray(rows * cols, 10 * i + cols);
        const v = randomArray(rows, 20 * i + cols);
        const init = randomArray(cols, 30 * i + cols);
        const vo = rows * ld;
        const oo = vo + rows;
        put(k, W, rows, cols, 0, ld);
        k.mem.set(v, vo);
        k.mem.fill(0, oo, oo + ld);
        k.mem.set(init, oo);
        k.gemvT(0, rows, ld, vo, oo);
        for (let c = 0; c < ld; c++) {
          let s = c < cols ? init[c] : 0;
          for (let r = 0; r < rows; r++) s += c < cols ? W[r * cols + c] * v[r] : 0;
          expect(Math.abs(k.mem[oo + c] - s)).toBeLessThanOrEqual(1e-12 * (1 + Math.abs(s)));
        }
      }
    }
  });

  it('computes w = J^T (J q) and |J q|^2 (gramv) within 1e-12, and within 1e-5 in single precision (gramv32)', () => {
    const k = kernel();
    for (const n of sizes) {
      const J = randomArray(n * n, n);
      const q = randomArray(n, 100 + n);
      const u = Array.from({ length: n }, (_, r) => q.reduce((s, x, c) => s + J[r * n + c] * x, 0));
      const w = Array.from({ length: n }, (_, c) => u.reduce((s, x, r) => s + J[r * n + c] * x, 0));
      const uu = u.reduce((s, x) => s + x * x, 0);
      const wMax = Math.max(...w.map(Math.abs));
      for (const single of [false, true]) {
        const ld = single ? (n + 7) & ~7 : paddedWidth(n);
        const jo = 0;
        const qo = n * ld;
        const wo = qo + ld;
        const to = wo + ld;
        put(k, J, n, n, jo, ld, single);
        k.mem.fill(0, qo, qo + ld);
        k.mem.set(q, qo);
        k.mem.fill(NaN, wo, wo + ld);
        const got = single ? k.gramv32(jo, n, ld, qo, wo, to) : k.gramv(jo, n, ld, qo, wo);
        const tol = single ? 1e-5 : 1e-12;
        expect(relErr(got, uu)).toBeLessThan(tol);
        for (let c = 0; c < ld; c++) {
          const want = c < n ? w[c] : 0;
          expect(Math.abs(k.mem[wo + c] - want)).toBeLessThanOrEqual(tol * wMax);
        }
      }
    }
  });

  it('forms the row-scaled sum of g blocks plus a diagonal and finds the largest row (rowcomb, rowcomb32)', () => {
    const k = kernel();
    for (const g of [1, 2, 3, 4]) {
      for (const h of sizes) {
        const W = randomArray(g * h * h, g * 100 + h);
        const s = randomArray(g * h, g * 200 + h);
        const d = randomArray(h, g * 300 + h);
        for (const withDiag of [false, true]) {
          const J = new Float64Array(h * h);
          for (let j = 0; j < h; j++) {
            for (let c = 0; c < h; c++) {
              let x = 0;
              for (let b = 0; b < g; b++) x += s[b * h + j] * W[(b * h + j) * h + c];
              J[j * h + c] = x + (withDiag && c === j ? d[j] : 0);
            }
          }
          const norms = Array.from({ length: h }, (_, j) => J.subarray(j * h, (j + 1) * h).reduce((a, x) => a + x * x, 0));
          const biggest = norms.indexOf(Math.max(...norms));
          for (const single of [false, true]) {
            const ld = single ? (h + 7) & ~7 : paddedWidth(h);
            const row = single ? ld / 2 : ld;
            const so = g * h * row;
            const dOff = so + g * h;
            const jo = dOff + h + 2;
            put(k, W, g * h, h, 0, ld, single);
            k.mem.set(s, so);
            k.mem.set(d, dOff);
            (single ? k.mem32 : k.mem).fill(NaN, single ? 2 * jo : jo, (single ? 2 * jo : jo) + h * ld);
            const big = (single ? k.rowcomb32 : k.rowcomb)(0, g, h, ld, so, withDiag ? dOff : -1, jo);
            const arr = single ? k.mem32 : k.mem;
            const tol = single ? 1e-6 : 1e-13;
            for (let j = 0; j < h; j++) {
              for (let c = 0; c < ld; c++) {
                const want = c < h ? J[j * h + c] : 0;
                const got = arr[(single ? 2 * jo : jo) + j * ld + c];
                expect(Math.abs(got - want)).toBeLessThanOrEqual(tol * (1 + Math.abs(want)) * g);
              }
            }
            // Ties within rounding may pick another row; its norm must then be the largest too.
            expect(norms[big]).toBeGreaterThanOrEqual(norms[biggest] * (1 - 1e-5));
          }
        }
      }
    }
  });
});

describe('the largest eigenvalue of a tridiagonal matrix', () => {
  function dense(alpha: Float64Array, beta: Float64Array, m: number): number[][] {
    return Array.from({ length: m }, (_, r) =>
      Array.from({ length: m }, (_, c) => (r === c ? alpha[r] : Math.abs(r - c) === 1 ? beta[Math.min(r, c)] : 0)),
    );
  }

  it('matches Jacobi on random, clustered, nearly double, split and scaled matrices', () => {
    const rng = createRng(5);
    for (let trial = 0; trial < 600; trial++) {
      const m = 1 + (trial % 23);
      const kind = trial % 6;
      const alpha = new Float64Array(m);
      const beta = new Float64Array(m);
      for (let i = 0; i < m; i++) {
        if (kind === 0) {
          alpha[i] = rng.normal();
          beta[i] = rng.normal();
        } else if (kind === 1) {
          // A tight cluster at 1: Newton's slow, linear regime.
          alpha[i] = 1 + 1e-9 * rng.normal();
          beta[i] = 1e-9 * rng.normal();
        } else if (kind === 2) {
          // Two equal blocks: every eigenvalue double.
          alpha[i] = 1 + (i % Math.ceil(m / 2)) * 0.1;
          beta[i] = i === Math.ceil(m / 2) - 1 ? 0 : 0.3;
        } else if (kind === 3) {
          // Zero off-diagonals: the top eigenvalue is the largest diagonal entry.
          alpha[i] = rng.normal();
          beta[i] = i % 3 === 0 ? 0 : rng.normal();
        } else if (kind === 4) {
          alpha[i] = 1e-150 * Math.abs(rng.normal());
          beta[i] = 1e-150 * rng.normal();
        } else {
          alpha[i] = 1e120 * rng.normal();
          beta[i] = 1e120 * rng.normal();
        }
      }
      const oracle = Math.max(...jacobiEigenvalues(dense(alpha, beta, m)));
      const scale = Math.max(...Array.from(alpha.subarray(0, m), Math.abs), ...Array.from(beta.subarray(0, m - 1), Math.abs));
      const got = largestTridiagonalEigenvalue(alpha, beta, m);
      expect(Math.abs(got - oracle)).toBeLessThanOrEqual(1e-13 * scale);
    }
  });
});

describe('spectral norms with the row start', () => {
  it('finds the top singular value when the largest row of J is orthogonal to its direction', () => {
    // Row 0 has norm 2 along e0; rows 1 and 2 put norm sqrt(4.5) = 2.12 on the e1 column, so the
    // top right singular vector is e1, orthogonal to the largest row: only the generic part of the
    // start vector reaches it.
    const n = 12;
    const J = new Float64Array(n * n);
    J[0] = 2;
    J[1 * n + 1] = 1.5;
    J[2 * n + 1] = 1.5;
    for (let r = 3; r < n; r++) J[r * n + r] = 0.5 + 0.01 * r;
    const oracle = spectralByJacobi(J, n);
    expect(oracle).toBeCloseTo(Math.sqrt(4.5), 12);
    const work = createLanczosWork(n, n);
    expect(relErr(spectralNorm(J, n, work, 0, n), oracle)).toBeLessThan(1e-12);
    expect(relErr(spectralNorm(J, n, work, PRECISE.tol, PRECISE.maxIter), oracle)).toBeLessThan(1e-9);
    expect(relErr(spectralNorm(J, n, work, QUICK.tol, QUICK.maxIter), oracle)).toBeLessThan(1e-3);
  });

  it('gives 0 for a zero matrix and NaN or Infinity for non-finite entries', () => {
    const n = 5;
    const work = createLanczosWork(n, n);
    expect(spectralNorm(new Float64Array(n * n), n, work)).toBe(0);
    const J = randomArray(n * n, 3);
    J[7] = NaN;
    expect(spectralNorm(J, n, work)).toBeNaN();
    J[7] = Infinity;
    expect(spectralNorm(J, n, work)).toBe(Infinity);
  });
});

describe('Jacobian norms with and without the wasm kernels', () => {
  function setup(cell: CellKind, H: number, T: number, seed: number, recurrentScale = 1): { p: ModelParams; tr: ReturnType<typeof forward> } {
    const p = initParams({ cell, inputSize: 6, hiddenSize: H, vocabSize: 30, numClasses: 2, seed, recurrentScale });
    const rng = createRng(seed + 7);
    const tr = forward(p, Array.from({ length: T }, () => rng.int(30)));
    return { p, tr };
  }

  /** The oracle norm of every step: Jacobi on J^T J with J from stepJacobian (checked by finite differences in engine.test.ts). */
  function oracleNorms(p: ModelParams, tr: ReturnType<typeof forward>): number[] {
    const J = new Float64Array(tr.H * tr.H);
    return Array.from({ length: tr.T }, (_, t) => {
      stepJacobian(p, tr, t, J);
      return spectralByJacobi(J, tr.H);
    });
  }

  for (const cell of CELL_KINDS) {
    it(`match the eigen-solver for the ${cell} cell: exactly with H dimensions, closely with the precise budget, from below with the quick one`, () => {
      for (const [H, T, seed, scale] of [[1, 4, 1, 1], [5, 6, 2, 1.5], [13, 5, 3, 1], [24, 6, 4, 1], [37, 3, 5, 2]] as const) {
        const { p, tr } = setup(cell, H, T, seed, scale);
        const oracle = oracleNorms(p, tr);
        for (const wasm of [true, false]) {
          setWasmKernelsEnabled(wasm);
          const exact = jacobianNorms(p, tr, { tol: 0, maxIter: H });
          const precise = jacobianNorms(p, tr, PRECISE);
          const quick = jacobianNorms(p, tr, QUICK);
          // Single precision at the full dimension: the floats' rounding alone.
          const single = jacobianNorms(p, tr, { tol: SINGLE_TOL, maxIter: H });
          for (let t = 0; t < T; t++) {
            expect(relErr(exact.h[t], oracle[t])).toBeLessThan(1e-9);
            expect(relErr(precise.h[t], oracle[t])).toBeLessThan(H <= PRECISE.maxIter ? 1e-9 : 1e-6);
            expect(relErr(single.h[t], oracle[t])).toBeLessThan(1e-5);
            // A lower bound up to single-precision rounding, and close on these small sizes.
            expect(quick.h[t]).toBeLessThanOrEqual(oracle[t] * (1 + 1e-6));
            expect(quick.h[t]).toBeGreaterThanOrEqual(oracle[t] * 0.9);
          }
        }
      }
    });
  }

  it('agree with the TypeScript fallback within 1e-9 at H = 128 with the precise budget', () => {
    for (const cell of CELL_KINDS) {
      const { p, tr } = setup(cell, 128, 4, 11);
      setWasmKernelsEnabled(true);
      const fast = jacobianNorms(p, tr, PRECISE);
      setWasmKernelsEnabled(false);
      const ts = jacobianNorms(p, tr, PRECISE);
      for (let t = 0; t < 4; t++) expect(relErr(fast.h[t], ts.h[t])).toBeLessThan(1e-9);
    }
  });

  it('scales a vanishing Jacobian so that single precision neither underflows nor loses it', () => {
    // A saturated output gate (o = 1e-25, h = o tanh c to match) makes every entry of J about 1e-25,
    // whose J^T J q would underflow in floats.
    const { p, tr } = setup('lstm', 16, 3, 8);
    const H = 16;
    const gates = tr.gates.slice();
    const h = tr.h.slice();
    for (let t = 0; t < 3; t++) {
      for (let j = 0; j < H; j++) {
        gates[t * 4 * H + 3 * H + j] = 1e-25;
        h[t * H + j] = 1e-25 * Math.tanh((tr.c as Float64Array)[t * H + j]);
      }
    }
    const tiny = { ...tr, gates, h };
    const oracle = oracleNorms(p, tiny);
    const quick = jacobianNorms(p, tiny, { tol: SINGLE_TOL, maxIter: 16 });
    for (let t = 0; t < 3; t++) {
      expect(oracle[t]).toBeGreaterThan(0);
      expect(oracle[t]).toBeLessThan(1e-20);
      expect(relErr(quick.h[t], oracle[t])).toBeLessThan(1e-5);
    }
  });

  it('falls back to TypeScript when the work does not fit above the forward region, without growing the memory', () => {
    const k = kernel();
    const buffer = k.mem.buffer;
    // LSTM H = 512: W_hh (2048 x 512) at the bottom plus its copy and J at the top, even as floats,
    // exceed the 1.18M doubles. (The TypeScript path computes in doubles, so the quick results differ
    // from wasm's single-precision ones; here they must be identical.)
    const p = initParams({ cell: 'lstm', inputSize: 3, hiddenSize: 512, vocabSize: 5, numClasses: 2, seed: 1, recurrentInit: 'xavier' });
    const tr = forward(p, [1, 2]);
    const withWasm = [jacobianNorms(p, tr, QUICK), jacobianNorms(p, tr, { tol: 1e-10, maxIter: 4 })];
    setWasmKernelsEnabled(false);
    const ts = [jacobianNorms(p, tr, QUICK), jacobianNorms(p, tr, { tol: 1e-10, maxIter: 4 })];
    for (let i = 0; i < 2; i++) expect(Array.from(withWasm[i].h)).toEqual(Array.from(ts[i].h));
    expect(buffer.byteLength).toBe(MEMORY_PAGES * 65536);
    expect(k.mem.buffer).toBe(buffer);
  });
});
