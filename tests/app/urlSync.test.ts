// @vitest-environment jsdom
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { syncUrl } from '../../src/app/urlSync';
import { createVisStore } from '../../src/state/store';
import { parseHash } from '../../src/state/url';

let stop: (() => void) | null = null;

beforeEach(() => {
  window.history.replaceState(null, '', '#');
});

afterEach(() => {
  stop?.();
  stop = null;
  vi.useRealTimers();
});

describe('URL hash sync', () => {
  it('writes the full view into the hash at start without adding history', () => {
    const store = createVisStore({ sentence: 'not bad', model: 'random' });
    const length = window.history.length;
    stop = syncUrl(store, window, { replaceDelayMs: 0 });
    expect(window.history.length).toBe(length);
    expect(parseHash(window.location.hash)).toEqual({
      settings: expect.objectContaining({ sentence: 'not bad', cell: 'lstm', model: 'random', step: 0 }),
      problems: [],
    });
  });

  it('replaces the entry when the step or unit changes and pushes one when the cell changes', () => {
    const store = createVisStore({ sentence: 'a b c d', model: 'random' });
    stop = syncUrl(store, window, { replaceDelayMs: 0 });
    const length = window.history.length;
    store.getState().setStep(2);
    store.getState().setUnit(4);
    expect(window.history.length).toBe(length);
    expect(window.location.hash).toMatch(/step=2&unit=4/);
    store.getState().setCell('gru');
    expect(window.history.length).toBe(length + 1);
    expect(window.location.hash).toMatch(/cell=gru/);
  });

  it('adds one history entry per burst of typing, not one per keystroke', () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(1_000_000);
    const store = createVisStore({ sentence: '', model: 'random' });
    stop = syncUrl(store, window, { replaceDelayMs: 0 });
    const length = window.history.length;
    for (const text of ['n', 'no', 'not', 'not ', 'not b', 'not ba', 'not bad']) {
      vi.setSystemTime(Date.now() + 150);
      store.getState().setSentence(text);
    }
    expect(window.history.length).toBe(length + 1);
    expect(parseHash(window.location.hash).settings.sentence).toBe('not bad');
    vi.setSystemTime(Date.now() + 5000);
    store.getState().setSentence('not bad at all');
    expect(window.history.length).toBe(length + 2);
  });

  it('restores the view when the hash is changed from outside (back, forward, an edited link)', async () => {
    const store = createVisStore({ sentence: 'a b c d', model: 'random' });
    stop = syncUrl(store, window, { replaceDelayMs: 0 });
    window.location.hash = '#sentence=the%20plot%20was%20weak&cell=rnn&step=3&unit=2&zoom=1';
    await vi.waitFor(() => expect(store.getState().sentence).toBe('the plot was weak'));
    const s = store.getState();
    expect(s.cell).toBe('rnn');
    expect(s.step).toBe(3);
    expect(s.unit).toBe(2);
    // Keys missing from the link take their defaults; bad ones are reported.
    expect(s.model).toBe('sentiment');
    expect(s.urlProblems).toEqual(['unknown setting "zoom" ignored']);
  });

  it('batches replacements during playback into one history write, and keeps the left entry exact on a push', () => {
    vi.useFakeTimers();
    const store = createVisStore({ sentence: 'a b c d e f', model: 'random' });
    stop = syncUrl(store, window, { replaceDelayMs: 150 });
    const replace = vi.spyOn(window.history, 'replaceState');
    const push = vi.spyOn(window.history, 'pushState');
    try {
      for (let t = 1; t <= 5; t++) store.getState().setStep(t);
      expect(replace).not.toHaveBeenCalled();
      vi.advanceTimersByTime(150);
      expect(replace).toHaveBeenCalledTimes(1);
      expect(window.location.hash).toMatch(/step=5/);

      store.getState().setStep(3);
      store.getState().setCell('rnn');
      // The entry being left is first brought up to step 3, then the cell change is pushed.
      expect(replace).toHaveBeenCalledTimes(2);
      expect(String(replace.mock.calls[1][2])).toMatch(/cell=lstm.*step=3/);
      expect(push).toHaveBeenCalledTimes(1);
      expect(String(push.mock.calls[0][2])).toMatch(/cell=rnn.*step=3/);
      vi.advanceTimersByTime(1000);
      expect(replace).toHaveBeenCalledTimes(2);
    } finally {
      replace.mockRestore();
      push.mockRestore();
    }
  });

  it('writes a replacement only once steps pause, not while a held key keeps stepping', () => {
    vi.useFakeTimers();
    const store = createVisStore({ sentence: 'a b c d e f g h i j k l', model: 'random' });
    stop = syncUrl(store, window, { replaceDelayMs: 150 });
    const replace = vi.spyOn(window.history, 'replaceState');
    try {
      // A key repeating every 100 ms for a second: no history call falls between two presses.
      for (let t = 1; t <= 10; t++) {
        store.getState().setStep(t);
        vi.advanceTimersByTime(100);
      }
      expect(replace).not.toHaveBeenCalled();
      vi.advanceTimersByTime(50);
      expect(replace).toHaveBeenCalledTimes(1);
      expect(window.location.hash).toMatch(/step=10/);
    } finally {
      replace.mockRestore();
    }
  });
});
