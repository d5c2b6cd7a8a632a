import fc from 'fast-check';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { SESSION_KEY, browserStorage, persistSession, readSession, startSettings, writeSession, type StorageLike } from '../../src/app/session';
import { DEFAULT_SETTINGS, createVisStore, type Settings } from '../../src/state/store';
import { USER_TASK } from '../../src/state/models';

/** An in-memory Storage; `quota` limits the total characters stored, like a full localStorage. */
function memoryStorage(quota = Infinity): StorageLike & { data: Map<string, string> } {
  const data = new Map<string, string>();
  return {
    data,
    getItem: (k) => data.get(k) ?? null,
    setItem: (k, v) => {
      if (v.length > quota) throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
      data.set(k, String(v));
    },
    removeItem: (k) => void data.delete(k),
  };
}

/** A Storage whose every call throws, as in a sandboxed iframe or with cookies blocked. */
const brokenStorage: StorageLike = {
  getItem: () => {
    throw new DOMException('The operation is insecure.', 'SecurityError');
  },
  setItem: () => {
    throw new DOMException('The operation is insecure.', 'SecurityError');
  },
  removeItem: () => {
    throw new DOMException('The operation is insecure.', 'SecurityError');
  },
};

const SETTINGS: Settings = { ...DEFAULT_SETTINGS, sentence: 'the acting was not bad', cell: 'gru', model: 'random', step: 3, unit: 7, recurrentScale: 1.5, forgetBias: -2, padTo: 20, panels: ['heatmaps', 'gradient'], compare: true, colorBy: 'saliency' };

afterEach(() => {
  vi.useRealTimers();
});

describe('the stored session', () => {
  it('gives back exactly the settings it stored', () => {
    const storage = memoryStorage();
    expect(writeSession(storage, SETTINGS)).toBe(true);
    expect(readSession(storage)).toEqual(SETTINGS);
  });

  it('does not store a model brought from a file, which a reload cannot bring back, but keeps the rest', () => {
    const storage = memoryStorage();
    writeSession(storage, { ...SETTINGS, model: USER_TASK });
    const back = readSession(storage);
    expect(back.model).toBeUndefined();
    expect(back.sentence).toBe(SETTINGS.sentence);
    expect(back.cell).toBe('gru');
  });

  it('reads nothing, and throws nothing, when storage is missing or every call throws', () => {
    expect(readSession(null)).toEqual({});
    expect(writeSession(null, SETTINGS)).toBe(false);
    expect(readSession(brokenStorage)).toEqual({});
    expect(writeSession(brokenStorage, SETTINGS)).toBe(false);
  });

  it('reports a full storage as not saved instead of throwing', () => {
    const storage = memoryStorage(10);
    expect(writeSession(storage, SETTINGS)).toBe(false);
    expect(storage.data.size).toBe(0);
  });

  it('finds no storage when reading window.localStorage itself throws', () => {
    const win = Object.defineProperty({}, 'localStorage', {
      get() {
        throw new DOMException('The operation is insecure.', 'SecurityError');
      },
    }) as Window;
    expect(browserStorage(win)).toBeNull();
  });

  it.each([
    ['not JSON', '{"v":1,"hash":'],
    ['JSON of the wrong shape', '[1,2,3]'],
    ['another version', JSON.stringify({ v: 99, hash: '#cell=gru' })],
    ['a hash that is not a string', JSON.stringify({ v: 1, hash: { cell: 'gru' } })],
    ['null', 'null'],
  ])('forgets an entry holding %s', (_what, raw) => {
    const storage = memoryStorage();
    storage.data.set(SESSION_KEY, raw);
    expect(readSession(storage)).toEqual({});
    expect(storage.data.has(SESSION_KEY)).toBe(false);
  });

  it('drops bad keys inside a stored entry as a link would, and keeps the good ones', () => {
    const storage = memoryStorage();
    storage.data.set(SESSION_KEY, JSON.stringify({ v: 1, hash: '#cell=gru&step=-4&scale=NaN&__proto__=1&sentence=hi' }));
    expect(readSession(storage)).toEqual({ cell: 'gru', sentence: 'hi' });
    expect(({} as Record<string, unknown>)['1']).toBeUndefined();
  });

  it('returns only valid settings for any stored text', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ unit: 'binary', maxLength: 80 }), fc.string({ maxLength: 60 }).map((h) => JSON.stringify({ v: 1, hash: h }))), (raw) => {
        const storage = memoryStorage();
        storage.data.set(SESSION_KEY, raw);
        const s = readSession(storage);
        for (const [k, v] of Object.entries(s)) {
          expect(Object.keys(DEFAULT_SETTINGS)).toContain(k);
          expect(typeof v).toBe(typeof DEFAULT_SETTINGS[k as keyof Settings]);
        }
      }),
      { numRuns: 500 },
    );
  });
});

describe('choosing the settings to start with', () => {
  it("uses the link's hash when it has one, even with a stored session", () => {
    const storage = memoryStorage();
    writeSession(storage, SETTINGS);
    const start = startSettings('#cell=rnn&step=x', storage);
    expect(start.source).toBe('link');
    expect(start.settings).toEqual({ cell: 'rnn' });
    expect(start.problems).toHaveLength(1);
  });

  it('uses the stored session for a bare link, and nothing when there is none', () => {
    const storage = memoryStorage();
    expect(startSettings('', storage)).toEqual({ settings: {}, problems: [], source: 'none' });
    writeSession(storage, SETTINGS);
    for (const hash of ['', '#']) expect(startSettings(hash, storage)).toEqual({ settings: SETTINGS, problems: [], source: 'session' });
  });
});

describe('saving while the student works', () => {
  it('saves a moment after the settings change, once per burst, and at once when the page is hidden', () => {
    vi.useFakeTimers();
    const storage = memoryStorage();
    const setItem = vi.spyOn(storage, 'setItem');
    const win = new EventTarget() as Window;
    const store = createVisStore({ sentence: 'not bad', model: 'random' });
    const stop = persistSession(store, storage, win, 400);
    store.getState().setSentence('not bad at');
    store.getState().setSentence('not bad at all');
    store.getState().setStep(2);
    expect(setItem).not.toHaveBeenCalled();
    vi.advanceTimersByTime(400);
    expect(setItem).toHaveBeenCalledTimes(1);
    expect(readSession(storage)).toMatchObject({ sentence: 'not bad at all', step: 2 });

    // Hover and playback state are not settings: no write.
    store.getState().setHover({ step: 1, unit: 1 });
    vi.advanceTimersByTime(1000);
    expect(setItem).toHaveBeenCalledTimes(1);

    store.getState().setCell('rnn');
    win.dispatchEvent(new Event('pagehide'));
    expect(setItem).toHaveBeenCalledTimes(2);
    expect(readSession(storage).cell).toBe('rnn');
    stop();
    store.getState().setCell('gru');
    vi.advanceTimersByTime(1000);
    expect(setItem).toHaveBeenCalledTimes(2);
  });

  it('keeps working when storage fails on every write', () => {
    vi.useFakeTimers();
    const store = createVisStore({ sentence: 'not bad', model: 'random' });
    const stop = persistSession(store, brokenStorage, new EventTarget() as Window, 10);
    store.getState().setSentence('still fine');
    expect(() => vi.advanceTimersByTime(20)).not.toThrow();
    expect(store.getState().sentence).toBe('still fine');
    stop();
  });
});
