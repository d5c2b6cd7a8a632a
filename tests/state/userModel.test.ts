import { describe, expect, it } from 'vitest';
import { createVisStore } from '../../src/state/store';
import { initParams } from '../../src/engine/init';
import { forward } from '../../src/engine/forward';
import type { Model } from '../../src/engine/types';

function tinyModel(cell: 'rnn' | 'lstm' | 'gru', seed: number): Model {
  const vocab = ['<unk>', 'the', 'cat', 'sat'];
  return {
    name: 'tiny',
    params: initParams({ cell, inputSize: 3, hiddenSize: 5, vocabSize: vocab.length, numClasses: 2, seed }),
    tokenizer: { kind: 'word', lowercase: true, unk: '<unk>', vocab },
    labels: ['no', 'yes'],
  };
}

describe('a model the user brings', () => {
  it('replaces the shown model, takes its cell and keeps the sentence', () => {
    const store = createVisStore({ sentence: 'the cat sat', cell: 'lstm' });
    const model = tinyModel('gru', 3);
    store.getState().loadUserModel(model, { label: 'tiny.json', source: 'file' });
    const s = store.getState();
    expect(s.sentence).toBe('the cat sat');
    expect(s.cell).toBe('gru');
    expect(s.modelInfo.label).toContain('tiny.json');
    expect(s.modelInfo.labels).toEqual(['no', 'yes']);
    // The trace is the user's model run on the sentence's ids (1, 2, 3), checked against a direct run.
    const direct = forward(model.params, [1, 2, 3]);
    expect(Array.from(s.trace.h)).toEqual(Array.from(direct.h));
  });

  it('recomputes when newer weights of the same model arrive', () => {
    const store = createVisStore({ sentence: 'the cat' });
    store.getState().loadUserModel(tinyModel('rnn', 1), { label: 'training step 1', source: 'training' });
    const first = store.getState().trace.h[0];
    store.getState().loadUserModel(tinyModel('rnn', 2), { label: 'training step 2', source: 'training' });
    expect(store.getState().trace.h[0]).not.toBe(first);
    expect(store.getState().modelInfo.label).toContain('training step 2');
  });

  it('stands in random weights with the same vocabulary when another cell is chosen', () => {
    const store = createVisStore({ sentence: 'the cat' });
    store.getState().loadUserModel(tinyModel('lstm', 1), { label: 'tiny.json', source: 'file' });
    store.getState().setCell('rnn');
    const s = store.getState();
    expect(s.modelInfo.trained).toBe(false);
    expect(s.notice).toMatch(/Your model is LSTM/);
    expect(s.tokens).toEqual(['the', 'cat']);
    expect(s.unknown).toEqual([false, false]);
  });
});
