// Fuzzing the URL codec past "never throws": whatever a link holds, parseHash returns only valid
// settings (right type, inside the limits, own known keys), a short list of distinct problems, and
// a store built from them runs; and reading its own output back changes nothing.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CELL_KINDS } from '../../src/engine/types';
import { ALL_PANELS, COLOR_BY, DEFAULT_SETTINGS, LIMITS, createVisStore, type Settings } from '../../src/state/store';
import { HASH_FIELDS, MAX_PROBLEMS, MAX_SENTENCE_CHARS, parseHash, toHash } from '../../src/state/url';

const KEYS = [...HASH_FIELDS.map((f) => f.key), '__proto__', 'constructor', 'toString', 'x', '', '%', '%ZZ', 'cell%3D'];
const VALUES = fc.oneof(
  fc.string({ maxLength: 12 }),
  fc.string({ unit: 'binary', maxLength: 8 }),
  fc.constantFrom('NaN', 'Infinity', '-Infinity', '-0', '1e400', '-1', '0x1f', '1_000', ' 3 ', '2.5', '%', '%E0%A4%A', '%00', '%F0%9F%98%80', 'lstm', 'GRU', 'random', 'saliency', 'heatmaps,,gradient', '256', '4.0000001'),
  fc.double().map(String),
  fc.integer().map(String),
);
const HASH = fc
  .array(fc.tuple(fc.constantFrom(...KEYS), fc.option(VALUES, { nil: null })), { maxLength: 20 })
  .map((parts) => `#${parts.map(([k, v]) => (v === null ? k : `${k}=${v}`)).join('&')}`);

const NUMERIC: Record<string, { min: number; max: number; integer: boolean }> = {
  step: { ...LIMITS.step, integer: true },
  unit: { ...LIMITS.unit, integer: true },
  recurrentScale: { ...LIMITS.recurrentScale, integer: false },
  forgetBias: { ...LIMITS.forgetBias, integer: false },
  padTo: { ...LIMITS.padTo, integer: true },
  seed: { ...LIMITS.seed, integer: true },
};

/** Throws unless every setting parsed from a link is one the store accepts. */
function expectValid(settings: Partial<Settings>): void {
  expect(Object.getPrototypeOf(settings)).toBe(Object.prototype);
  for (const key of Object.keys(settings)) expect(Object.keys(DEFAULT_SETTINGS)).toContain(key);
  const s = settings as Record<string, unknown>;
  for (const [key, lim] of Object.entries(NUMERIC)) {
    if (!(key in s)) continue;
    const v = s[key] as number;
    expect(Number.isFinite(v)).toBe(true);
    expect(v).toBeGreaterThanOrEqual(lim.min);
    expect(v).toBeLessThanOrEqual(lim.max);
    if (lim.integer) expect(Number.isInteger(v)).toBe(true);
  }
  if ('cell' in s) expect(CELL_KINDS).toContain(s.cell);
  if ('colorBy' in s) expect(COLOR_BY).toContain(s.colorBy);
  if ('compare' in s) expect(typeof s.compare).toBe('boolean');
  if ('sentence' in s) {
    expect(typeof s.sentence).toBe('string');
    expect((s.sentence as string).length).toBeLessThanOrEqual(MAX_SENTENCE_CHARS);
  }
  if ('model' in s) expect(typeof s.model).toBe('string');
  if ('panels' in s) for (const p of s.panels as string[]) expect(ALL_PANELS).toContain(p);
}

describe('the URL codec under fuzzing', () => {
  it('returns only valid settings and at most a dozen distinct problems for any link', () => {
    fc.assert(
      fc.property(HASH, (hash) => {
        const { settings, problems } = parseHash(hash);
        expectValid(settings);
        expect(problems.length).toBeLessThanOrEqual(MAX_PROBLEMS);
        expect(new Set(problems).size).toBe(problems.length);
        for (const p of problems) expect(typeof p).toBe('string');
        expect(({} as Record<string, unknown>).polluted).toBeUndefined();
      }),
      { numRuns: 2000 },
    );
  });

  it('reads its own output back to the same settings with no problems', () => {
    fc.assert(
      fc.property(HASH, (hash) => {
        const once = { ...DEFAULT_SETTINGS, ...parseHash(hash).settings };
        const again = parseHash(toHash(once));
        expect(again.problems).toEqual([]);
        expect({ ...DEFAULT_SETTINGS, ...again.settings }).toEqual(once);
      }),
      { numRuns: 1000 },
    );
  });

  it('gives a store that runs, with the step and unit inside the sentence and the model, for any link', () => {
    fc.assert(
      fc.property(HASH, (hash) => {
        const { settings } = parseHash(hash);
        const store = createVisStore(settings);
        const s = store.getState();
        expect(s.trace.T).toBeGreaterThanOrEqual(1);
        expect(s.tokens).toHaveLength(s.trace.T);
        expect(s.step).toBeGreaterThanOrEqual(0);
        expect(s.step).toBeLessThan(s.trace.T);
        expect(s.unit).toBeLessThan(s.trace.H);
        s.dispose();
      }),
      { numRuns: 150 },
    );
  });

  it('names a link with thousands of unknown keys in a dozen lines, the real settings first', () => {
    const junk = Array.from({ length: 5000 }, (_, i) => `k${i}=1`).join('&');
    const { settings, problems } = parseHash(`#${junk}&cell=transformer&step=2`);
    expect(settings).toEqual({ step: 2 });
    expect(problems).toHaveLength(MAX_PROBLEMS);
    expect(problems[0]).toMatch(/^cell: expected one of/);
    expect(problems[MAX_PROBLEMS - 1]).toBe(`... and ${5001 - (MAX_PROBLEMS - 1)} more problems`);
  });
});
