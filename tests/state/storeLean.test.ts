import { describe, expect, it } from 'vitest';
import { backward } from '../../src/engine/backward';
import { forward } from '../../src/engine/forward';
import { cloneParams, withKnobs } from '../../src/engine/init';
import type { Model } from '../../src/engine/types';
import { traceJsonText } from '../../src/state/exporters';
import { randomModel } from '../../src/state/models';
import { createVisStore, type VisState } from '../../src/state/store';

/**
 * The view's numbers against an uncached forward and a full backward (both checked against the
 * naive implementation and finite differences in tests/engine) on the knobbed `model`.
 */
function expectViewMatches(s: VisState, model: Model): void {
  const params = withKnobs(model.params, { recurrentScale: s.recurrentScale, forgetBias: s.forgetBias });
  const ids = Array.from(s.trace.ids);
  const tr = forward(params, ids);
  const g = backward(params, tr, s.grads.target);
  expect(Array.from(s.trace.h)).toEqual(Array.from(tr.h));
  expect(Array.from(s.trace.c ?? [])).toEqual(Array.from(tr.c ?? []));
  expect(Array.from(s.trace.gates)).toEqual(Array.from(tr.gates));
  expect(Array.from(s.trace.probsPerStep)).toEqual(Array.from(tr.probsPerStep));
  expect(Array.from(s.grads.dh)).toEqual(Array.from(g.dh));
  expect(Array.from(s.grads.dc ?? [])).toEqual(Array.from(g.dc ?? []));
  expect(Array.from(s.grads.dhNorm)).toEqual(Array.from(g.dhNorm));
  expect(Array.from(s.grads.dxNorm)).toEqual(Array.from(g.dxNorm));
  expect(s.grads.loss).toBe(g.loss);
}

/** New weights in new arrays, as training hands the visualizer after each report. */
function retrained(model: Model, shift: number): Model {
  const params = cloneParams(model.params);
  for (const a of [params.weightIh, params.embedding, params.biasIh, params.weightHh]) for (let n = 0; n < a.length; n++) a[n] = a[n] * 0.9 + shift;
  return { ...model, params };
}

describe('the store on every edit', () => {
  it('shows the numbers of an uncached forward and a full backward through edits, knob moves and new weights', () => {
    const store = createVisStore({ model: 'random', cell: 'lstm', seed: 3, sentence: 'the movie was good' });
    try {
      // The same seed gives the same numbers in a separate object: an independent copy of the store's model.
      const builtin = randomModel('lstm', 3);
      const edits: [string, () => void][] = [
        ['last word', () => store.getState().setSentence('the movie was bad')],
        ['first word', () => store.getState().setSentence('a movie was bad')],
        ['longer', () => store.getState().setSentence('a movie was bad but the acting was great')],
        ['padding', () => store.getState().setKnob('padTo', 13)],
        ['forget bias', () => store.getState().setKnob('forgetBias', 2)],
        ['recurrent scale', () => store.getState().setKnob('recurrentScale', 1.7)],
        ['edit after knobs', () => store.getState().setSentence('the movie was bad but the acting was great')],
        ['forget bias back', () => store.getState().setKnob('forgetBias', 0)],
        ['scale back', () => store.getState().setKnob('recurrentScale', 1)],
      ];
      for (const [, edit] of edits) {
        edit();
        expectViewMatches(store.getState(), builtin);
      }
      // Training hands over new parameter objects; each must replace the numbers, never reuse the old ones.
      let model = builtin;
      for (let round = 1; round <= 3; round++) {
        model = retrained(model, 0.01 * round);
        store.getState().loadUserModel(model, { label: `training step ${round}`, source: 'training' });
        expectViewMatches(store.getState(), model);
        store.getState().setSentence(round % 2 ? 'the movie was good but the acting was bad' : 'the movie was bad but the acting was great');
        expectViewMatches(store.getState(), model);
      }
    } finally {
      store.getState().dispose();
    }
  });

  it('applies the knobs once per model and setting, not on every edit', () => {
    const store = createVisStore({ model: 'random', sentence: 'the movie was good' });
    try {
      const first = store.getState().params;
      store.getState().setSentence('the movie was bad');
      expect(store.getState().params).toBe(first);
      store.getState().setKnob('recurrentScale', 2);
      const scaled = store.getState().params;
      expect(scaled).not.toBe(first);
      expect(scaled.weightHh[5]).toBe(first.weightHh[5] * 2);
      store.getState().setSentence('the movie was good');
      expect(store.getState().params).toBe(scaled);
      store.getState().setKnob('recurrentScale', 1);
      expect(store.getState().params).toBe(first);
    } finally {
      store.getState().dispose();
    }
  });

  it('keeps no parameter gradient in the view, while the trace download still writes them', () => {
    const store = createVisStore({ model: 'random', sentence: 'not good' });
    try {
      const s = store.getState();
      expect('params' in s.grads).toBe(false);
      const json = JSON.parse(traceJsonText(s, 'pytorch'));
      const full = backward(s.params, s.trace, s.grads.target);
      // weight_hh in the PyTorch layout: rows of W_hh, i.e. the engine's array row by row.
      expect(json.grad.params.weights.weight_hh.flat()).toEqual(Array.from(full.params.weightHh));
      expect(json.loss).toBe(full.loss);
    } finally {
      store.getState().dispose();
    }
  });

  it('keeps the model description and the token arrays when a knob moves, so views that show only them are not re-rendered', () => {
    const store = createVisStore({ model: 'random', cell: 'lstm', sentence: 'the movie was good' });
    try {
      const before = store.getState();
      store.getState().setKnob('recurrentScale', 0.5);
      store.getState().setKnob('forgetBias', 1.5);
      const after = store.getState();
      expect(after.trace).not.toBe(before.trace);
      expect(after.modelInfo).toBe(before.modelInfo);
      expect(after.tokens).toBe(before.tokens);
      expect(after.unknown).toBe(before.unknown);
      expect(after.padded).toBe(before.padded);
      // New words give new arrays and the numbers of the new sentence.
      store.getState().setSentence('the movie was bad');
      expect(store.getState().tokens).not.toBe(before.tokens);
      expect(store.getState().tokens).toEqual(['the', 'movie', 'was', 'bad']);
      store.getState().setKnob('padTo', 6);
      expect(store.getState().padded).toEqual([false, false, false, false, true, true]);
    } finally {
      store.getState().dispose();
    }
  });

  it('moves the forget-gate knob through b_hf, so every knob setting shares the input projections', () => {
    const model = randomModel('lstm', 4);
    const moved = withKnobs(model.params, { recurrentScale: 1, forgetBias: 2 });
    const H = model.params.hiddenSize;
    expect(moved.biasIh).toBe(model.params.biasIh);
    expect(moved.weightIh).toBe(model.params.weightIh);
    for (let j = 0; j < 4 * H; j++) expect(moved.biasHh[j]).toBe(model.params.biasHh[j] + (j >= H && j < 2 * H ? 2 : 0));
  });
});
