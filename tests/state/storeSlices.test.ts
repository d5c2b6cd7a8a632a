import { describe, expect, it, vi } from 'vitest';
import { modelToFile } from '../../src/engine/modelFile';
import { randomModel } from '../../src/state/models';
import { createVisStore } from '../../src/state/store';

const lstm = randomModel('lstm', 5);
const INDEX = JSON.stringify({
  models: [
    { id: 'sentiment-lstm', file: 'sentiment-lstm.json', task: 'sentiment', cell: 'lstm', testAccuracy: 0.8, description: 'd', sentence: '' },
    { id: 'sentiment-gru', file: 'missing.json', task: 'sentiment', cell: 'gru', testAccuracy: 0.8, description: 'd', sentence: '' },
  ],
});
const fetchText = async (url: string) => {
  if (url.endsWith('index.json')) return INDEX;
  if (url.endsWith('sentiment-lstm.json')) return JSON.stringify(modelToFile(lstm, 'pytorch'));
  throw new Error('HTTP 404');
};

describe('the model source in the state', () => {
  it('shows each catalogue file as loading, then loaded or failed, and bumps the version on each arrival', async () => {
    const store = createVisStore({ sentence: 'good' }, { fetchText });
    expect(store.getState().library.status).toBe('loading');
    expect(store.getState().libraryVersion).toBe(0);
    await vi.waitFor(() => expect(Object.keys(store.getState().loaded)).toHaveLength(2));
    await vi.waitFor(() => expect(Object.values(store.getState().loaded).every((l) => l.state !== 'loading')).toBe(true));
    const s = store.getState();
    expect(s.loaded['sentiment-lstm']).toMatchObject({ state: 'ok' });
    expect(s.loaded['sentiment-gru']).toMatchObject({ state: 'failed' });
    // One for the catalogue, one per file.
    expect(s.libraryVersion).toBe(3);
    expect(s.modelInfo.label).toBe('sentiment LSTM, trained, test accuracy 80%');
    store.getState().dispose();
  });

  it("holds a link's step until the model gives it meaning, and forgets it once the student steps", () => {
    const store = createVisStore({ model: 'random', sentence: 'a b', step: 5 });
    expect(store.getState().wanted).toEqual({ step: 5, unit: 0 });
    expect(store.getState().step).toBe(1);
    store.getState().setStep(0);
    expect(store.getState().wanted).toBeNull();
    store.getState().setSentence('a b c d e f g');
    expect(store.getState().step).toBe(0);
  });

  it("keeps the user's model and whether the student typed or is in the sentence box", () => {
    const store = createVisStore({ model: 'random' });
    expect(store.getState().sentenceTouched).toBe(false);
    store.getState().setSentenceFocus(true);
    expect(store.getState().sentenceFocused).toBe(true);
    store.getState().setSentence('not good');
    expect(store.getState().sentenceTouched).toBe(true);
    store.getState().loadUserModel(lstm, { label: 'mine.json', source: 'file' });
    expect(store.getState().userModel?.model).toBe(lstm);
    expect(store.getState().model).toBe('user');
  });
});

describe('the named actions', () => {
  it('sets, adds to and dismisses the problems with a link', () => {
    const store = createVisStore({ model: 'random' });
    store.getState().setUrlProblems(['a']);
    store.getState().addUrlProblems(['a', 'b']);
    expect(store.getState().urlProblems).toEqual(['a', 'b']);
    store.getState().dismissUrlProblems();
    expect(store.getState().urlProblems).toEqual([]);
  });

  it('shows the end of the backward play at once for reduced motion, with no timer left running', () => {
    vi.useFakeTimers();
    try {
      const store = createVisStore({ model: 'random', sentence: 'a b c' });
      store.getState().startBackwardPlay();
      store.getState().showBackwardEnd();
      expect(store.getState().backwardPlay).toBe(0);
      vi.advanceTimersByTime(5000);
      expect(store.getState().backwardPlay).toBe(0);
    } finally {
      vi.useRealTimers();
    }
  });

  it('stops playback on dispose', () => {
    vi.useFakeTimers();
    try {
      const store = createVisStore({ model: 'random', sentence: 'a b c d e' });
      store.getState().togglePlay();
      vi.advanceTimersByTime(600);
      const reached = store.getState().step;
      expect(reached).toBe(1);
      store.getState().dispose();
      vi.advanceTimersByTime(5000);
      expect(store.getState().step).toBe(reached);
    } finally {
      vi.useRealTimers();
    }
  });
});
