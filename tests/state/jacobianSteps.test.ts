import { describe, expect, it, vi } from 'vitest';
import { backward } from '../../src/engine/backward';
import { forward } from '../../src/engine/forward';
import { initParams } from '../../src/engine/init';
import { jacobianNorms } from '../../src/engine/jacobian';
import type { CellKind, ForwardTrace, JacobianNorms, ModelParams } from '../../src/engine/types';
import { jacobianRange, normsWithPrefix, refineChunk, sharedPrefix, sliceTrace } from '../../src/state/jacobianSteps';
import { BUILTIN_TOKENIZER } from '../../src/state/models';
import { JACOBIAN_PRECISE, JACOBIAN_QUICK, createVisStore, type Engine } from '../../src/state/store';

const QUICK = { ...JACOBIAN_QUICK };
const PRECISE = { ...JACOBIAN_PRECISE };

function setup(cell: CellKind, T: number, H = 12): { params: ModelParams; trace: ForwardTrace; ids: number[] } {
  const params = initParams({ cell, inputSize: 5, hiddenSize: H, vocabSize: 20, numClasses: 2, seed: 3 });
  const ids = Array.from({ length: T }, (_, k) => (k * 7 + 3) % 20);
  return { params, trace: forward(params, ids), ids };
}

/** A jacobianNorms that records how many steps each call was asked for. */
function counting() {
  const steps: number[] = [];
  const fn = (p: ModelParams, t: ForwardTrace, o: { tol: number; maxIter: number }): JacobianNorms => {
    steps.push(t.T);
    return jacobianNorms(p, t, o);
  };
  return { fn, steps };
}

describe('Jacobian norms step by step', () => {
  for (const cell of ['rnn', 'lstm', 'gru'] as const) {
    it(`computes any range of ${cell} steps exactly as the whole-sequence computation does`, () => {
      const { params, trace } = setup(cell, 9);
      const whole = jacobianNorms(params, trace, PRECISE);
      for (const [t0, t1] of [[0, 9], [0, 1], [1, 4], [4, 9], [8, 9]]) {
        const out: JacobianNorms = { h: new Float64Array(9).fill(-1), c: whole.c ? new Float64Array(9).fill(-1) : null };
        jacobianRange(jacobianNorms, params, trace, t0, t1, PRECISE, out);
        for (let t = 0; t < 9; t++) {
          expect(out.h[t]).toBe(t >= t0 && t < t1 ? whole.h[t] : -1);
          if (out.c && whole.c) expect(out.c[t]).toBe(t >= t0 && t < t1 ? whole.c[t] : -1);
        }
      }
    });
  }

  it('slices every per-step array of a trace to the asked steps', () => {
    const { trace } = setup('lstm', 6);
    const part = sliceTrace(trace, 2, 5);
    expect(part.T).toBe(3);
    expect(Array.from(part.ids)).toEqual(Array.from(trace.ids).slice(2, 5));
    expect(Array.from(part.h)).toEqual(Array.from(trace.h).slice(2 * 12, 5 * 12));
    expect(Array.from(part.gates)).toEqual(Array.from(trace.gates).slice(2 * 48, 5 * 48));
    expect(Array.from(part.probsPerStep)).toEqual(Array.from(trace.probsPerStep).slice(2 * 2, 5 * 2));
  });

  it('counts the shared leading ids', () => {
    expect(sharedPrefix([1, 2, 3], [1, 2, 4, 5])).toBe(2);
    expect(sharedPrefix([1, 2], [1, 2, 3])).toBe(2);
    expect(sharedPrefix([], [1])).toBe(0);
    expect(sharedPrefix([9], [1])).toBe(0);
  });

  it('reuses the norms of an unchanged prefix and computes only the new steps, with the same numbers', () => {
    const { params, ids } = setup('lstm', 20);
    const before = forward(params, ids);
    const prior = { ids: before.ids, jac: jacobianNorms(params, before, PRECISE), precise: 20 };
    // The student typed at the end: the last token changed and two were added.
    const after = forward(params, [...ids.slice(0, 19), 11, 12, 13]);
    const { fn, steps } = counting();
    const { jac, precise } = normsWithPrefix(fn, params, after, QUICK, false, prior);
    // Three new steps, plus the one before them that they read.
    expect(steps).toEqual([4]);
    const quickWhole = jacobianNorms(params, after, QUICK);
    const preciseWhole = jacobianNorms(params, after, PRECISE);
    for (let t = 0; t < 19; t++) expect(jac.h[t]).toBe(preciseWhole.h[t]);
    for (let t = 19; t < 22; t++) expect(jac.h[t]).toBe(quickWhole.h[t]);
    expect(Array.from(jac.c!)).toEqual(Array.from(preciseWhole.c!));
    expect(precise).toBe(19);
  });

  it('does not reuse quick norms when precise ones are asked for', () => {
    const { params, trace } = setup('gru', 10);
    // Steps 0-3 refined, the rest still quick.
    const mixed = jacobianNorms(params, trace, QUICK);
    mixed.h.set(jacobianNorms(params, trace, PRECISE).h.subarray(0, 4));
    const prior = { ids: trace.ids, jac: mixed, precise: 4 };
    const { fn, steps } = counting();
    const { jac, precise } = normsWithPrefix(fn, params, trace, PRECISE, true, prior);
    expect(steps).toEqual([7]);
    expect(Array.from(jac.h)).toEqual(Array.from(jacobianNorms(params, trace, PRECISE).h));
    expect(precise).toBe(10);
  });

  it('sizes refinement chunks so bigger hidden sizes get fewer steps per chunk', () => {
    expect(refineChunk(16, 32)).toBeGreaterThan(refineChunk(64, 32));
    expect(refineChunk(1024, 32)).toBe(1);
    expect(refineChunk(128, 32) * 128 * 128 * 68).toBeLessThanOrEqual(4_000_000);
  });
});

describe('the store with incremental Jacobian norms', () => {
  function engineWithSteps() {
    const steps: number[] = [];
    const engine: Engine = {
      forward,
      backward,
      jacobianNorms: (p, t, o) => {
        steps.push(t.T);
        return jacobianNorms(p, t, o);
      },
    };
    return { engine, steps };
  }
  const words = BUILTIN_TOKENIZER.vocab.filter((w) => /^[a-z]+$/.test(w));
  const sentence = (n: number) => Array.from({ length: n }, (_, k) => words[(k * 5) % words.length]).join(' ');

  it('recomputes only the last step when the student types at the end of a long sentence, and refines to the exact norms', async () => {
    const { engine, steps } = engineWithSteps();
    const store = createVisStore({ model: 'random', sentence: sentence(60) }, { engine, refineJacobianMs: 20 });
    try {
      await vi.waitFor(() => expect(store.getState().jacPrecise).toBe(true));
      void store.getState().jac.h;
      steps.length = 0;
      store.getState().setSentence(`${sentence(60)} good`);
      // Nothing until the norms are read; then one new step and the step before it, not 61.
      expect(steps).toEqual([]);
      void store.getState().jac.h;
      expect(steps).toEqual([2]);
      const s = store.getState();
      expect(s.trace.T).toBe(61);
      expect(s.jacPrecise).toBe(false);
      const quick = jacobianNorms(s.params, s.trace, QUICK);
      const exact = jacobianNorms(s.params, s.trace, PRECISE);
      expect(s.jac.h[60]).toBe(quick.h[60]);
      expect(Array.from(s.jac.h.subarray(0, 60))).toEqual(Array.from(exact.h.subarray(0, 60)));
      await vi.waitFor(() => expect(store.getState().jacPrecise).toBe(true));
      expect(Array.from(store.getState().jac.h)).toEqual(Array.from(exact.h));
    } finally {
      store.getState().dispose();
    }
  });

  it('does not rerun the engine when an edit keeps every token id, but shows the new text', () => {
    const calls = { forward: 0, backward: 0, jac: 0 };
    const engine: Engine = {
      forward: (p, ids) => (calls.forward++, forward(p, ids)),
      backward: (p, t, k) => (calls.backward++, backward(p, t, k)),
      jacobianNorms: (p, t, o) => (calls.jac++, jacobianNorms(p, t, o)),
    };
    const store = createVisStore({ model: 'random', sentence: 'the movie was zq' }, { engine, refineJacobianMs: 1000 });
    try {
      const before = store.getState();
      // "zq" and "zqx" are both the unknown-word id: same numbers, new token text.
      void before.jac.h;
      store.getState().setSentence('the movie was zqx');
      const s = store.getState();
      void s.jac.h;
      expect(calls).toEqual({ forward: 1, backward: 1, jac: 1 });
      expect(s.tokens).toEqual(['the', 'movie', 'was', 'zqx']);
      expect(s.trace).toBe(before.trace);
      // A known word changes the id: the engine runs again, for that one step's Jacobian only.
      store.getState().setSentence('the movie was good');
      expect(calls.forward).toBe(2);
      expect(store.getState().trace).not.toBe(before.trace);
    } finally {
      store.getState().dispose();
    }
  });

  it('refines a long sentence in chunks across several tasks and ends with the exact norms', async () => {
    const { engine, steps } = engineWithSteps();
    const store = createVisStore({ model: 'random', sentence: sentence(200) }, { engine, refineJacobianMs: 10 });
    try {
      const before = store.getState().jac;
      // Drawn at once (the chart reads the quick norms), then refined.
      void before.h;
      await vi.waitFor(() => expect(store.getState().jacPrecise).toBe(true), { timeout: 20_000 });
      const s = store.getState();
      // The arrays the state held while refining were never changed in place.
      expect(before).not.toBe(s.jac);
      expect(Array.from(before.h)).toEqual(Array.from(jacobianNorms(s.params, s.trace, QUICK).h));
      expect(Array.from(s.jac.h)).toEqual(Array.from(jacobianNorms(s.params, s.trace, PRECISE).h));
      const chunk = refineChunk(s.trace.H, PRECISE.maxIter);
      const refineCalls = steps.slice(1);
      expect(refineCalls.length).toBe(Math.ceil(200 / chunk));
      expect(Math.max(...refineCalls)).toBeLessThanOrEqual(chunk + 1);
    } finally {
      store.getState().dispose();
    }
  });

  it('computes no quick norms that nobody reads: a pause refines every step at once, in chunks', async () => {
    const { engine, steps } = engineWithSteps();
    const store = createVisStore({ model: 'random', sentence: sentence(120) }, { engine, refineJacobianMs: 10 });
    try {
      store.getState().setKnob('recurrentScale', 0.8);
      store.getState().setKnob('recurrentScale', 0.6);
      expect(steps).toEqual([]);
      await vi.waitFor(() => expect(store.getState().jacPrecise).toBe(true), { timeout: 20_000 });
      const s = store.getState();
      expect(Array.from(s.jac.h)).toEqual(Array.from(jacobianNorms(s.params, s.trace, PRECISE).h));
      expect(Array.from(s.jac.c!)).toEqual(Array.from(jacobianNorms(s.params, s.trace, PRECISE).c!));
      // Only the refinement's chunks ran: no quick pass over the whole sentence first.
      const chunk = refineChunk(s.trace.H, PRECISE.maxIter);
      expect(steps.length).toBe(Math.ceil(120 / chunk));
      expect(Math.max(...steps)).toBeLessThanOrEqual(chunk + 1);
    } finally {
      store.getState().dispose();
    }
  });
});
