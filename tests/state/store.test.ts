import { describe, expect, it, vi } from 'vitest';
import { backward } from '../../src/engine/backward';
import { forward } from '../../src/engine/forward';
import { jacobianNorms } from '../../src/engine/jacobian';
import { tokenize } from '../../src/engine/tokenizer';
import { modelToFile } from '../../src/engine/modelFile';
import { BUILTIN_TOKENIZER, randomModel } from '../../src/state/models';
import { JACOBIAN_PRECISE, JACOBIAN_QUICK, createVisStore, type Engine } from '../../src/state/store';

function countingEngine() {
  const engine = {
    forward: vi.fn(forward),
    backward: vi.fn(backward),
    jacobianNorms: vi.fn(jacobianNorms),
  };
  return engine as typeof engine & Engine;
}

describe('the visualizer store', () => {
  it('runs the engine once at creation for the initial sentence', () => {
    const engine = countingEngine();
    const store = createVisStore({ sentence: 'the movie was good' }, { engine });
    expect(engine.forward).toHaveBeenCalledTimes(1);
    expect(engine.backward).toHaveBeenCalledTimes(1);
    // The Jacobian norms wait for a reader (the Jacobian chart), then are computed once.
    expect(engine.jacobianNorms).toHaveBeenCalledTimes(0);
    expect(store.getState().jac.h.length).toBe(4);
    expect(store.getState().jac.c).not.toBeNull();
    expect(engine.jacobianNorms).toHaveBeenCalledTimes(1);
    expect(store.getState().tokens).toEqual(['the', 'movie', 'was', 'good']);
    expect(store.getState().trace.T).toBe(4);
  });

  it('does not rerun the engine when only the step, unit, hover, panels or colouring change', () => {
    const engine = countingEngine();
    const store = createVisStore({ sentence: 'the movie was not good' }, { engine });
    const s = store.getState();
    void s.jac.h;
    s.setStep(3);
    s.stepBy(-1);
    s.setUnit(5);
    s.setHover({ step: 1, unit: 2 });
    s.setHover(null);
    s.setPanels(['heatmaps']);
    s.setColorBy('saliency');
    s.reset();
    expect(engine.forward).toHaveBeenCalledTimes(1);
    expect(engine.backward).toHaveBeenCalledTimes(1);
    expect(engine.jacobianNorms).toHaveBeenCalledTimes(1);
  });

  it('reruns the engine once per change of sentence, cell or knob, and not when a value is set to itself', () => {
    const engine = countingEngine();
    const store = createVisStore({ sentence: 'good' }, { engine });
    const s = store.getState();
    s.setSentence('not good');
    s.setSentence('not good');
    s.setCell('gru');
    s.setCell('gru');
    s.setKnob('recurrentScale', 1.5);
    s.setKnob('recurrentScale', 1.5);
    s.setKnob('padTo', 10);
    expect(engine.forward).toHaveBeenCalledTimes(5);
    expect(engine.backward).toHaveBeenCalledTimes(5);
    expect(store.getState().trace.T).toBe(10);
  });

  it('runs all three cells once each when compare mode is switched on, reusing the current cell', () => {
    const engine = countingEngine();
    const store = createVisStore({ sentence: 'not good at all', cell: 'lstm' }, { engine });
    store.getState().setCompare(true);
    expect(engine.forward).toHaveBeenCalledTimes(3);
    const cmp = store.getState().compareResults;
    expect(Object.keys(cmp).sort()).toEqual(['gru', 'lstm', 'rnn']);
    expect(cmp.lstm!.grads).toBe(store.getState().grads);
    expect(cmp.rnn!.trace.cell).toBe('rnn');
    expect(cmp.gru!.trace.cell).toBe('gru');
    // Same loss for every cell: the target is the current cell's prediction.
    expect(cmp.rnn!.grads.target).toBe(store.getState().grads.target);
  });

  it('clamps the step to the first and last token', () => {
    const store = createVisStore({ sentence: 'a b c d e' });
    const s = store.getState();
    s.setStep(99);
    expect(store.getState().step).toBe(4);
    s.setStep(-3);
    expect(store.getState().step).toBe(0);
    s.stepBy(-1);
    expect(store.getState().step).toBe(0);
    s.setStep(4);
    s.stepBy(1);
    expect(store.getState().step).toBe(4);
    s.setStep(2.6);
    expect(store.getState().step).toBe(3);
  });

  it('clamps the step into range when the sentence gets shorter', () => {
    const store = createVisStore({ sentence: 'one two three four five six' });
    store.getState().setStep(5);
    store.getState().setSentence('one two');
    expect(store.getState().step).toBe(1);
  });

  it('clamps the selected unit to the hidden size', () => {
    const store = createVisStore();
    const H = store.getState().trace.H;
    store.getState().setUnit(H + 10);
    expect(store.getState().unit).toBe(H - 1);
    store.getState().setUnit(-1);
    expect(store.getState().unit).toBe(0);
  });

  it('keeps the sentence, step and unit when the cell is switched', () => {
    const store = createVisStore({ sentence: 'i loved the acting but the plot was weak', cell: 'lstm' });
    store.getState().setStep(4);
    store.getState().setUnit(7);
    store.getState().setCell('rnn');
    const s = store.getState();
    expect(s.sentence).toBe('i loved the acting but the plot was weak');
    expect(s.tokens).toEqual(['i', 'loved', 'the', 'acting', 'but', 'the', 'plot', 'was', 'weak']);
    expect(s.cell).toBe('rnn');
    expect(s.trace.cell).toBe('rnn');
    expect(s.trace.c).toBeNull();
    expect(s.step).toBe(4);
    expect(s.unit).toBe(7);
  });

  it('matches an independent engine run on the same random model and tokens', () => {
    const store = createVisStore({ sentence: 'the plot was not bad', cell: 'gru', seed: 7, model: 'random' });
    const model = randomModel('gru', 7);
    const { ids } = tokenize('the plot was not bad', BUILTIN_TOKENIZER);
    const trace = forward(model.params, ids);
    expect(Array.from(store.getState().trace.h)).toEqual(Array.from(trace.h));
    expect(store.getState().grads.target).toBe(trace.predicted);
    expect(Array.from(store.getState().grads.dhNorm)).toEqual(Array.from(backward(model.params, trace, trace.predicted).dhNorm));
  });

  it('marks unknown words and pads with "." marked as padding', () => {
    const store = createVisStore({ sentence: 'the zyzzyva was good', padTo: 7 });
    const s = store.getState();
    expect(s.tokens).toEqual(['the', 'zyzzyva', 'was', 'good', '.', '.', '.']);
    expect(s.unknown).toEqual([false, true, false, false, false, false, false]);
    expect(s.padded).toEqual([false, false, false, false, true, true, true]);
    const dot = BUILTIN_TOKENIZER.vocab.indexOf('.');
    expect(Array.from(s.trace.ids.slice(4))).toEqual([dot, dot, dot]);
  });

  it('shows an empty sentence as a single padding step with a message instead of failing', () => {
    const store = createVisStore({ sentence: '   ' });
    const s = store.getState();
    expect(s.trace.T).toBe(1);
    expect(s.padded).toEqual([true]);
    expect(s.error).toMatch(/empty/);
  });

  it('labels the fallback model as random weights when no models are loaded', () => {
    const store = createVisStore();
    expect(store.getState().modelInfo.trained).toBe(false);
    expect(store.getState().modelInfo.label).toBe('random weights (untrained)');
  });

  it('plays forward one step per tick and stops at the last token', () => {
    vi.useFakeTimers();
    try {
      const store = createVisStore({ sentence: 'a b c' });
      store.getState().setPlaySpeed(4);
      store.getState().togglePlay();
      expect(store.getState().playing).toBe(true);
      vi.advanceTimersByTime(250);
      expect(store.getState().step).toBe(1);
      vi.advanceTimersByTime(1000);
      expect(store.getState().step).toBe(2);
      expect(store.getState().playing).toBe(false);
      // Play at the end starts again from the first token.
      store.getState().togglePlay();
      expect(store.getState().step).toBe(0);
      store.getState().dispose();
    } finally {
      vi.useRealTimers();
    }
  });

  it('animates the backward play from the last token down to the first, then clears it', () => {
    vi.useFakeTimers();
    try {
      const store = createVisStore({ sentence: 'a b c' });
      store.getState().startBackwardPlay();
      const seen = [store.getState().backwardPlay];
      for (let i = 0; i < 4; i++) {
        vi.advanceTimersToNextTimer();
        seen.push(store.getState().backwardPlay);
      }
      expect(seen).toEqual([2, 1, 0, null, null]);
    } finally {
      vi.useRealTimers();
    }
  });

  it('restores a step from the URL once the trained model that makes it valid has loaded', async () => {
    // A trained "toy" model whose tokenizer reads characters, so its T differs from the builtin one.
    const base = randomModel('lstm', 3);
    const model = { ...base, tokenizer: { kind: 'char' as const, lowercase: true, unk: '<unk>', vocab: BUILTIN_TOKENIZER.vocab.concat('x', 'y', ' ') }, labels: ['no', 'yes'] };
    model.params = randomModel('lstm', 3, { ...base, tokenizer: model.tokenizer }).params;
    const files: Record<string, string> = {
      './models/index.json': JSON.stringify({ models: [{ id: 'toy-lstm', file: 'toy-lstm.json', task: 'toy', cell: 'lstm', testAccuracy: 0.9, description: 'toy', sentence: 'xyxy' }] }),
      './models/toy-lstm.json': JSON.stringify(modelToFile(model, 'pytorch')),
    };
    const fetchText = async (url: string) => {
      if (!(url in files)) throw new Error(`404 ${url}`);
      return files[url];
    };
    const store = createVisStore({ model: 'toy', sentence: 'xy yx', step: 4 }, { fetchText });
    expect(store.getState().modelInfo.trained).toBe(false);
    await vi.waitFor(() => expect(store.getState().modelInfo.trained).toBe(true));
    const s = store.getState();
    expect(s.modelInfo.label).toMatch(/toy LSTM, trained, test accuracy 90%/);
    expect(s.tokens).toEqual(['x', 'y', ' ', 'y', 'x']);
    expect(s.step).toBe(4);
    // No trained GRU: random weights with the trained model's vocabulary, labelled.
    s.setCell('gru');
    expect(store.getState().modelInfo.trained).toBe(false);
    expect(store.getState().notice).toMatch(/no trained GRU/);
    expect(store.getState().tokens).toEqual(['x', 'y', ' ', 'y', 'x']);
    expect(store.getState().params.vocabSize).toBe(model.tokenizer.vocab.length);
  });

  it("shows the library's example sentence once it loads, unless the student is in the sentence box", async () => {
    const index = JSON.stringify({ models: [{ id: 'x-lstm', file: 'x-lstm.json', task: 'sentiment', cell: 'lstm', testAccuracy: 0.9, description: 'x', sentence: 'the plot was good' }] });
    const fetchText = async (url: string) => {
      if (url.endsWith('index.json')) return index;
      throw new Error(`404 ${url}`);
    };
    const away = createVisStore({}, { fetchText });
    const before = away.getState().sentence;
    expect(before).not.toBe('the plot was good');
    await vi.waitFor(() => expect(away.getState().library.status).toBe('ready'));
    expect(away.getState().sentence).toBe('the plot was good');

    // Focused before the library arrives: the box keeps its text (and the caret and selection in it).
    const inBox = createVisStore({}, { fetchText });
    inBox.getState().setSentenceFocus(true);
    await vi.waitFor(() => expect(inBox.getState().library.status).toBe('ready'));
    expect(inBox.getState().sentence).toBe(before);
  });

  it('falls back to labelled random weights when models/index.json is missing', async () => {
    const store = createVisStore({}, { fetchText: async () => Promise.reject(new Error('HTTP 404')) });
    await vi.waitFor(() => expect(store.getState().library.status).toBe('ready'));
    const s = store.getState();
    expect(s.library.problems[0]).toMatch(/index.json could not be loaded/);
    expect(s.modelInfo.trained).toBe(false);
    expect(s.notice).toMatch(/No trained models/);
  });

  it('computes precise Jacobian norms at once when no refinement delay is set', () => {
    const store = createVisStore({ sentence: 'the plot was not bad at all' });
    const s = store.getState();
    expect(s.jacPrecise).toBe(true);
    expect(Array.from(s.jac.h)).toEqual(Array.from(jacobianNorms(s.params, s.trace, JACOBIAN_PRECISE).h));
  });

  it('shows quick Jacobian norms while the input changes and the precise ones once it is still', () => {
    vi.useFakeTimers();
    try {
      const engine = countingEngine();
      const store = createVisStore({ sentence: 'not good', compare: true }, { engine, refineJacobianMs: 200 });
      // The compare chart reads every cell's norms after each change.
      const readAll = () => {
        for (const r of Object.values(store.getState().compareResults)) void r.jac.h;
      };
      readAll();
      const quickCalls = engine.jacobianNorms.mock.calls.length;
      expect(store.getState().jacPrecise).toBe(false);
      store.getState().setSentence('not good at all');
      readAll();
      vi.advanceTimersByTime(150);
      store.getState().setSentence('not good at all, really');
      readAll();
      vi.advanceTimersByTime(150);
      // Each edit restarts the wait; nothing was refined yet.
      expect(engine.jacobianNorms.mock.calls.every((c) => c[2] === JACOBIAN_QUICK)).toBe(true);
      vi.advanceTimersByTime(60);
      const s = store.getState();
      expect(s.jacPrecise).toBe(true);
      expect(Array.from(s.jac.h)).toEqual(Array.from(jacobianNorms(s.params, s.trace, JACOBIAN_PRECISE).h));
      const rnn = s.compareResults.rnn!;
      expect(Array.from(rnn.jac.h)).toEqual(Array.from(jacobianNorms(randomModel('rnn', 1).params, rnn.trace, JACOBIAN_PRECISE).h));
      // Three cells refined once each; stepping afterwards computes nothing.
      expect(engine.jacobianNorms.mock.calls.filter((c) => c[2] === JACOBIAN_PRECISE)).toHaveLength(3);
      expect(quickCalls).toBe(3);
      s.setStep(2);
      vi.advanceTimersByTime(1000);
      expect(engine.jacobianNorms.mock.calls.filter((c) => c[2] === JACOBIAN_PRECISE)).toHaveLength(3);
      store.getState().dispose();
    } finally {
      vi.useRealTimers();
    }
  });
});
