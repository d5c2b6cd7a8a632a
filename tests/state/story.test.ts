import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { backward, forward, tokenize, withKnobs } from '../../src/engine';
import { BUILTIN_TOKENIZER, randomModel } from '../../src/state/models';
import { createVisStore } from '../../src/state/store';
import { STORY_FORGET_BIAS, STORY_PAD, storySentence, type StoryRun } from '../../src/state/story';

const shipped = async (url: string) => readFileSync(resolve('public', url.replace(/^\.\//, '')), 'utf8');

function first(run: StoryRun, cell: string): number {
  const c = run.curves.find((x) => x.cell === cell);
  if (!c) throw new Error(`no ${cell} curve`);
  return c.dh[0];
}

describe('the story', () => {
  it('shows, as training starts on the default sentence, the RNN gradient at the first word at least 100x below the LSTM one', async () => {
    const store = createVisStore({}, { fetchText: shipped });
    await vi.waitFor(() => expect(store.getState().story.trained.curves.length).toBe(3));
    const { start, trained } = store.getState().story;
    expect(start.tokens.length).toBe(STORY_PAD);
    expect(first(start, 'rnn')).toBeLessThanOrEqual(first(start, 'lstm') / 100);
    expect(storySentence(start)).toContain("The RNN's is about 10^");
    console.log(storySentence(start), '\n', storySentence(trained));
    store.getState().dispose();
  });

  it("the starting LSTM curve is the engine's own backward pass on the seeded model with forget bias +2 over the padded sentence", () => {
    const store = createVisStore({ model: 'random' });
    const s = store.getState();
    const model = randomModel('lstm', 1);
    const params = withKnobs(model.params, { recurrentScale: 1, forgetBias: STORY_FORGET_BIAS });
    const tok = tokenize(s.sentence, BUILTIN_TOKENIZER, 256);
    const ids = Array.from(tok.ids);
    while (ids.length < STORY_PAD) ids.push(BUILTIN_TOKENIZER.vocab.indexOf('.'));
    const trace = forward(params, Int32Array.from(ids));
    const g = backward(params, trace, trace.predicted, { paramGrads: false });
    const curve = s.story.start.curves.find((c) => c.cell === 'lstm');
    expect(curve?.dh.length).toBe(STORY_PAD);
    for (let t = 0; t < STORY_PAD; t++) {
      expect(curve?.dh[t]).toBeCloseTo(g.dhNorm[t] / g.dhNorm[STORY_PAD - 1], 12);
      expect(curve?.dc?.[t]).toBeCloseTo((g.dcNorm as Float64Array)[t] / g.dhNorm[STORY_PAD - 1], 12);
    }
  });

  it('reruns when the sentence changes, and not on a step, a knob or the cell', () => {
    const store = createVisStore({ model: 'random' });
    const before = store.getState().story;
    store.getState().setStep(3);
    store.getState().setKnob('forgetBias', 1);
    store.getState().setCell('gru');
    expect(store.getState().story).toBe(before);
    store.getState().setSentence('the plot was boring');
    expect(store.getState().story).not.toBe(before);
    expect(store.getState().story.start.tokens.slice(0, 4)).toEqual(['the', 'plot', 'was', 'boring']);
  });

  it('says so when the RNN and the LSTM are close, and never claims a gap the numbers do not show', () => {
    const run = (rnn: number, lstm: number): StoryRun => ({
      view: 'trained', setting: '', tokens: ['a', 'b'], padded: [false, false], missing: null,
      curves: [
        { cell: 'rnn', dh: Float64Array.of(rnn, 1), dc: null },
        { cell: 'lstm', dh: Float64Array.of(lstm, 1), dc: Float64Array.of(lstm, 1) },
      ],
    });
    expect(storySentence(run(0.03, 0.07))).toBe("At the first word, “a”, the RNN's gradient is 10^-2 of the last token's; the LSTM's 10^-1. Here the RNN's and the LSTM's are within a factor of 100 of each other.");
    expect(storySentence(run(1e-9, 3e-7))).toContain("The RNN's is about 10^2 times smaller");
    expect(storySentence(run(1e-3, 1e-9))).toContain("Here the LSTM's is about 10^6 times smaller than the RNN's.");
  });
});
