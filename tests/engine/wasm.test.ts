import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { kernelBytesSource, OUT_PATH, WAT_PATH } from '../../scripts/build-wasm.mjs';
import { backward } from '../../src/engine/backward';
import { forward } from '../../src/engine/forward';
import { initParams } from '../../src/engine/init';
import { gemvAdd } from '../../src/engine/linalg';
import { createRng } from '../../src/engine/random';
import { CELL_KINDS, type BackwardResult, type ForwardTrace } from '../../src/engine/types';
import {
  copyMatrixIn,
  gemvKernel,
  MEMORY_PAGES,
  paddedWidth,
  setWasmKernelsEnabled,
} from '../../src/engine/wasm/kernels';

afterEach(() => setWasmKernelsEnabled(true));

/** max |a - b| / max |b|, so values near zero do not blow up the ratio. */
function relDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let d = 0;
  let m = 0;
  for (let i = 0; i < a.length; i++) {
    d = Math.max(d, Math.abs(a[i] - b[i]));
    m = Math.max(m, Math.abs(b[i]));
  }
  return m === 0 ? d : d / m;
}

function randomArray(n: number, seed: number): Float64Array {
  const rng = createRng(seed);
  return Float64Array.from({ length: n }, () => rng.normal());
}

describe('the WebAssembly kernel', () => {
  it('is the same module as a fresh assembly of kernels.wat (kernelBytes.ts cannot drift)', async () => {
    const fresh = await kernelBytesSource(readFileSync(WAT_PATH, 'utf8'));
    expect(readFileSync(OUT_PATH, 'utf8')).toBe(fresh);
  });

  it('compiles in Node, so the engine tests exercise the wasm path', () => {
    expect(gemvKernel()).not.toBeNull();
  });

  it('agrees with the TypeScript kernel and a plain sum within 1e-12 on random matrices of odd and even shapes', () => {
    const k = gemvKernel();
    if (k === null) throw new Error('no wasm kernel');
    const shapes: [number, number][] = [[1, 1], [3, 5], [7, 2], [13, 9], [512, 128], [128, 512], [6, 33]];
    for (const [seed, [rows, cols]] of shapes.entries()) {
      const W = randomArray(rows * cols, 10 + seed);
      const v = randomArray(cols, 100 + seed);
      const init = randomArray(rows, 1000 + seed);
      const ld = paddedWidth(cols);
      const vo = rows * ld;
      const oo = vo + ld;
      copyMatrixIn(W, rows, cols, false, k.mem, 0, ld);
      k.mem.fill(0, vo, oo);
      k.mem.set(v, vo);
      k.mem.set(init, oo);
      k.gemv(0, rows, ld, vo, oo);
      const wasmOut = k.mem.slice(oo, oo + rows);
      const tsOut = init.slice();
      gemvAdd(W, rows, cols, v, 0, tsOut, 0);
      const plain = init.map((x, r) => {
        let s = x;
        for (let c = 0; c < cols; c++) s += W[r * cols + c] * v[c];
        return s;
      });
      expect(relDiff(wasmOut, tsOut)).toBeLessThan(1e-12);
      expect(relDiff(wasmOut, plain)).toBeLessThan(1e-12);
    }
  });

  it('copies a matrix in transposed with zero padding', () => {
    const k = gemvKernel();
    if (k === null) throw new Error('no wasm kernel');
    const A = randomArray(11 * 3, 7);
    const ld = paddedWidth(11);
    k.mem.fill(NaN, 0, 3 * ld);
    copyMatrixIn(A, 11, 3, true, k.mem, 0, ld);
    for (let c = 0; c < 3; c++) {
      for (let r = 0; r < ld; r++) expect(k.mem[c * ld + r]).toBe(r < 11 ? A[r * 3 + c] : 0);
    }
  });
});

describe('forward and backward with and without the wasm kernel', () => {
  function run(cell: (typeof CELL_KINDS)[number], H: number, D: number, T: number, wasm: boolean) {
    setWasmKernelsEnabled(wasm);
    // Xavier init: an orthogonal one of the large test's 2400 x 600 W_hh takes seconds.
    const params = initParams({
      cell,
      inputSize: D,
      hiddenSize: H,
      vocabSize: 20,
      numClasses: 3,
      seed: H + T,
      recurrentInit: H > 128 ? 'xavier' : 'orthogonal',
    });
    const rng = createRng(T);
    const ids = Array.from({ length: T }, () => rng.int(20));
    const trace = forward(params, ids);
    const back = backward(params, trace, 1);
    return { trace, back };
  }

  function compare(a: { trace: ForwardTrace; back: BackwardResult }, b: { trace: ForwardTrace; back: BackwardResult }) {
    const pairs: [ArrayLike<number> | null, ArrayLike<number> | null][] = [
      [a.trace.h, b.trace.h],
      [a.trace.c, b.trace.c],
      [a.trace.gates, b.trace.gates],
      [a.trace.hn, b.trace.hn],
      [a.trace.probsPerStep, b.trace.probsPerStep],
      [a.back.dh, b.back.dh],
      [a.back.dc, b.back.dc],
      [a.back.dx, b.back.dx],
      [a.back.params.weightHh, b.back.params.weightHh],
      [a.back.params.weightIh, b.back.params.weightIh],
      [a.back.params.biasHh, b.back.params.biasHh],
      [a.back.params.embedding, b.back.params.embedding],
    ];
    for (const [x, y] of pairs) {
      if (x === null || y === null) expect(x).toBe(y);
      else expect(relDiff(x, y)).toBeLessThan(1e-12);
    }
    expect(Math.abs(a.back.loss - b.back.loss)).toBeLessThanOrEqual(1e-12 * Math.abs(b.back.loss));
  }

  for (const cell of CELL_KINDS) {
    it(`gives the ${cell} trace and gradients of the TypeScript fallback within 1e-12 (odd and even sizes)`, () => {
      for (const [H, D, T] of [[5, 3, 7], [128, 64, 33], [1, 2, 4]]) {
        compare(run(cell, H, D, T, true), run(cell, H, D, T, false));
      }
    });
  }

  it('falls back to TypeScript for a model too big for the fixed memory, without growing it', () => {
    const k = gemvKernel();
    if (k === null) throw new Error('no wasm kernel');
    const buffer = k.mem.buffer;
    // LSTM H = 600: W_hh is 2400 x 600 = 1.44M doubles, more than the 1.18M the memory holds.
    const { trace, back } = run('lstm', 600, 2, 2, true);
    expect(trace.h.every(Number.isFinite)).toBe(true);
    const ts = run('lstm', 600, 2, 2, false);
    expect(relDiff(back.dh, ts.back.dh)).toBe(0);
    expect(buffer.byteLength).toBe(MEMORY_PAGES * 65536);
    expect(k.mem.buffer).toBe(buffer);
  });
});
